"""The Node interop harness is honest: it accepts what it should and rejects what it should.

Everything here runs Node only (no Python signing): the W3C vc-di-eddsa test vectors, the
Open Badges 3.0 fixture signed by the Node stack, did:web and status lists supplied offline.
"""

from __future__ import annotations

import json

import pytest

from tests.interop.node import NodeHarnessError, NodeHarnessMissing, ensure_harness, run_node
from tests.interop.support import (
    DID_WEB,
    STATUS_LIST_URL,
    did_web_document,
    key_fields,
    set_issuer,
    sign_request,
    vector,
    with_status,
)

W3C_VECTORS = {
    "eddsa-rdfc-2022": "signedDataInt.json",
    "eddsa-jcs-2022": "signedJCS.json",
    "Ed25519Signature2020": "signedEdSig.json",
}
SUITES = list(W3C_VECTORS)
ISSUER_RULE = "Credential issuer must match the verification method controller."


def verify(credential: dict, **extra) -> dict:
    return run_node("verify.mjs", {"credential": credential, **extra})


def verifier_core(credential: dict, **extra) -> dict:
    return run_node("verifier_core.mjs", {"credential": credential, **extra})


def node_sign(credential: dict, key: dict, cryptosuite: str = "eddsa-rdfc-2022", **extra) -> dict:
    return run_node("sign.mjs", sign_request(credential, key, cryptosuite, **extra))


def status_list(key: dict, revoked: list[int], **extra) -> dict:
    request = {"op": "create", "id": STATUS_LIST_URL, "set": revoked, **key_fields(key), **extra}
    return run_node("status_list.mjs", request)


# --------------------------------------------------------------- W3C vectors


@pytest.mark.parametrize("suite", SUITES)
def test_w3c_vector_verifies_when_issuer_is_not_required_to_be_the_controller(suite):
    result = verify(vector(W3C_VECTORS[suite]), checkIssuerController=False)
    assert result["verified"], result["errors"]
    assert result["proofVerified"]
    assert result["errors"] == []
    assert result["revoked"] is None
    assert result["statusChecked"] is False
    [proof] = result["proofs"]
    assert proof["type"] == (
        "Ed25519Signature2020" if suite == "Ed25519Signature2020" else "DataIntegrityProof"
    )


@pytest.mark.parametrize("suite", SUITES)
def test_w3c_vector_fails_vc_issuer_rule_because_issuer_is_an_https_url(suite):
    """@digitalbazaar/vc requires issuer == controller of the proof's key; the vectors' is not."""
    result = verify(vector(W3C_VECTORS[suite]))
    assert result["verified"] is False
    assert ISSUER_RULE in result["errors"]


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize(
    "tamper",
    ["subject", "validFrom", "proofValue", "created", "verificationMethod"],
)
def test_tampered_w3c_vector_fails(suite, tamper, test_key):
    credential = vector(W3C_VECTORS[suite])
    if tamper == "subject":
        credential["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    elif tamper == "validFrom":
        credential["validFrom"] = "2023-01-02T00:00:00Z"
    elif tamper == "proofValue":
        value = credential["proof"]["proofValue"]
        credential["proof"]["proofValue"] = (
            value[:10] + ("A" if value[10] != "A" else "B") + value[11:]
        )
    elif tamper == "created":
        credential["proof"]["created"] = "2023-02-24T23:36:39Z"
    else:  # a different, resolvable key: the signature must not verify under it
        credential["proof"]["verificationMethod"] = test_key["verificationMethod"]
    result = verify(credential, checkIssuerController=False)
    assert result["verified"] is False
    assert result["proofVerified"] is False
    assert result["errors"]


@pytest.mark.parametrize("suite", SUITES)
def test_node_sign_reproduces_the_w3c_vector_signature(suite, w3c_key):
    """Ed25519 is deterministic: same document, key and proof options give the same proofValue."""
    unsigned = vector("unsigned.json")
    if suite == "Ed25519Signature2020":
        unsigned["@context"].append("https://w3id.org/security/suites/ed25519-2020/v1")
    signed = node_sign(unsigned, w3c_key, suite, created="2023-02-24T23:36:38Z")
    assert signed == vector(W3C_VECTORS[suite])


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "Ed25519Signature2020"])
def test_verifier_core_reports_vector_issuer_mismatch_as_invalid_signature(suite):
    """verifier-core also requires issuer == controller and then says only 'signature invalid'."""
    result = verifier_core(vector(W3C_VECTORS[suite]))
    summary = result["summary"]
    assert summary["signatureValid"] is False
    assert [e["name"] for e in summary["fatalErrors"]] == ["invalid_signature"]
    assert ISSUER_RULE in summary["diagnosis"]


# --------------------------------------------------------------- OB 3.0, did:key


@pytest.mark.parametrize("suite", SUITES)
def test_node_signed_ob3_verifies(suite, ob3_unsigned, test_key):
    signed = node_sign(ob3_unsigned, test_key, suite)
    assert signed["issuer"]["id"] == test_key["did"]
    assert signed["proof"]["verificationMethod"] == test_key["verificationMethod"]
    result = verify(signed)
    assert result["verified"], result["errors"]
    assert result["errors"] == []
    assert result["revoked"] is None


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "Ed25519Signature2020"])
def test_verifier_core_accepts_node_signed_ob3(suite, ob3_unsigned, test_key):
    result = verifier_core(node_sign(ob3_unsigned, test_key, suite))
    summary = result["summary"]
    assert summary["signatureValid"] is True, summary
    assert summary["expired"] is False
    assert summary["revoked"] is None
    assert summary["fatalErrors"] == []
    # we are in no DCC issuer registry, and no registry is configured
    assert summary["registeredIssuer"] is False
    # the 1EdTech JSON schema it tries to download is refused offline
    assert summary["schemaCheck"] == "INVALID_SCHEMA - possibly not a valid url"
    assert {"url": _OB3_SCHEMA, "answered": False} in result["fetched"]


_OB3_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)


def test_verifier_core_does_not_support_eddsa_jcs_2022(ob3_unsigned, test_key):
    result = verifier_core(node_sign(ob3_unsigned, test_key, "eddsa-jcs-2022"))
    summary = result["summary"]
    assert summary["signatureValid"] is False
    assert any("insufficient proofs matched" in m for m in summary["diagnosis"])


@pytest.mark.parametrize("suite", SUITES)
def test_tampered_node_signed_ob3_fails_in_both_verifiers(suite, ob3_unsigned, test_key):
    signed = node_sign(ob3_unsigned, test_key, suite)
    signed["credentialSubject"]["result"][0]["value"] = "100"
    result = verify(signed)
    assert result["verified"] is False
    assert result["proofVerified"] is False
    if suite != "eddsa-jcs-2022":
        summary = verifier_core(signed)["summary"]
        assert summary["signatureValid"] is False
        assert [e["name"] for e in summary["fatalErrors"]] == ["invalid_signature"]


def test_expiry_and_now(ob3_unsigned, test_key):
    ob3_unsigned["validUntil"] = "2026-01-15T12:00:00Z"
    signed = node_sign(ob3_unsigned, test_key)

    later = verify(signed, now="2027-01-01T00:00:00Z")
    assert later["verified"] is False
    assert any('is after "validUntil"' in m for m in later["errors"])
    earlier = verify(signed, now="2025-06-01T00:00:00Z")
    assert earlier["verified"], earlier["errors"]
    before = verify(signed, now="2024-06-01T00:00:00Z")
    assert before["verified"] is False
    assert any('is before "validFrom"' in m for m in before["errors"])

    core_later = verifier_core(signed, now="2027-01-01T00:00:00Z")["summary"]
    assert core_later["signatureValid"] is True
    assert core_later["expired"] is True
    core_earlier = verifier_core(signed, now="2025-06-01T00:00:00Z")["summary"]
    assert core_earlier["signatureValid"] is True
    assert core_earlier["expired"] is False


# --------------------------------------------------------------- did:web


@pytest.mark.parametrize("vm_type", ["Multikey", "Ed25519VerificationKey2020"])
@pytest.mark.parametrize("suite", SUITES)
def test_did_web_issuer_from_supplied_did_document(vm_type, suite, ob3_unsigned, test_key):
    credential = set_issuer(ob3_unsigned, DID_WEB)
    signed = node_sign(
        credential, test_key, suite, controller=DID_WEB, verificationMethod=f"{DID_WEB}#key-1"
    )
    document = did_web_document(DID_WEB, test_key["publicKeyMultibase"], vm_type)

    result = verify(signed, didDocuments={DID_WEB: document})
    assert result["verified"], result["errors"]

    if suite != "eddsa-jcs-2022":
        core = verifier_core(signed, didDocuments={DID_WEB: document})
        assert core["summary"]["signatureValid"] is True, core["summary"]
        did_url = "https://lms.example.edu/microcreds/issuer/did.json"
        assert {"url": did_url, "answered": True} in core["fetched"]


def test_did_web_without_document_is_refused_offline(ob3_unsigned, test_key):
    credential = set_issuer(ob3_unsigned, DID_WEB)
    signed = node_sign(
        credential, test_key, controller=DID_WEB, verificationMethod=f"{DID_WEB}#key-1"
    )

    result = verify(signed)
    assert result["verified"] is False
    assert any("offline document loader refused" in m and DID_WEB in m for m in result["errors"])

    core = verifier_core(signed)
    assert core["summary"]["signatureValid"] is False
    assert any("refused to fetch" in m for m in core["summary"]["diagnosis"])
    did_url = "https://lms.example.edu/microcreds/issuer/did.json"
    assert {"url": did_url, "answered": False} in core["fetched"]


def test_did_web_document_with_another_key_fails(ob3_unsigned, test_key, w3c_key):
    credential = set_issuer(ob3_unsigned, DID_WEB)
    signed = node_sign(
        credential, test_key, controller=DID_WEB, verificationMethod=f"{DID_WEB}#key-1"
    )
    document = did_web_document(DID_WEB, w3c_key["publicKeyMultibase"])
    assert verify(signed, didDocuments={DID_WEB: document})["verified"] is False
    assert (
        verifier_core(signed, didDocuments={DID_WEB: document})["summary"]["signatureValid"]
        is False
    )


# --------------------------------------------------------------- status lists


@pytest.fixture(scope="module")
def revocation_list(test_key):
    """A Node-signed revocation list with bit 4242 set."""
    return status_list(test_key, revoked=[4242], validFrom="2025-01-01T00:00:00Z")


def test_status_list_helper_builds_a_verifiable_list(revocation_list):
    assert revocation_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    subject = revocation_list["credentialSubject"]
    assert subject["statusPurpose"] == "revocation"
    decoded = run_node(
        "status_list.mjs",
        {"op": "decode", "credential": revocation_list, "indices": [0, 4241, 4242, 4243]},
    )
    assert decoded["length"] == 131072
    assert decoded["statuses"] == {"0": False, "4241": False, "4242": True, "4243": False}
    result = verify(revocation_list)
    assert result["verified"], result["errors"]


@pytest.mark.parametrize(("index", "revoked"), [(4241, False), (4242, True)])
def test_status_list_round_trip(index, revoked, revocation_list, ob3_unsigned, test_key):
    signed = node_sign(with_status(ob3_unsigned, index), test_key)
    lists = {STATUS_LIST_URL: revocation_list}

    result = verify(signed, statusLists=lists)
    assert result["statusChecked"] is True
    assert result["revoked"] is revoked
    # @digitalbazaar/vc: `verified` covers the status check having run, not the bit
    assert result["verified"] is True, result["errors"]
    [entry] = result["statusResults"]
    assert entry["status"] is revoked
    assert entry["statusListIndex"] == str(index)

    core = verifier_core(signed, statusLists=lists)["summary"]
    assert core["signatureValid"] is True
    assert core["revoked"] is revoked
    assert core["statusError"] is None


def test_missing_status_list_is_reported_not_guessed(ob3_unsigned, test_key):
    signed = node_sign(with_status(ob3_unsigned, 7), test_key)

    result = verify(signed)
    assert result["statusChecked"] is False
    assert result["revoked"] is None
    assert result["verified"] is False
    assert any(STATUS_LIST_URL in m and "refused" in m for m in result["errors"])

    core = verifier_core(signed)["summary"]
    assert core["signatureValid"] is True
    assert core["revoked"] is None
    assert core["statusError"]["name"] == "status_list_not_found"


def test_tampered_status_list_is_not_trusted(revocation_list, ob3_unsigned, test_key):
    forged = json.loads(json.dumps(revocation_list))
    clean = run_node(
        "status_list.mjs",
        {"op": "create", "id": STATUS_LIST_URL, "set": [], **key_fields(test_key)},
    )
    # swap in the bits of a list where nothing is revoked, keep the old proof
    forged["credentialSubject"]["encodedList"] = clean["credentialSubject"]["encodedList"]
    signed = node_sign(with_status(ob3_unsigned, 4242), test_key)

    result = verify(signed, statusLists={STATUS_LIST_URL: forged})
    assert result["statusChecked"] is False
    assert result["revoked"] is None
    assert result["verified"] is False

    core = verifier_core(signed, statusLists={STATUS_LIST_URL: forged})["summary"]
    assert core["revoked"] is None
    assert core["statusError"]["name"] in {"status_list_signature_error", "status_list_error"}


# --------------------------------------------------------------- offline, contexts, errors


def test_unknown_context_is_refused_with_its_url(ob3_unsigned, test_key):
    unknown = "https://example.org/contexts/not-shipped.jsonld"
    ob3_unsigned["@context"].append(unknown)
    with pytest.raises(NodeHarnessError, match="not-shipped"):
        node_sign(ob3_unsigned, test_key)


def test_shipped_contexts_equal_the_copies_verifiers_bundle():
    result = run_node("contexts_check.mjs", {})
    assert result["allEqual"], result
    # only the W3C examples context has no npm copy among the verifiers' packages
    assert result["notBundled"] == ["https://www.w3.org/ns/credentials/examples/v2"]


def test_harness_error_exits_nonzero():
    with pytest.raises(NodeHarnessError, match="request.credential must be an object"):
        run_node("verify.mjs", {})


def test_missing_node_modules_says_make_node(tmp_path):
    with pytest.raises(NodeHarnessMissing, match="run `make node`"):
        ensure_harness(tmp_path)


def test_registry_lookup_is_offline_and_separate(ob3_unsigned, test_key):
    """An issuer registry supplied in the request is consulted; nothing is fetched."""
    registry_url = "https://registry.example.org/registry.json"
    registry = {
        "registry": {
            test_key["did"]: {
                "name": "Example University Open edX",
                "url": "https://lms.example.edu",
                "location": "Example City",
            }
        }
    }
    known = [{"name": "Test registry", "type": "dcc-legacy", "url": registry_url}]
    signed = node_sign(ob3_unsigned, test_key)
    core = verifier_core(signed, knownDIDRegistries=known, documents={registry_url: registry})
    assert core["summary"]["registeredIssuer"] is True
    assert core["summary"]["signatureValid"] is True


def test_network_guard_refuses_every_way_out():
    result = run_node("guard_check.mjs", {})
    assert set(result) == {"fetch", "http", "https", "net", "dns"}
    for way, message in result.items():
        assert message.startswith("OfflineRefusal: offline interop harness refused"), (way, message)


def test_benchmark_script_runs(ob3_unsigned, test_key):
    request = sign_request(ob3_unsigned, test_key, "eddsa-rdfc-2022", iterations=3, warmup=1)
    result = run_node("benchmarks/node/bench.mjs", request)
    assert result["verified"] is True, result["errors"]
    assert result["iterations"] == 3
    assert result["sign_ms"] > 0
    assert result["verify_ms"] > 0


def test_did_document_with_relative_ids_is_rejected_by_both(ob3_unsigned, test_key):
    """Publish absolute verification method ids in did.json: neither stack resolves '#key-1'."""
    credential = set_issuer(ob3_unsigned, DID_WEB)
    signed = node_sign(
        credential, test_key, controller=DID_WEB, verificationMethod=f"{DID_WEB}#key-1"
    )
    document = did_web_document(DID_WEB, test_key["publicKeyMultibase"])
    document["verificationMethod"][0]["id"] = "#key-1"
    document["assertionMethod"] = ["#key-1"]
    document["authentication"] = ["#key-1"]

    result = verify(signed, didDocuments={DID_WEB: document})
    assert result["verified"] is False
    assert any("not authorized by controller" in m for m in result["errors"])

    summary = verifier_core(signed, didDocuments={DID_WEB: document})["summary"]
    assert summary["signatureValid"] is False
    assert any("not found" in m for m in summary["diagnosis"])


def test_verifier_core_requires_a_credential_id(ob3_unsigned, test_key):
    del ob3_unsigned["id"]
    signed = node_sign(ob3_unsigned, test_key)
    assert verify(signed)["verified"] is True
    summary = verifier_core(signed)["summary"]
    assert summary["signatureValid"] is False
    assert [e["name"] for e in summary["fatalErrors"]] == ["invalid_credential_id"]


def test_benchmark_rounds_peer_signs_like_us_and_verifies_ours():
    from benchmarks.core import CREATED, NOW, NodePeer, badges
    from openedx_microcreds.credentials import Ed25519Key, sign
    from tests.credentials.sample import TEST_SECRET

    key = Ed25519Key.from_secret_multibase(TEST_SECRET)
    unsigned = badges(3, key)
    ours = [sign(d, key, created=CREATED) for d in unsigned]
    peer = NodePeer(key)
    try:
        signed = peer.ask(
            op="sign",
            cryptosuite="eddsa-rdfc-2022",
            created=CREATED,
            credentials=unsigned,
            returnSigned=True,
        )
        checked = peer.ask(op="verify", now=NOW.isoformat(), credentials=ours)
    finally:
        peer.close()
    assert signed["signed"] == ours and len(signed["ms"]) == 3
    assert checked["verified"] == 3, checked["errors"]
