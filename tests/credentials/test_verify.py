"""verify_credential: every check with its reason, for good and bad credentials."""

import copy
from datetime import UTC, datetime, timedelta

import pytest

from openedx_microcreds.credentials import (
    Ed25519Key,
    Profile,
    StatusBits,
    did_web_document,
    sign,
    status_list_credential,
    verify_credential,
)

from .sample import STATUS_LIST_URL, sample_credential, sample_key

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def statuses(report):
    return {check.name: check.status for check in report.checks}


def detail(report, name):
    return next(check.detail for check in report.checks if check.name == name)


def signed_list(key, revoked=(), issuer=None, list_url=STATUS_LIST_URL):
    bits = StatusBits()
    for index in revoked:
        bits.set(index)
    document = status_list_credential(
        list_url=list_url,
        issuer=issuer or key.did_key,
        bits=bits,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    return sign(document, key, strict=issuer is None)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"])
def test_own_credentials_verify_with_every_suite(suite):
    signed = sign(sample_credential(), sample_key(), cryptosuite=suite)
    report = verify_credential(signed, now=NOW)
    assert report.ok, report.to_dict()
    assert statuses(report) == {
        "document": "passed",
        "key": "passed",
        "proof": "passed",
        "issuer": "passed",
        "validity": "passed",
        "status": "passed",
    }


def test_proof_set_with_rdfc_and_ed25519_2020_verifies_each():
    key = sample_key()
    signed = sign(sign(sample_credential(), key), key, cryptosuite="Ed25519Signature2020")
    assert len(signed["proof"]) == 2
    report = verify_credential(signed, now=NOW)
    assert report.ok, report.to_dict()
    assert {"proof[0]", "proof[1]"} <= set(statuses(report))


def test_tampered_credential_fails_the_proof_only():
    signed = sign(sample_credential(), sample_key())
    signed["credentialSubject"]["result"][0]["value"] = "100"
    report = verify_credential(signed, now=NOW)
    assert not report.ok
    assert statuses(report)["proof"] == "failed"
    assert "signature does not match" in detail(report, "proof")
    assert statuses(report)["document"] == "passed"


def test_unsigned_and_non_object_credentials():
    report = verify_credential(sample_credential(), now=NOW)
    assert statuses(report)["proof"] == "failed"
    assert "no proof" in detail(report, "proof")
    report = verify_credential("not a credential")
    assert not report.ok and detail(report, "document") == "a credential must be a JSON object"


def test_wrong_issuer_fails_the_binding_check():
    key, other = sample_key(), Ed25519Key.generate()
    document = sample_credential()
    signed = sign(document, other, strict=False)
    report = verify_credential(signed, now=NOW)
    assert statuses(report)["proof"] == "passed"
    assert statuses(report)["issuer"] == "failed"
    assert key.did_key in detail(report, "issuer")


def test_validity_period():
    signed = sign(sample_credential(valid_until=datetime(2026, 3, 1, tzinfo=UTC)), sample_key())
    assert verify_credential(signed, now=datetime(2026, 2, 1, tzinfo=UTC)).ok
    expired = verify_credential(signed, now=NOW)
    assert statuses(expired)["validity"] == "failed"
    assert "expired at 2026-03-01T00:00:00Z" in detail(expired, "validity")
    early = verify_credential(signed, now=datetime(2025, 1, 1, tzinfo=UTC))
    assert "not valid until" in detail(early, "validity")


def test_status_list_reports_revoked_and_not_revoked():
    key = sample_key()
    good = sign(sample_credential(status_index=10), key)
    bad = sign(sample_credential(status_index=11), key)
    lists = {STATUS_LIST_URL: signed_list(key, revoked=[11])}
    good_report = verify_credential(good, status_lists=lists, now=NOW)
    assert good_report.ok and good_report.revoked is False
    bad_report = verify_credential(bad, status_lists=lists, now=NOW)
    assert not bad_report.ok and bad_report.revoked is True
    assert detail(bad_report, "status") == "revocation: the status list marks this credential"


def test_status_list_missing_tampered_or_foreign_fails_with_reason():
    key = sample_key()
    signed = sign(sample_credential(status_index=10), key)
    missing = verify_credential(signed, now=NOW)
    assert "was not supplied" in detail(missing, "status")
    assert missing.revoked is None

    tampered = signed_list(key)
    tampered["credentialSubject"]["encodedList"] = StatusBits().encode()[:-4] + "AAAA"
    report = verify_credential(signed, status_lists={STATUS_LIST_URL: tampered}, now=NOW)
    assert "does not verify" in detail(report, "status")

    stranger = Ed25519Key.generate()
    foreign = signed_list(stranger)
    report = verify_credential(signed, status_lists={STATUS_LIST_URL: foreign}, now=NOW)
    assert f"was issued by {stranger.did_key!r}" in detail(report, "status")

    elsewhere = signed_list(key, list_url="https://elsewhere.example/list")
    report = verify_credential(signed, status_lists={STATUS_LIST_URL: elsewhere}, now=NOW)
    assert "claims to be" in detail(report, "status")


def test_did_web_issuer_with_supplied_document_and_rotation():
    did = "did:web:lms.example.edu:microcreds:issuer"
    old, new = Ed25519Key.generate(), Ed25519Key.generate()
    document = sample_credential()
    document["issuer"] = Profile(id=did, name="Example University").to_json()
    signed_old = sign(document, old, verification_method=f"{did}#key-1")
    signed_new = sign(document, new, verification_method=f"{did}#key-2")
    both = did_web_document(did, [("key-1", old.public), ("key-2", new.public)])
    for signed in (signed_old, signed_new):
        assert verify_credential(signed, did_documents={did: both}, now=NOW).ok

    only_new = did_web_document(did, [("key-2", new.public)])
    report = verify_credential(signed_old, did_documents={did: only_new}, now=NOW)
    assert "is not listed in the DID document" in detail(report, "key")

    report = verify_credential(signed_new, now=NOW)
    assert "no DID document for" in detail(report, "key")

    not_assertion = copy.deepcopy(both)
    not_assertion["assertionMethod"] = [f"{did}#key-1"]
    report = verify_credential(signed_new, did_documents={did: not_assertion}, now=NOW)
    assert "is not an assertionMethod" in detail(report, "key")


def test_https_key_document():
    key = sample_key()
    issuer = "https://lms.example.edu/microcreds/issuer"
    vm = issuer + "#key-1"
    document = sample_credential()
    document["issuer"] = Profile(id=issuer, name="Example University").to_json()
    signed = sign(document, key, verification_method=vm)
    key_doc = {
        "id": vm,
        "type": "Multikey",
        "controller": issuer,
        "publicKeyMultibase": key.public_multibase,
    }
    assert verify_credential(signed, key_documents={vm: key_doc}, now=NOW).ok
    key_doc["controller"] = "https://someone.else"
    report = verify_credential(signed, key_documents={vm: key_doc}, now=NOW)
    assert statuses(report)["issuer"] == "failed"


def test_did_key_fragment_must_match():
    key = sample_key()
    signed = sign(
        sample_credential(), key, verification_method=f"{key.did_key}#other", strict=False
    )
    report = verify_credential(signed, now=NOW)
    assert "fragment" in detail(report, "key")


def test_report_to_dict_is_json_ready():
    signed = sign(sample_credential(), sample_key())
    data = verify_credential(signed, now=NOW + timedelta(days=1)).to_dict()
    assert data["verified"] is True
    assert {"name", "status", "detail"} == set(data["checks"][0])
