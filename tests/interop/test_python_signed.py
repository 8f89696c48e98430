"""Credentials signed by our Python core are accepted by independent Node verifiers.

And the other way round: the Python verifier accepts what the @digitalbazaar stack signs.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from openedx_microcreds.credentials.keys import Ed25519Key, Ed25519PublicMultikey
from openedx_microcreds.credentials.keys import did_web_document as python_did_web_document
from openedx_microcreds.credentials.proofs import sign
from openedx_microcreds.credentials.status_list import StatusBits, status_list_credential
from openedx_microcreds.credentials.verify import verify_credential
from tests.interop.node import run_node
from tests.interop.support import (
    DID_WEB,
    STATUS_LIST_URL,
    key_fields,
    set_issuer,
    sign_request,
    with_status,
)

SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"]
# verifier-core (DCC) verifies eddsa-rdfc-2022 and Ed25519Signature2020 only
CORE_SUITES = ["eddsa-rdfc-2022", "Ed25519Signature2020"]
CREATED = "2025-01-15T12:00:00Z"


@pytest.fixture(scope="module")
def key(test_key) -> Ed25519Key:
    key = Ed25519Key.from_seed(bytes.fromhex(test_key["seedHex"]))
    assert key.public_multibase == test_key["publicKeyMultibase"]
    assert key.secret_multibase == test_key["secretKeyMultibase"]
    assert key.did_key == test_key["did"]
    assert key.verification_method_id == test_key["verificationMethod"]
    return key


def verify(credential: dict, **extra) -> dict:
    return run_node("verify.mjs", {"credential": credential, **extra})


def verifier_core(credential: dict, **extra) -> dict:
    return run_node("verifier_core.mjs", {"credential": credential, **extra})["summary"]


@pytest.mark.parametrize("suite", SUITES)
def test_python_and_node_sign_byte_identical(suite, key, test_key, ob3_unsigned):
    """Same canonical form and proof options: Ed25519 makes the same signature."""
    ours = sign(ob3_unsigned, key, cryptosuite=suite, created=CREATED)
    theirs = run_node("sign.mjs", sign_request(ob3_unsigned, test_key, suite, created=CREATED))
    assert ours == theirs


@pytest.mark.parametrize("suite", SUITES)
def test_digitalbazaar_verifies_python_signed_ob3(suite, key, ob3_unsigned):
    result = verify(sign(ob3_unsigned, key, cryptosuite=suite))
    assert result["verified"], result["errors"]
    assert result["proofVerified"]


@pytest.mark.parametrize("suite", CORE_SUITES)
def test_verifier_core_verifies_python_signed_ob3(suite, key, ob3_unsigned):
    summary = verifier_core(sign(ob3_unsigned, key, cryptosuite=suite))
    assert summary["signatureValid"] is True, summary
    assert summary["expired"] is False
    assert summary["fatalErrors"] == []


def test_verifier_core_rejects_python_jcs_only_for_lack_of_suite(key, ob3_unsigned):
    summary = verifier_core(sign(ob3_unsigned, key, cryptosuite="eddsa-jcs-2022"))
    assert summary["signatureValid"] is False
    assert any("insufficient proofs matched" in m for m in summary["diagnosis"])


def test_python_proof_set_rdfc_plus_jcs(key, ob3_unsigned):
    """A proof set: @digitalbazaar checks both proofs; verifier-core uses the one it knows."""
    signed = sign(sign(ob3_unsigned, key), key, cryptosuite="eddsa-jcs-2022")
    assert len(signed["proof"]) == 2
    result = verify(signed)
    assert result["verified"], result["errors"]
    assert [p["verified"] for p in result["proofs"]] == [True, True]
    assert verifier_core(signed)["signatureValid"] is True


@pytest.mark.parametrize("suite", SUITES)
def test_python_signed_tampered_fails(suite, key, ob3_unsigned):
    signed = sign(ob3_unsigned, key, cryptosuite=suite)
    signed["credentialSubject"]["achievement"]["criteria"]["narrative"] = "Attend once."
    assert verify(signed)["verified"] is False
    if suite in CORE_SUITES:
        assert verifier_core(signed)["signatureValid"] is False


@pytest.mark.parametrize("suite", SUITES)
def test_python_did_web_issuer(suite, key, ob3_unsigned):
    document = python_did_web_document(
        DID_WEB, [("key-1", Ed25519PublicMultikey.from_multibase(key.public_multibase))]
    )
    credential = set_issuer(ob3_unsigned, DID_WEB)
    signed = sign(credential, key, cryptosuite=suite, verification_method=f"{DID_WEB}#key-1")
    result = verify(signed, didDocuments={DID_WEB: document})
    assert result["verified"], result["errors"]
    if suite in CORE_SUITES:
        summary = verifier_core(signed, didDocuments={DID_WEB: document})
        assert summary["signatureValid"] is True, summary


@pytest.fixture(scope="module")
def python_status_list(key) -> dict:
    bits = StatusBits()
    bits.set(4242)
    unsigned = status_list_credential(
        list_url=STATUS_LIST_URL,
        issuer=key.did_key,
        bits=bits,
        valid_from=datetime(2025, 1, 1, tzinfo=UTC),
    )
    return sign(unsigned, key)


def test_node_decodes_python_status_list(python_status_list):
    decoded = run_node(
        "status_list.mjs",
        {"op": "decode", "credential": python_status_list, "indices": [0, 4241, 4242, 131071]},
    )
    assert decoded["length"] == 131072
    assert decoded["statuses"] == {"0": False, "4241": False, "4242": True, "131071": False}


@pytest.mark.parametrize(("index", "revoked"), [(4241, False), (4242, True)])
def test_python_status_list_round_trip(index, revoked, key, ob3_unsigned, python_status_list):
    signed = sign(with_status(ob3_unsigned, index), key)
    lists = {STATUS_LIST_URL: python_status_list}

    result = verify(signed, statusLists=lists)
    assert result["statusChecked"] is True, result["errors"]
    assert result["revoked"] is revoked

    summary = verifier_core(signed, statusLists=lists)
    assert summary["signatureValid"] is True
    assert summary["statusError"] is None
    assert summary["revoked"] is revoked


# ------------------------------------------------ the Python verifier on Node-signed credentials


@pytest.mark.parametrize("suite", SUITES)
def test_python_verifier_accepts_node_signed_ob3(suite, test_key, ob3_unsigned):
    signed = run_node("sign.mjs", sign_request(ob3_unsigned, test_key, suite))
    report = verify_credential(signed)
    assert report.ok, report.to_dict()


@pytest.mark.parametrize("suite", SUITES)
def test_python_verifier_rejects_tampered_node_signed_ob3(suite, test_key, ob3_unsigned):
    signed = run_node("sign.mjs", sign_request(ob3_unsigned, test_key, suite))
    signed["credentialSubject"]["result"][0]["value"] = "100"
    assert not verify_credential(signed).ok


@pytest.mark.parametrize(("index", "revoked"), [(4241, False), (4242, True)])
def test_python_verifier_reads_node_status_list(index, revoked, test_key, ob3_unsigned):
    node_list = run_node(
        "status_list.mjs",
        {
            "op": "create",
            "id": STATUS_LIST_URL,
            "set": [4242],
            "validFrom": "2025-01-01T00:00:00Z",
            **key_fields(test_key),
        },
    )
    signed = run_node(
        "sign.mjs", sign_request(with_status(ob3_unsigned, index), test_key, SUITES[0])
    )
    report = verify_credential(signed, status_lists={STATUS_LIST_URL: node_list})
    assert report.revoked is revoked, report.to_dict()
    assert report.ok is (not revoked), report.to_dict()
