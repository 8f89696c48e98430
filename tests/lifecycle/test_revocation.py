"""Revocation flips the status bit, is recorded and announced, is idempotent, and a revoked
learner can earn the credential again."""

import pytest

from openedx_microcreds.credentials import StatusBits, verify_credential
from openedx_microcreds.models import Award, StatusList
from openedx_microcreds.revocation import RevocationError, find_award, revoke
from openedx_microcreds.status import signed_status_list, status_list_url
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)


def lists_for(award):
    award.status_list.refresh_from_db()
    return {status_list_url(award.status_list): signed_status_list(award.status_list)}


def test_revoked_credential_fails_status_check_others_do_not(award, fake_platform, captured_badges):
    other_user = fake_platform.add_user("bob", "bob@example.edu", "Bob")
    scenario.grade_analyst(other_user, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(other_user, scenario.DATA_COURSE)
    other = Award.objects.get(user_id=other_user.id, definition__slug="data-analyst")
    assert verify_credential(award.credential, status_lists=lists_for(award)).ok

    result = revoke(award, reason="academic misconduct")
    assert result.changed

    revoked_report = verify_credential(award.credential, status_lists=lists_for(award))
    assert revoked_report.revoked is True and not revoked_report.ok
    other_report = verify_credential(other.credential, status_lists=lists_for(other))
    assert other_report.ok and other_report.revoked is False
    award.refresh_from_db()
    assert award.state == "revoked" and award.revocation_reason == "academic misconduct"
    assert award.revoked_at is not None
    assert [kind for kind, _ in captured_badges][-1] == "org.openedx.learning.badge.revoked.v1"


def test_revoke_twice_says_so_and_changes_nothing(award):
    revoke(award, reason="mistake")
    before = StatusList.objects.get(pk=award.status_list_id)
    second = revoke(award, reason="again")
    assert not second.changed and "already revoked" in second.message
    after = StatusList.objects.get(pk=award.status_list_id)
    assert (after.bits_version, after.signed_version) == (
        before.bits_version,
        before.signed_version,
    )
    award.refresh_from_db()
    assert award.revocation_reason == "mistake"


def test_revoke_unknown_and_without_reason(award):
    with pytest.raises(RevocationError, match="no award or credential"):
        find_award("urn:uuid:00000000-0000-0000-0000-000000000000")
    with pytest.raises(RevocationError, match="no award or credential"):
        find_award("not-an-id")
    assert find_award(award.credential_id) == award
    assert find_award(str(award.uuid)) == award
    with pytest.raises(RevocationError, match="needs a reason"):
        revoke(award, reason="  ")


def test_revoked_learner_can_earn_it_again_with_a_new_credential(award, learner):
    revoke(award, reason="issued in error")
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    awards = Award.objects.filter(user_id=learner.id, definition__slug="data-analyst")
    assert awards.count() == 2
    fresh = awards.get(state="active")
    assert fresh.credential_id != award.credential_id
    assert (fresh.status_list_id, fresh.status_index) != (award.status_list_id, award.status_index)
    assert verify_credential(fresh.credential, status_lists=lists_for(fresh)).ok


def test_status_list_resigned_only_when_a_bit_changes(award):
    status_list = award.status_list
    first = signed_status_list(status_list)
    status_list.refresh_from_db()
    version = status_list.signed_version
    assert signed_status_list(status_list) == first
    status_list.refresh_from_db()
    assert status_list.signed_version == version
    revoke(award, reason="x")
    status_list.refresh_from_db()
    assert status_list.signed_version == version + 1
    bits = StatusBits.decode(signed_status_list(status_list)["credentialSubject"]["encodedList"])
    assert bits.get(award.status_index) and bits.count() == 1


def test_tampered_or_foreign_status_list_is_reported(award):
    lists = lists_for(award)
    url = status_list_url(award.status_list)
    tampered = dict(lists[url])
    tampered["credentialSubject"] = dict(
        tampered["credentialSubject"], encodedList=StatusBits(award.status_list.size).encode()
    )
    tampered["credentialSubject"]["encodedList"] = _flip(award.status_index, award.status_list.size)
    report = verify_credential(award.credential, status_lists={url: tampered})
    assert not report.ok and "does not verify" in str(report.to_dict())


def _flip(index, size):
    bits = StatusBits(size)
    bits.set(index)
    return bits.encode()


def test_certificate_revoked_revokes_opted_in_definitions(award, learner):
    from openedx_events.learning.data import CertificateData
    from openedx_events.learning.signals import CERTIFICATE_REVOKED

    award.definition.revoke_on_certificate_revoked = True
    award.definition.save()
    CERTIFICATE_REVOKED.send_event(
        certificate=CertificateData(
            user=scenario._user_data(learner),
            course=scenario._course_data(scenario.DATA_COURSE),
            mode="verified",
            grade="0.9",
            current_status="notpassing",
            download_url="",
            name="",
        )
    )
    award.refresh_from_db()
    assert award.state == "revoked"
    assert "certificate" in award.revocation_reason


def test_certificate_revoked_leaves_other_definitions_alone(award, learner):
    from openedx_events.learning.data import CertificateData
    from openedx_events.learning.signals import CERTIFICATE_REVOKED

    CERTIFICATE_REVOKED.send_event(
        certificate=CertificateData(
            user=scenario._user_data(learner),
            course=scenario._course_data(scenario.DATA_COURSE),
            mode="verified",
            grade="0.9",
            current_status="notpassing",
            download_url="",
            name="",
        )
    )
    award.refresh_from_db()
    assert award.state == "active"


def test_full_status_list_rolls_over(catalogue, learner, fake_platform):
    status = StatusList.objects.create(
        issuer=catalogue, sequence=1, size=131_072, allocated=131_072, bits=bytes(16384)
    )
    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    award = Award.objects.get(user_id=learner.id, definition__slug="data-analyst")
    assert award.status_list.sequence == 2 and award.status_list_id != status.pk


def test_dense_list_still_finds_free_indexes(catalogue, fake_platform):
    """Past half full, indexes are probed rather than guessed; a nearly full list still works."""
    from openedx_microcreds.status import pick_index

    status = StatusList.objects.create(
        issuer=catalogue, sequence=1, size=131_072, allocated=131_070, bits=bytes(16384)
    )
    user = fake_platform.add_user("z", "z@example.edu", "Z")
    scenario.grade_analyst(user, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(user, scenario.DATA_COURSE)
    award = Award.objects.get(user_id=user.id, definition__slug="data-analyst")
    assert award.status_list_id == status.pk
    status.refresh_from_db()
    assert status.allocated == 131_071
    assert 0 <= pick_index(status) < status.size
