"""The admin: secrets never shown, rules validated by the rule engine, records read-only."""

import json

import pytest
from django.urls import reverse

from openedx_microcreds.admin import CredentialDefinitionForm
from openedx_microcreds.models import Award, CredentialDefinition, Evaluation, SigningKey

from .conftest import COURSE

SECRET = "zrv1mHUXWkWUpThaapTt8DuWi3OXwAnZqnHqRxvyDxmcpmLsgYyh1btNzTxXRSTE5sb8xg"

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing_key(issuer, secret_keys):
    key = SigningKey(
        issuer=issuer,
        key_id="did:web:academy.example.org#key-1",
        public_key_multibase="z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
    )
    key.store_secret(SECRET)
    key.save()
    return key


class TestSigningKeyAdmin:
    def test_pages_never_show_the_secret(self, admin_client, signing_key):
        pages = [
            reverse("admin:openedx_microcreds_signingkey_changelist"),
            reverse("admin:openedx_microcreds_signingkey_change", args=[signing_key.pk]),
        ]
        for url in pages:
            response = admin_client.get(url)
            assert response.status_code == 200
            body = response.content.decode()
            assert SECRET not in body
            assert signing_key.encrypted_secret not in body
            assert "encrypted_secret" not in body
        assert signing_key.public_key_multibase in body  # the change page shows public data

    def test_no_add_and_no_delete(self, admin_client, signing_key):
        add = admin_client.get(reverse("admin:openedx_microcreds_signingkey_add"))
        assert add.status_code == 403
        delete = admin_client.get(
            reverse("admin:openedx_microcreds_signingkey_delete", args=[signing_key.pk])
        )
        assert delete.status_code == 403

    def test_public_fields_are_read_only(self, admin_client, signing_key):
        url = reverse("admin:openedx_microcreds_signingkey_change", args=[signing_key.pk])
        admin_client.post(url, {"public_key_multibase": "z6MkEVIL", "key_id": "evil"})
        signing_key.refresh_from_db()
        assert signing_key.key_id == "did:web:academy.example.org#key-1"
        assert signing_key.decrypt_secret() == SECRET

    def test_retire_action(self, admin_client, signing_key):
        response = admin_client.post(
            reverse("admin:openedx_microcreds_signingkey_changelist"),
            {"action": "retire_keys", "_selected_action": [signing_key.pk]},
            follow=True,
        )
        assert response.status_code == 200
        signing_key.refresh_from_db()
        assert signing_key.state == SigningKey.State.RETIRED
        assert signing_key.retired_at is not None


RULE = {"type": "course_grade", "min": 0.8}


def form_data(issuer, **overrides):
    data = {
        "name": "Python basics",
        "slug": "python-basics",
        "issuer": issuer.pk,
        "course_key": COURSE,
        "state": "draft",
        "achievement_type": "Badge",
        "description": "",
        "criteria_narrative": "",
        "image_url": "",
        "validity_days": "",
        "alignments": "[]",
        "rule": json.dumps(RULE),
    }
    data.update(overrides)
    return data


def nested_rule(levels: int) -> str:
    """A rule whose clauses nest ``levels`` deep, as JSON text."""
    return '{"type": "all", "of": [' * levels + '{"type": "course_passed"}' + "]}" * levels


class TestCredentialDefinitionForm:
    """The form runs the model's checks: the rule engine, URLs, alignments, texts."""

    def test_a_valid_definition_saves(self, issuer):
        form = CredentialDefinitionForm(data=form_data(issuer))
        assert form.is_valid(), form.errors
        assert form.save().rule == RULE

    def test_pathway_rules_must_name_their_courses(self, issuer):
        form = CredentialDefinitionForm(
            data=form_data(issuer, course_key="", rule='{"type": "course_passed"}')
        )
        assert not form.is_valid()
        assert form.errors["rule"][0].startswith("$.course: is required: this credential is not")
        named = json.dumps({"type": "course_passed", "course": COURSE})
        form = CredentialDefinitionForm(data=form_data(issuer, course_key="", rule=named))
        assert form.is_valid(), form.errors
        assert form.save().course_key is None

    def test_rule_errors_listed_one_per_line_with_their_paths(self, issuer):
        rule = {"type": "all", "of": [{"type": "course_grade", "min": 80}, {"type": "nope"}]}
        form = CredentialDefinitionForm(data=form_data(issuer, rule=json.dumps(rule)))
        assert not form.is_valid()
        assert form.errors["rule"][0] == (
            "$.of[0].min: must be a number between 0 and 1 (use 0.8 for 80%), got 80"
        )
        assert form.errors["rule"][1].startswith('$.of[1].type: unknown clause type "nope"')

    def test_rule_must_be_an_object(self, issuer):
        form = CredentialDefinitionForm(data=form_data(issuer, rule="[1, 2]"))
        assert not form.is_valid()
        assert form.errors["rule"] == [
            "$: must be a JSON object describing a rule clause, got a list"
        ]

    def test_an_empty_draft_rule_is_allowed_but_not_an_active_one(self, issuer):
        assert CredentialDefinitionForm(data=form_data(issuer, rule="")).is_valid()
        form = CredentialDefinitionForm(data=form_data(issuer, rule="", state="active"))
        assert not form.is_valid()
        assert form.errors["rule"][0].startswith("$.type: is required")

    def test_deeply_nested_rules_get_an_error_with_a_path(self, issuer):
        form = CredentialDefinitionForm(data=form_data(issuer, rule=nested_rule(40)))
        assert not form.is_valid()
        [message] = form.errors["rule"]
        # 32 levels of JSON: the 16th clause's list holds the first object too deep.
        assert message == "$" + ".of[0]" * 16 + ": " + (
            "is nested too deeply: JSON here may nest at most 32 levels"
        )
        form = CredentialDefinitionForm(data=form_data(issuer, rule="[" * 60_000 + "]" * 60_000))
        assert not form.is_valid()
        assert form.errors["rule"] == [
            "$: is too large: at most 100000 characters of JSON, got 120000"
        ]

    def test_alignments_are_checked_with_paths(self, issuer):
        bad = [
            {"targetName": "Python", "targetUrl": "https://skills.example.org/python"},
            {"targetName": "Evil", "targetUrl": "javascript:alert(1)"},
            {"targetName": "Quote", "targetUrl": 'https://x.example/"><script>'},
            {"targetName": "Kind", "targetUrl": "https://x.example/k", "targetType": "Skill"},
            {"targetUrl": "https://x.example/n", "colour": "red"},
        ]
        form = CredentialDefinitionForm(data=form_data(issuer, alignments=json.dumps(bad)))
        assert not form.is_valid()
        messages = form.errors["alignments"]
        assert '$[1].targetUrl: must be an http(s) URL, got "javascript:alert(1)"' in messages
        assert any(m.startswith("$[2].targetUrl: must be an http(s) URL without") for m in messages)
        assert any(
            m.startswith("$[3].targetType: must be one of ceasn:Competency") for m in messages
        )
        assert any(
            m.startswith('$[4].colour: unknown key "colour" in an alignment') for m in messages
        )
        assert any(m.startswith("$[4].targetName: is required in an alignment") for m in messages)
        assert len(messages) == 5

    @pytest.mark.parametrize(
        "url",
        ['https://img.example/a".png', "https://img.example/<b>.png", "javascript:alert(1)"],
    )
    def test_image_url_must_be_a_clean_http_url(self, issuer, url):
        form = CredentialDefinitionForm(data=form_data(issuer, image_url=url))
        assert not form.is_valid()
        [message] = form.errors["image_url"]
        assert message.startswith("must be an http(s) URL") and json.dumps(url)[:20] in message

    def test_texts_copied_into_credentials_refuse_control_characters(self, issuer):
        form = CredentialDefinitionForm(
            data=form_data(issuer, name="Python\x07basics", description="line one\nline two")
        )
        assert not form.is_valid()
        assert list(form.errors) == ["name"]
        assert form.errors["name"][0].startswith("must be one line of text without control")

    def test_admin_add_and_change_pages(self, admin_client, issuer):
        add_url = reverse("admin:openedx_microcreds_credentialdefinition_add")
        assert admin_client.get(add_url).status_code == 200
        response = admin_client.post(add_url, form_data(issuer))
        assert response.status_code == 302, response.content.decode()[:2000]
        definition = CredentialDefinition.objects.get(slug="python-basics")
        change_url = reverse(
            "admin:openedx_microcreds_credentialdefinition_change", args=[definition.pk]
        )
        page = admin_client.get(change_url).content.decode()
        assert "&quot;type&quot;: &quot;course_grade&quot;" in page  # the rule, indented JSON

    def test_admin_answers_hostile_rules_with_a_form_error_not_a_500(self, admin_client, issuer):
        add_url = reverse("admin:openedx_microcreds_credentialdefinition_add")
        for rule in (nested_rule(3000), "[" * 50_000 + "]" * 50_000, "[" * 200_000):
            response = admin_client.post(add_url, form_data(issuer, rule=rule))
            assert response.status_code == 200
            body = response.content.decode()
            assert "errorlist" in body and ("too deeply" in body or "too large" in body)
        assert not CredentialDefinition.objects.exists()


class TestIssuerAdmin:
    def test_urls_and_did_are_checked(self, admin_client, issuer):
        url = reverse("admin:openedx_microcreds_issuer_change", args=[issuer.pk])
        data = {
            "name": issuer.name,
            "url": "https://academy.example.org/<home>",
            "email": "",
            "image_url": "javascript:alert(1)",
            "description": "",
            "did": "did:web:bad host",
        }
        body = admin_client.post(url, data).content.decode()
        assert "must be an http(s) URL without spaces" in body
        assert "must be an http(s) URL, got &quot;javascript:alert(1)&quot;" in body
        assert "must be a did:web or did:key identifier" in body
        issuer.refresh_from_db()
        assert issuer.url == "https://academy.example.org"


class TestRecords:
    def test_award_admin_shows_pretty_credential_read_only(self, admin_client, learner, definition):
        award = Award.objects.create(
            user=learner,
            definition=definition,
            definition_version=1,
            credential={"type": ["VerifiableCredential"], "name": "<script>x</script>"},
        )
        url = reverse("admin:openedx_microcreds_award_change", args=[award.pk])
        body = admin_client.get(url).content.decode()
        assert '"type": [\n' in body.replace("&quot;", '"')
        assert "<script>x</script>" not in body  # escaped
        assert admin_client.get(reverse("admin:openedx_microcreds_award_add")).status_code == 403
        changelist = reverse("admin:openedx_microcreds_award_changelist")
        filtered = admin_client.get(changelist, {"state__exact": "active"})
        assert filtered.status_code == 200
        assert str(award.uuid) in filtered.content.decode()

    def test_evaluation_admin_read_only(self, admin_client, learner, definition):
        evaluation = Evaluation.objects.create(
            user=learner,
            definition=definition,
            outcome=Evaluation.Outcome.NOT_MET,
            explanation={"met": False, "why": "grade 0.5 < 0.8"},
        )
        url = reverse("admin:openedx_microcreds_evaluation_change", args=[evaluation.pk])
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "grade 0.5 &lt; 0.8" in response.content.decode()
        admin_client.post(url, {"outcome": "awarded"})
        evaluation.refresh_from_db()
        assert evaluation.outcome == "not_met"
        delete = reverse("admin:openedx_microcreds_evaluation_delete", args=[evaluation.pk])
        assert admin_client.get(delete).status_code == 403


def test_definition_admin_offers_certificate_revocation_opt_in(admin_client, db):
    response = admin_client.get("/admin/openedx_microcreds/credentialdefinition/add/")
    assert response.status_code == 200
    assert b'name="revoke_on_certificate_revoked"' in response.content
