"""The admin: secrets never shown, rules validated by the rule engine, records read-only."""

import json
import sys
import types

import pytest
from django.urls import reverse

from openedx_microcreds.admin import CredentialDefinitionForm, validate_rule
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
        "rule": json.dumps({"all": []}),
    }
    data.update(overrides)
    return data


@pytest.fixture
def fake_rules(monkeypatch):
    """A stand-in rule engine that records calls and rejects rules containing "bad"."""

    class RuleValidationError(ValueError):
        pass

    calls = []

    def parse_rule(doc, *, require_explicit_course=False):
        calls.append((doc, require_explicit_course))
        if "bad" in json.dumps(doc):
            raise RuleValidationError("$.all[0].min: must be between 0 and 1\n$.all[1]: unknown")
        return doc

    module = types.ModuleType("openedx_microcreds.rules")
    module.parse_rule = parse_rule
    module.RuleValidationError = RuleValidationError
    monkeypatch.setitem(sys.modules, "openedx_microcreds.rules", module)
    return calls


class TestCredentialDefinitionForm:
    def test_rule_goes_through_the_rule_engine(self, issuer, fake_rules):
        form = CredentialDefinitionForm(data=form_data(issuer))
        assert form.is_valid(), form.errors
        assert fake_rules == [({"all": []}, False)]

    def test_pathway_rules_must_name_their_courses(self, issuer, fake_rules):
        form = CredentialDefinitionForm(data=form_data(issuer, course_key=""))
        assert form.is_valid(), form.errors
        assert fake_rules[-1][1] is True
        assert form.save().course_key is None

    def test_rule_errors_listed_one_per_line(self, issuer, fake_rules):
        form = CredentialDefinitionForm(data=form_data(issuer, rule='{"bad": 1}'))
        assert not form.is_valid()
        assert form.errors["rule"] == ["$.all[0].min: must be between 0 and 1", "$.all[1]: unknown"]

    def test_rule_must_be_an_object(self, issuer, fake_rules):
        form = CredentialDefinitionForm(data=form_data(issuer, rule="[1, 2]"))
        assert not form.is_valid()
        assert "JSON object" in form.errors["rule"][0]
        assert fake_rules == []

    def test_alignments_need_target_name_and_url(self, issuer, fake_rules):
        bad = json.dumps([{"targetName": "Python"}])
        form = CredentialDefinitionForm(data=form_data(issuer, alignments=bad))
        assert not form.is_valid()
        assert "targetUrl" in form.errors["alignments"][0]

    def test_missing_rule_engine_blocks_saving(self, issuer, monkeypatch):
        monkeypatch.setitem(sys.modules, "openedx_microcreds.rules", None)
        form = CredentialDefinitionForm(data=form_data(issuer))
        assert not form.is_valid()
        assert "rule engine" in form.errors["rule"][0]

    def test_admin_add_and_change_pages(self, admin_client, issuer, fake_rules):
        add_url = reverse("admin:openedx_microcreds_credentialdefinition_add")
        assert admin_client.get(add_url).status_code == 200
        response = admin_client.post(add_url, form_data(issuer))
        assert response.status_code == 302, response.content.decode()[:2000]
        definition = CredentialDefinition.objects.get(slug="python-basics")
        change_url = reverse(
            "admin:openedx_microcreds_credentialdefinition_change", args=[definition.pk]
        )
        page = admin_client.get(change_url).content.decode()
        assert "&quot;all&quot;: []" in page  # the rule, indented JSON


def test_real_rule_engine_rejects_nonsense():
    """With the real rules package (when present), garbage never validates."""
    pytest.importorskip("openedx_microcreds.rules")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        validate_rule({"this is": "not a rule"})
    assert all(":" in message for message in excinfo.value.messages)


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
