"""Models: secrets never shown, one active key / award enforced by the database, versions."""

import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from openedx_microcreds.models import Award, CredentialDefinition, Evaluation, SigningKey

SECRET = (
    "zrv3kJcnBP1RpYmvNZ9jcYpKBZg41iSobWxSg3ix2U7Cp59kjwQFCT4SZTgLSL3HP8iGMdJs3nedjqYgNn6ZJmsmjRm"
)

pytestmark = pytest.mark.django_db


def make_key(issuer, key_id="did:web:academy.example.org#key-1", **extra):
    key = SigningKey(
        issuer=issuer,
        key_id=key_id,
        public_key_multibase="z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
        **extra,
    )
    key.store_secret(SECRET)
    key.save()
    return key


def make_award(user, definition, **extra):
    return Award.objects.create(
        user=user, definition=definition, definition_version=definition.version, **extra
    )


class TestSigningKey:
    def test_secret_encrypted_at_rest_and_never_shown(self, issuer, secret_keys):
        key = make_key(issuer)
        stored = SigningKey.objects.values_list("encrypted_secret", flat=True).get(pk=key.pk)
        assert SECRET not in stored
        fresh = SigningKey.objects.get(pk=key.pk)
        assert fresh.decrypt_secret() == SECRET
        for text in (str(fresh), repr(fresh)):
            assert SECRET not in text
            assert stored not in text
        assert str(fresh) == "did:web:academy.example.org#key-1 (active)"

    def test_one_active_key_per_issuer(self, issuer, secret_keys):
        make_key(issuer)
        with pytest.raises(IntegrityError), transaction.atomic():
            make_key(issuer, key_id="did:web:academy.example.org#key-2")

    def test_retired_keys_do_not_count(self, issuer, secret_keys):
        first = make_key(issuer)
        first.retire()
        second = make_key(issuer, key_id="did:web:academy.example.org#key-2")
        second.retire()
        third = make_key(issuer, key_id="did:web:academy.example.org#key-3")
        assert [k.state for k in SigningKey.objects.order_by("pk")] == [
            "retired",
            "retired",
            "active",
        ]
        assert first.retired_at is not None
        assert third.active_marker is True
        assert SigningKey.objects.get(pk=first.pk).active_marker is None

    def test_key_ids_unique_per_issuer(self, issuer, secret_keys):
        make_key(issuer).retire()
        with pytest.raises(IntegrityError), transaction.atomic():
            make_key(issuer)

    def test_marker_cannot_disagree_with_state(self, issuer, secret_keys):
        key = make_key(issuer)
        # A bulk update bypasses save(); the check constraint catches it.
        with pytest.raises(IntegrityError), transaction.atomic():
            SigningKey.objects.filter(pk=key.pk).update(state="retired")
        with pytest.raises(IntegrityError), transaction.atomic():
            SigningKey.objects.filter(pk=key.pk).update(active_marker=None)
        SigningKey.objects.filter(pk=key.pk).update(state="retired", active_marker=None)

    def test_missing_secret(self, issuer):
        key = SigningKey(issuer=issuer, key_id="k", public_key_multibase="z6Mk")
        with pytest.raises(ValueError, match="no stored secret"):
            key.decrypt_secret()


class TestAward:
    def test_defaults(self, learner, definition):
        award = make_award(learner, definition)
        assert isinstance(award.uuid, uuid.UUID)
        assert award.credential_id.startswith("urn:uuid:")
        assert award.credential_id != f"urn:uuid:{award.uuid}"  # public id != document id
        assert award.state == Award.State.ACTIVE
        assert award.active_marker is True
        assert award.definition_version == 1
        assert award.credential is None

    def test_one_active_award_per_user_and_definition(self, learner, definition):
        make_award(learner, definition)
        with pytest.raises(IntegrityError), transaction.atomic():
            make_award(learner, definition)
        assert Award.objects.active().count() == 1

    def test_revoked_and_superseded_awards_allow_a_new_one(self, learner, definition):
        first = make_award(learner, definition)
        first.state = Award.State.REVOKED
        first.revocation_reason = "issued in error"
        first.save()
        second = make_award(learner, definition)
        second.state = Award.State.SUPERSEDED
        second.save(update_fields=["state"])
        third = make_award(learner, definition)
        assert Award.objects.get(pk=second.pk).active_marker is None
        assert list(Award.objects.active()) == [third]

    def test_other_learners_and_definitions_are_independent(
        self, learner, definition, issuer, fake_platform
    ):
        other_user = fake_platform.add_user("grace")
        other_definition = CredentialDefinition.objects.create(
            slug="other", issuer=issuer, name="Other", course_key=None
        )
        make_award(learner, definition)
        make_award(learner, other_definition)
        make_award(get_user_model().objects.get(pk=other_user.id), definition)
        assert Award.objects.active().count() == 3

    def test_bulk_update_cannot_desynchronise(self, learner, definition):
        award = make_award(learner, definition)
        with pytest.raises(IntegrityError), transaction.atomic():
            Award.objects.filter(pk=award.pk).update(state=Award.State.REVOKED)

    def test_credential_kept_byte_for_byte(self, learner, definition):
        document = {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": "Python basics – Grundlagen",
            "credentialSubject": {"result": [{"value": 0.850}]},
            "proof": {"proofValue": "z5Q..."},
        }
        award = make_award(learner, definition, credential=document)
        fresh = Award.objects.get(pk=award.pk)
        assert fresh.credential == document
        assert list(fresh.credential) == list(document)  # key order kept
        assert fresh.credential_json == json.dumps(
            document, ensure_ascii=False, separators=(",", ":")
        )
        fresh.credential = '{"b": 1, "a": 2}'
        assert fresh.credential_json == '{"b": 1, "a": 2}'
        with pytest.raises(ValueError):
            fresh.credential = "{not json"


class TestCredentialDefinition:
    def test_version_bumps_on_content_change_only(self, definition):
        assert definition.version == 1
        definition.state = CredentialDefinition.State.ARCHIVED
        definition.save()
        assert definition.version == 1

        definition = CredentialDefinition.objects.get(pk=definition.pk)
        definition.rule = {"type": "course_grade", "min": 0.9}
        definition.save()
        assert definition.version == 2
        assert CredentialDefinition.objects.get(pk=definition.pk).version == 2

        definition.name = "Python basics II"
        definition.save(update_fields=["name"])
        assert CredentialDefinition.objects.get(pk=definition.pk).version == 3

        definition.save()  # nothing changed
        assert CredentialDefinition.objects.get(pk=definition.pk).version == 3

    def test_rule_key_order_does_not_count_as_a_change(self, definition):
        definition = CredentialDefinition.objects.get(pk=definition.pk)
        definition.rule = {"min": 0.8, "type": "course_grade"}
        definition.save()
        assert definition.version == 1

    def test_deferred_loading_still_saves(self, definition):
        partial = CredentialDefinition.objects.only("id", "state").get(pk=definition.pk)
        partial.state = CredentialDefinition.State.DRAFT
        partial.save(update_fields=["state"])
        assert CredentialDefinition.objects.get(pk=definition.pk).version == 1

    def test_pathway_has_no_course(self, issuer):
        pathway = CredentialDefinition.objects.create(
            slug="pathway", issuer=issuer, name="Data pathway", course_key=""
        )
        assert pathway.course_key is None
        assert pathway.is_pathway
        assert CredentialDefinition.objects.filter(course_key__isnull=True).count() == 1

    def test_course_key_validation(self, issuer):
        definition = CredentialDefinition(slug="bad", issuer=issuer, name="Bad", course_key="nope")
        with pytest.raises(ValidationError) as excinfo:
            definition.full_clean()
        assert "course_key" in excinfo.value.message_dict
        definition.course_key = "ccx-v1:OpenedX+Creds101+2026+ccx@4"
        definition.full_clean()

    def test_str(self, definition):
        assert str(definition) == "Python basics (v1)"
        assert definition.achievement_type == "Badge"
        assert definition.state == "active"


class TestEvaluation:
    def test_record(self, learner, definition):
        award = make_award(learner, definition)
        evaluation = Evaluation.objects.create(
            user=learner,
            definition=definition,
            award=award,
            event_id=str(uuid.uuid4()),
            event_type="org.openedx.learning.course.passing.status.updated.v1",
            course_key=definition.course_key,
            outcome=Evaluation.Outcome.AWARDED,
            explanation={"met": True, "clauses": [{"id": "$", "met": True}]},
        )
        assert evaluation.attempts == 1
        assert "awarded" in str(evaluation)
        assert list(award.evaluations.all()) == [evaluation]

    def test_failed_lookup_uses_the_outcome_index(self, learner):
        Evaluation.objects.create(user=learner, outcome=Evaluation.Outcome.FAILED, error="boom")
        Evaluation.objects.create(user=learner, outcome=Evaluation.Outcome.NOT_MET)
        failed = Evaluation.objects.filter(outcome="failed").order_by("created")
        assert [e.error for e in failed] == ["boom"]
        index_names = {index.name for index in Evaluation._meta.indexes}
        assert "microcreds_eval_outcome" in index_names

    def test_definition_deletion_keeps_the_audit_trail(self, learner, issuer):
        definition = CredentialDefinition.objects.create(slug="gone", issuer=issuer, name="Gone")
        evaluation = Evaluation.objects.create(
            user=learner, definition=definition, outcome=Evaluation.Outcome.NOT_MET
        )
        definition.delete()
        evaluation.refresh_from_db()
        assert evaluation.definition is None


def test_pii_annotations_on_every_model():
    from django.apps import apps

    for model in apps.get_app_config("openedx_microcreds").get_models():
        doc = model.__doc__ or ""
        assert ".. no_pii:" in doc or all(
            token in doc for token in (".. pii:", ".. pii_types:", ".. pii_retirement:")
        ), model.__name__
