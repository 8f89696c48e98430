"""Reinstating undoes a revocation made in error: the same credential, as it was issued, is valid
again for a verifier reading the status list, even when the definition changed since; it is
refused when it could not be valid (a newer award, an expiry, a retired key)."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from openedx_microcreds import api
from openedx_microcreds.credentials import verify_credential
from openedx_microcreds.models import Award, AwardStatusChange, OutboxMessage, PendingEvaluation
from openedx_microcreds.status import signed_status_list, status_list_url
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)

BADGE_AWARDED = "org.openedx.learning.badge.awarded.v1"


def verify(award):
    award.status_list.refresh_from_db()
    lists = {status_list_url(award.status_list): signed_status_list(award.status_list)}
    return verify_credential(award.credential, status_lists=lists)


def test_reinstated_credential_verifies_again_as_issued(award, captured_badges, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    issued_json = award.credential_json
    api.revoke_award(award, reason="plagiarism suspected")
    assert verify(award).revoked is True

    # The definition changes meanwhile: a new version, a new name.
    definition = api.get_definition("data-analyst")
    api.update_definition(definition, {"name": "Data Analyst II"}, expected_tag=definition.edit_tag)
    assert api.get_definition("data-analyst").version == 2

    result = api.reinstate_award(str(award.uuid), reason="the suspicion was unfounded")
    assert result.changed
    assert "issued under version 1; the definition is now at version 2" in result.message
    award.refresh_from_db()
    assert award.state == "active" and award.revoked_at is None and award.revocation_reason == ""
    # The very same signed credential, as issued: same id, same bytes, same status entry.
    assert award.credential_json == issued_json and award.definition_version == 1
    report = verify(award)
    assert report.ok and report.revoked is False
    assert award.credential["credentialSubject"]["achievement"]["name"] == "Data Analyst"

    history = list(
        AwardStatusChange.objects.filter(award=award).values_list(
            "action", "reason", "definition_version"
        )
    )
    assert history == [
        ("revoked", "plagiarism suspected", 1),
        ("reinstated", "the suspicion was unfounded", 2),
    ]
    assert [kind for kind, _badge in captured_badges][-1] == BADGE_AWARDED
    assert OutboxMessage.objects.filter(award=award, event="reinstated", state="sent").exists()
    assert any("is valid again" in message.subject for message in mail.outbox)
    # Credentials stacked on it are evaluated again for the learner.
    assert PendingEvaluation.objects.filter(
        user_id=award.user_id, scope="credential:data-analyst"
    ).exists()


def test_revoked_reinstated_and_revoked_again_tells_the_learner_each_time(award, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    api.revoke_award(award, reason="first")
    api.reinstate_award(award, reason="mistake")
    api.revoke_award(award, reason="second, for real")
    subjects = [message.subject for message in mail.outbox]
    assert sum("revoked your credential" in subject for subject in subjects) == 2
    assert verify(Award.objects.get(pk=award.pk)).revoked is True


def test_reinstating_what_is_not_revoked_changes_nothing(award):
    result = api.reinstate_award(award, reason="why not")
    assert not result.changed and "not revoked" in result.message
    assert not AwardStatusChange.objects.exists()


def test_not_when_the_learner_holds_a_newer_award(award, learner):
    api.revoke_award(award, reason="regraded")
    scenario.send_passing_status(learner, scenario.DATA_COURSE)  # earns it again
    newer = Award.objects.get(user_id=learner.id, state="active")
    with pytest.raises(api.Conflict, match=f"newer award of this credential \\({newer.uuid}"):
        api.reinstate_award(award, reason="mistake")
    assert verify(award).revoked is True


def test_not_when_it_expired_or_its_key_was_retired(award):
    api.revoke_award(award, reason="regraded")
    Award.objects.filter(pk=award.pk).update(
        valid_until=timezone.now() - datetime.timedelta(days=1)
    )
    with pytest.raises(api.Conflict, match="expired on"):
        api.reinstate_award(award, reason="mistake")
    Award.objects.filter(pk=award.pk).update(valid_until=None)
    award.signing_key.retire()
    with pytest.raises(api.Conflict, match="signing key key-1 was retired"):
        api.reinstate_award(award, reason="mistake")
    with pytest.raises(api.InvalidInput, match="needs a reason"):
        api.reinstate_award(award, reason="  ")
    award.refresh_from_db()
    assert award.state == "revoked"
