"""did:web issuers, key rotation (old keys keep verifying while listed), explicit retirement."""

import pytest

from openedx_microcreds.credentials import verify_credential
from openedx_microcreds.models import Award, SigningKey
from openedx_microcreds.signing import (
    did_for_base_url,
    issuer_did_document,
    rotate_signing_key,
)
from openedx_microcreds.status import signed_status_list, status_list_url
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def did_web_issuer(catalogue):
    catalogue.did = did_for_base_url("https://lms.example.edu")
    catalogue.save()
    return catalogue


def issue_for(fake_platform, name):
    user = fake_platform.add_user(name, f"{name}@example.edu", name.title())
    scenario.grade_analyst(user, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(user, scenario.DATA_COURSE)
    return Award.objects.get(user_id=user.id, definition__slug="data-analyst")


def check(award, issuer):
    award.status_list.refresh_from_db()
    return verify_credential(
        award.credential,
        did_documents={issuer.did: issuer_did_document(issuer)},
        status_lists={status_list_url(award.status_list): signed_status_list(award.status_list)},
    )


def test_did_web_issuer_signs_with_key_fragment(did_web_issuer, fake_platform):
    award = issue_for(fake_platform, "ada")
    assert did_web_issuer.did == "did:web:lms.example.edu:microcreds:issuer"
    assert award.credential["issuer"]["id"] == did_web_issuer.did
    assert award.credential["proof"]["verificationMethod"] == f"{did_web_issuer.did}#key-1"
    report = check(award, did_web_issuer)
    assert report.ok, report.to_dict()


def test_rotation_keeps_old_credentials_verifying(did_web_issuer, fake_platform):
    before = issue_for(fake_platform, "ada")
    new_key = rotate_signing_key(did_web_issuer, key_id="key-2")
    after = issue_for(fake_platform, "bob")
    assert after.signing_key == new_key
    assert SigningKey.objects.get(key_id="key-1").state == "rotated"
    document = issuer_did_document(did_web_issuer)
    assert [m["id"].rsplit("#", 1)[1] for m in document["verificationMethod"]] == ["key-1", "key-2"]
    assert check(before, did_web_issuer).ok
    assert check(after, did_web_issuer).ok


def test_retired_key_is_unlisted_and_its_credentials_stop_verifying(did_web_issuer, fake_platform):
    before = issue_for(fake_platform, "ada")
    rotate_signing_key(did_web_issuer, key_id="key-2")
    SigningKey.objects.get(key_id="key-1").retire()
    report = check(before, did_web_issuer)
    assert not report.ok
    assert "not listed in the DID document" in str(report.to_dict())


def test_did_key_issuer_cannot_rotate(catalogue):
    with pytest.raises(ValueError, match="did:web first"):
        rotate_signing_key(catalogue)


def test_status_list_of_a_did_web_issuer_is_signed_by_the_active_key(did_web_issuer, fake_platform):
    award = issue_for(fake_platform, "ada")
    rotate_signing_key(did_web_issuer, key_id="key-2")
    from openedx_microcreds.revocation import revoke

    revoke(award, reason="test")
    report = check(award, did_web_issuer)
    assert report.revoked is True
    award.status_list.refresh_from_db()
    listed = signed_status_list(award.status_list)
    assert listed["proof"]["verificationMethod"].endswith("#key-2")
