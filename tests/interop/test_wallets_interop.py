"""Wallets written by others claim credentials from the sandbox LMS on loopback.

- ``lcw_wallet.mjs`` replays the Learner Credential Wallet's wire behaviour with the libraries
  LCW ships (@digitalcredentials/vc, ed25519-signature-2020, ...);
- ``oid4vci_wallet.mjs`` is an OpenID4VCI holder on the OpenWallet Foundation's oid4vc-ts client
  with jose.

Each receives a credential bound to its own DID from a real server (the demo's runserver, DEBUG
off) that @digitalbazaar/vc and DCC's verifier-core accept, with the issuer's DID document and
status list as the server serves them. The refusals (replay, wrong challenge or domain, a key the
holder does not control, an expired offer, a reused nonce, ...) are seen on the wire, and leave
no copy behind. Revoking an award revokes every copy.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.interop.node import run_node
from tests.interop.wallet_site import Site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The wallets share one server and database; each test takes fresh offers."""
    server = Site(tmp_path_factory.mktemp("wallet-site"))
    server.prepared = server.call("prepare")
    server.start()
    yield server
    server.stop()


def offers(site: Site, protocol: str, learner: str = "ada", **options) -> list[dict]:
    return site.call("offers", learner=learner, protocol=protocol, **options)["offers"]


def assert_copy_of(copy: dict, original: dict, holder: str) -> None:
    """Same achievement, results, evidence, dates and status entry; new id; bound to holder."""
    assert copy["credentialSubject"]["id"] == holder
    assert "identifier" not in copy["credentialSubject"]
    assert copy["id"] != original["id"]
    for name in ("achievement", "result"):
        assert copy["credentialSubject"][name] == original["credentialSubject"][name]
    for name in ("issuer", "evidence", "validFrom", "validUntil", "credentialStatus", "type"):
        assert copy[name] == original[name], name


def assert_verifiers_accept(site: Site, credential: dict) -> None:
    documents = site.verification_documents(credential)
    result = run_node("verify.mjs", {"credential": credential, **documents})
    assert result["verified"] and result["revoked"] is False, result
    summary = run_node("verifier_core.mjs", {"credential": credential, **documents})["summary"]
    assert summary["signatureValid"] is True, summary
    assert summary["revoked"] is False and summary["expired"] is False, summary


def did_jwk_of(public_jwk: dict) -> str:
    """did:jwk of a public JWK, written as the JSON Canonicalization Scheme writes it."""
    members = {name: public_jwk[name] for name in ("crv", "kty", "x", "y") if name in public_jwk}
    text = json.dumps(members, sort_keys=True, separators=(",", ":")).encode()
    return "did:jwk:" + base64.urlsafe_b64encode(text).rstrip(b"=").decode()


def last(result: dict) -> dict:
    return result["steps"][-1]


# ---------------------------------------------------------------- Learner Credential Wallet


@pytest.mark.parametrize("spelling", ["interaction", "invitation", "legacy"])
def test_lcw_claims_through_each_link(site, spelling):
    offer = offers(site, "lcw")[0]
    result = run_node("lcw_wallet.mjs", {"offer": offer[spelling]})
    assert result["flow"] == ("legacy" if spelling == "legacy" else "vcapi")
    (credential,) = result["credentials"]
    assert_copy_of(credential, site.prepared["awards"]["ada"]["credential"], result["holder"])
    assert_verifiers_accept(site, credential)
    # The presentation LCW's libraries made, as the issuer had to verify it.
    proof = result["presentation"]["proof"]
    assert proof["type"] == "Ed25519Signature2020"
    assert proof["proofPurpose"] == "authentication"
    assert ("domain" in proof) is (spelling != "legacy")
    copies = site.call("state", learner="ada")["copies"]
    assert {"protocol": "lcw", "holder": result["holder"]}.items() <= copies[-1].items()
    assert copies[-1]["credential_id"] == credential["id"]


def test_lcw_accepts_an_eddsa_rdfc_2022_presentation(site):
    offer = offers(site, "lcw")[0]
    result = run_node("lcw_wallet.mjs", {"offer": offer["interaction"], "tamper": "dataIntegrity"})
    assert result["presentation"]["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    (credential,) = result["credentials"]
    assert credential["credentialSubject"]["id"] == result["holder"]
    assert_verifiers_accept(site, credential)


@pytest.mark.parametrize(
    ("tamper", "error"),
    [
        ("challenge", "invalid_challenge"),
        ("domain", "invalid_domain"),
        ("holder", "invalid_holder"),
        ("signature", "invalid_signature"),
        ("stale", "invalid_stale"),
    ],
)
def test_lcw_refuses_a_presentation_that_does_not_authenticate(site, tamper, error):
    offer = offers(site, "lcw", learner="bob")[0]
    before = len(site.call("state", learner="bob")["copies"])
    result = run_node("lcw_wallet.mjs", {"offer": offer["interaction"], "tamper": tamper})
    assert result["credentials"] == []
    assert last(result)["status"] == 400, last(result)
    assert last(result)["body"]["error"] == error, last(result)
    assert last(result)["contentType"] == "application/problem+json"
    assert len(site.call("state", learner="bob")["copies"]) == before


def test_lcw_legacy_link_refuses_a_wrong_challenge(site):
    offer = offers(site, "lcw", learner="bob")[0]
    result = run_node("lcw_wallet.mjs", {"offer": offer["legacy"], "tamper": "challenge"})
    assert result["credentials"] == []
    assert (last(result)["status"], last(result)["body"]["error"]) == (400, "invalid_challenge")


def test_lcw_replayed_presentation_is_refused(site):
    offer = offers(site, "lcw")[0]
    result = run_node("lcw_wallet.mjs", {"offer": offer["interaction"], "tamper": "replay"})
    assert len(result["credentials"]) == 1  # the first post delivered
    assert last(result)["status"] == 409
    assert last(result)["body"]["error"] == "exchange_used"


def test_lcw_expired_offer_is_refused(site):
    offer = offers(site, "lcw", learner="bob", expired=True)[0]
    result = run_node("lcw_wallet.mjs", {"offer": offer["interaction"]})
    assert result["credentials"] == []
    assert last(result)["status"] == 410
    assert last(result)["body"]["error"] == "exchange_expired"


# ---------------------------------------------------------------- OpenID4VCI


@pytest.mark.parametrize(
    ("key", "draft14"),
    [("ed25519-did-key", False), ("p256-jwk", False), ("ed25519-jwk", True)],
)
def test_oid4vci_holder_receives_credential_bound_to_its_did(site, key, draft14):
    offer = offers(site, "oid4vci")[0]
    result = run_node(
        "oid4vci_wallet.mjs", {"offer": offer["offer"], "key": key, "draft14": draft14}
    )
    assert "error" not in result, result
    assert result["metadataVersion"] == "V1"
    (credential,) = result["credentials"]
    holder = result["holder"] if key == "ed25519-did-key" else did_jwk_of(result["publicJwk"])
    assert_copy_of(credential, site.prepared["awards"]["ada"]["credential"], holder)
    assert_verifiers_accept(site, credential)
    urls = [step["url"] for step in result["steps"]]
    # 1.0 metadata location first: the server answers it (no fall-back to the older one).
    assert any("/.well-known/openid-credential-issuer/microcreds/oid4vci" in url for url in urls)
    assert not any("/oid4vci/.well-known/" in url for url in urls)
    request = next(step for step in result["steps"] if step["url"].endswith("/credential"))
    if draft14:
        assert request["sent"]["format"] == "ldp_vc" and "proof" in request["sent"]
        assert "credential" in request["body"]
    else:
        assert request["sent"]["credential_configuration_id"] == "OpenBadgeCredential"
        assert "credentials" in request["body"]
    nonce_step = next(step for step in result["steps"] if step["url"].endswith("/nonce"))
    assert "no-store" in nonce_step["cacheControl"]
    state = site.call("state", learner="ada")
    assert {"protocol": "oid4vci", "holder": holder} in [
        {"protocol": item["protocol"], "holder": item["holder"]} for item in state["deliveries"]
    ]


@pytest.mark.parametrize(
    ("tamper", "error"),
    [
        ("audience", "invalid_proof"),
        ("no-nonce", "invalid_proof"),
        ("typ", "invalid_proof"),
        ("stale", "invalid_proof"),
    ],
)
def test_oid4vci_refuses_a_bad_key_proof(site, tamper, error):
    offer = offers(site, "oid4vci", learner="bob")[0]
    result = run_node("oid4vci_wallet.mjs", {"offer": offer["offer"], "tamper": tamper})
    assert result["credentials"] == [] and "error" in result
    assert last(result)["status"] == 400
    assert last(result)["body"]["error"] == error, last(result)


def test_oid4vci_refuses_a_reused_nonce(site):
    first, second = offers(site, "oid4vci", count=2)
    spent = run_node("oid4vci_wallet.mjs", {"offer": first["offer"]})
    assert len(spent["credentials"]) == 1
    result = run_node("oid4vci_wallet.mjs", {"offer": second["offer"], "nonce": spent["nonce"]})
    assert result["credentials"] == []
    assert (last(result)["status"], last(result)["body"]["error"]) == (400, "invalid_nonce")


def test_oid4vci_refuses_a_replayed_access_token(site):
    offer = offers(site, "oid4vci")[0]
    result = run_node("oid4vci_wallet.mjs", {"offer": offer["offer"], "tamper": "replay"})
    assert len(result["credentials"]) == 1
    assert last(result)["status"] == 401
    assert last(result)["body"]["error"] == "invalid_token"
    assert last(result)["wwwAuthenticate"].startswith('Bearer error="invalid_token"')


def test_oid4vci_pre_authorized_code_works_once(site):
    offer = offers(site, "oid4vci")[0]
    assert run_node("oid4vci_wallet.mjs", {"offer": offer["offer"]})["credentials"]
    again = run_node("oid4vci_wallet.mjs", {"offer": offer["offer"]})
    assert again["credentials"] == []
    # The offer URI itself is spent: a wallet learns it is over before any token request.
    assert last(again)["status"] == 410


def test_oid4vci_expired_offer_is_refused(site):
    offer = offers(site, "oid4vci", learner="bob", expired=True)[0]
    result = run_node("oid4vci_wallet.mjs", {"offer": offer["offer"]})
    assert result["credentials"] == []
    assert last(result)["status"] == 410
    assert last(result)["body"]["error"] == "invalid_credential_offer"


def test_oid4vci_transaction_code(site):
    right, wrong = offers(site, "oid4vci", count=2, tx_code="493536")
    result = run_node("oid4vci_wallet.mjs", {"offer": right["offer"], "txCode": "493536"})
    assert len(result["credentials"]) == 1, result
    token_step = next(step for step in result["steps"] if step["url"].endswith("/token"))
    assert token_step["sent"]["tx_code"] == "493536"
    refused = run_node("oid4vci_wallet.mjs", {"offer": wrong["offer"], "txCode": "000000"})
    assert (last(refused)["status"], last(refused)["body"]["error"]) == (400, "invalid_grant")


# ---------------------------------------------------------------- revocation


def test_revoking_the_award_revokes_every_copy(site):
    first, pending = offers(site, "lcw", learner="bob", count=2)
    lcw = run_node("lcw_wallet.mjs", {"offer": first["interaction"]})
    oid = run_node(
        "oid4vci_wallet.mjs", {"offer": offers(site, "oid4vci", learner="bob")[0]["offer"]}
    )
    copies = [*lcw["credentials"], *oid["credentials"]]
    assert len(copies) == 2
    for copy in copies:
        assert_verifiers_accept(site, copy)
    award = site.prepared["awards"]["bob"]
    site.manage("microcreds_revoke", award["uuid"], "--reason", "issued in error")
    for credential in [award["credential"], *copies]:
        documents = site.verification_documents(credential)
        result = run_node("verify.mjs", {"credential": credential, **documents})
        assert result["proofVerified"] and result["revoked"] is True, result
        summary = run_node("verifier_core.mjs", {"credential": credential, **documents})["summary"]
        assert summary["revoked"] is True, summary
    # An offer made before the revocation delivers nothing after it.
    late = run_node("lcw_wallet.mjs", {"offer": pending["interaction"]})
    assert late["credentials"] == []
    assert (last(late)["status"], last(late)["body"]["error"]) == (410, "credential_inactive")
