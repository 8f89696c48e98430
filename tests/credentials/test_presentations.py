"""DID Authentication presentations: what a holder must prove, and every way it can fail.

The presentations are signed by tests/wallet_holder.py (pyld and rfc8785 directly); the
Learner Credential Wallet's own libraries sign them in tests/interop/test_wallets_interop.py.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from openedx_microcreds.credentials.presentations import (
    PresentationError,
    verify_did_authentication,
)
from tests.wallet_holder import VC_V2, DidKeyHolder

CHALLENGE = "5Nd1pV3qQ5m2Yc0S6o0mUQ2mI4pGm6yWJ3mA0F7bW5c"
DOMAIN = "https://lms.example.edu"
VC_V1 = "https://www.w3.org/2018/credentials/v1"


@pytest.fixture
def holder():
    return DidKeyHolder.new(bytes(range(32)))


def check(presentation, **options):
    arguments = {"challenge": CHALLENGE, "domain": DOMAIN, "now": datetime.now(UTC)}
    arguments.update(options)
    return verify_did_authentication(presentation, **arguments)


def refused(presentation, code, **options):
    with pytest.raises(PresentationError) as caught:
        check(presentation, **options)
    assert caught.value.code == code, str(caught.value)
    return str(caught.value)


@pytest.mark.parametrize("suite", ["Ed25519Signature2020", "eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_each_accepted_suite_authenticates_the_holder(holder, suite):
    result = check(holder.presentation(challenge=CHALLENGE, domain=DOMAIN, suite=suite))
    assert result.did == holder.did
    assert result.verification_method == holder.vm
    assert result.suite == suite


def test_wrong_or_missing_challenge(holder):
    refused(holder.presentation(challenge="another", domain=DOMAIN), "challenge")
    refused(holder.presentation(challenge=None, domain=DOMAIN), "challenge")


def test_wrong_or_missing_domain(holder):
    assert "not the one" in refused(
        holder.presentation(challenge=CHALLENGE, domain="https://evil.example"), "domain"
    )
    refused(holder.presentation(challenge=CHALLENGE, domain=None), "domain")


def test_the_older_request_flow_may_omit_the_domain_but_not_give_a_wrong_one(holder):
    without = holder.presentation(challenge=CHALLENGE, domain=None)
    assert check(without, require_domain=False).did == holder.did
    wrong = holder.presentation(challenge=CHALLENGE, domain="https://evil.example")
    refused(wrong, "domain", require_domain=False)


def test_a_holder_who_does_not_control_the_signing_key(holder):
    """Signed by holder's key, but claiming another DID as holder."""
    other = DidKeyHolder.new()
    claims_other = holder.presentation(challenge=CHALLENGE, domain=DOMAIN, holder=other.did)
    assert "does not control" in refused(claims_other, "holder")


def test_a_key_that_did_not_sign(holder):
    """Names the holder's key, signed by another one."""
    forged = holder.presentation(challenge=CHALLENGE, domain=DOMAIN, signer=DidKeyHolder.new().key)
    refused(forged, "signature")


def test_a_changed_presentation(holder):
    signed = holder.presentation(challenge=CHALLENGE, domain=DOMAIN)
    signed["id"] = "urn:uuid:0b5e6a57-4a4c-4a8b-9a0e-1f4e0d2c3b4a"
    refused(signed, "signature")


def test_only_did_key_verification_methods(holder):
    did_web = holder.presentation(
        challenge=CHALLENGE, domain=DOMAIN, vm="did:web:wallet.example#key-1"
    )
    refused(did_web, "key")


def test_purpose_must_be_authentication(holder):
    assertion = holder.presentation(
        challenge=CHALLENGE, domain=DOMAIN, extra_proof={"proofPurpose": "assertionMethod"}
    )
    refused(assertion, "proof_purpose")


def test_times(holder):
    now = datetime.now(UTC)
    expired = holder.presentation(
        challenge=CHALLENGE,
        domain=DOMAIN,
        extra_proof={"expires": (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    refused(expired, "expired")
    ahead = holder.presentation(
        challenge=CHALLENGE, domain=DOMAIN, created=now + timedelta(hours=1)
    )
    refused(ahead, "not_yet_valid")
    before = holder.presentation(
        challenge=CHALLENGE, domain=DOMAIN, created=now - timedelta(hours=1)
    )
    refused(before, "stale", not_before=now - timedelta(minutes=5))
    assert check(before, not_before=now - timedelta(hours=2)).did == holder.did


def test_shape(holder):
    good = holder.presentation(challenge=CHALLENGE, domain=DOMAIN)
    refused("not an object", "malformed")
    refused({**good, "type": ["VerifiableCredential"]}, "malformed")
    refused({key: value for key, value in good.items() if key != "proof"}, "malformed")
    refused({**good, "proof": [good["proof"], good["proof"]]}, "malformed")
    refused({**good, "holder": 42}, "holder")
    refused(
        holder.presentation(challenge=CHALLENGE, domain=DOMAIN, suite="eddsa-jcs-2022")
        | {"proof": {**good["proof"], "type": "RsaSignature2018"}},
        "unsupported_proof",
    )


def test_only_published_contexts(holder):
    inline = holder.presentation(
        challenge=CHALLENGE, domain=DOMAIN, contexts=[VC_V2, {"holder": "https://evil.example/h"}]
    )
    assert "URLs only" in refused(inline, "malformed")


def test_ed25519_signature_2020_needs_its_context(holder):
    bare = holder.presentation(challenge=CHALLENGE, domain=DOMAIN, contexts=[VC_V2])
    assert "ed25519-2020" in refused(bare, "malformed")


def test_values_the_contexts_leave_unsigned_are_refused(holder):
    """Under the VC 1.1 context alone, a DataIntegrityProof's challenge, domain and key are not
    defined terms: RDF canonicalization drops them, so the signature does not cover them and
    anyone could change them. The signed statements are what count."""
    signed = holder.presentation(
        challenge="a challenge from another exchange",
        domain=DOMAIN,
        suite="eddsa-rdfc-2022",
        contexts=[VC_V1],
    )
    signed["proof"]["challenge"] = CHALLENGE  # still "verifies": the challenge is not signed
    assert "not among the signed statements" in refused(signed, "proof_purpose")
