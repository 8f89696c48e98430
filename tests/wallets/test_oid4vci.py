"""OpenID4VCI over HTTP through Django: metadata, offer, token, nonce, credential, and each error
code the specification gives (the oid4vc-ts client plays it in tests/interop)."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from openedx_microcreds.models import SpentWalletNonce, WalletCopy, WalletExchange
from openedx_microcreds.revocation import revoke
from openedx_microcreds.wallets import oid4vci
from openedx_microcreds.wallets.nonces import new_nonce
from tests.wallet_holder import JwtHolder

from .conftest import BASE_URL

pytestmark = pytest.mark.django_db

ISSUER = f"{BASE_URL}/microcreds/oid4vci"
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CREDENTIAL = f"{ISSUER}/credential"


def offer_of(award, signed_in) -> dict:
    link = oid4vci.Oid4vciProtocol().offer(award, signed_in).url
    assert link.startswith("openid-credential-offer://?credential_offer_uri=http")
    return {"uri": parse_qs(urlsplit(link).query)["credential_offer_uri"][0], "link": link}


@pytest.fixture
def offer(award, signed_in):
    return offer_of(award, signed_in)


def redeem(api, offer_uri: str, **extra) -> str:
    offered = api.get(offer_uri).json()
    code = offered["grants"][GRANT]["pre-authorized_code"]
    answer = api.form(
        f"{ISSUER}/token", {"grant_type": GRANT, "pre-authorized_code": code, **extra}
    )
    assert answer.status_code == 200, answer.content
    return answer.json()["access_token"]


def fresh_nonce(api) -> str:
    return api.post(f"{ISSUER}/nonce").json()["c_nonce"]


def ask(api, token: str, body: dict):
    return api.post(CREDENTIAL, body, Authorization=f"Bearer {token}")


def request_for(holder: JwtHolder, nonce: str | None, **body) -> dict:
    proof = holder.proof(audience=ISSUER, nonce=nonce)
    return {
        "credential_configuration_id": "OpenBadgeCredential",
        "proofs": {"jwt": [proof]},
        **body,
    }


def error_of(answer) -> tuple[int, str]:
    assert answer["Content-Type"] == "application/json"
    assert answer["Cache-Control"] == "no-store"
    return answer.status_code, answer.json()["error"]


def test_metadata_at_both_well_known_spellings(api):
    for url in (
        f"{BASE_URL}/.well-known/openid-credential-issuer/microcreds/oid4vci",
        f"{ISSUER}/.well-known/openid-credential-issuer",
    ):
        answer = api.get(url)
        assert answer.status_code == 200 and answer["Access-Control-Allow-Origin"] == "*"
        metadata = answer.json()
        assert metadata["credential_issuer"] == ISSUER
        assert metadata["credential_endpoint"] == CREDENTIAL
        assert metadata["nonce_endpoint"] == f"{ISSUER}/nonce"
        configuration = metadata["credential_configurations_supported"]["OpenBadgeCredential"]
        assert configuration["format"] == "ldp_vc"
        assert configuration["credential_definition"]["type"] == [
            "VerifiableCredential",
            "OpenBadgeCredential",
        ]
        assert "credential_metadata" in configuration  # what makes clients treat it as 1.0
        assert configuration["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"]
    for url in (
        f"{BASE_URL}/.well-known/oauth-authorization-server/microcreds/oid4vci",
        f"{ISSUER}/.well-known/oauth-authorization-server",
    ):
        server = api.get(url).json()
        assert server["issuer"] == ISSUER and server["token_endpoint"] == f"{ISSUER}/token"
        assert server["pre-authorized_grant_anonymous_access_supported"] is True


def test_offer_uri_answers_the_credential_offer(api, offer):
    answer = api.get(offer["uri"])
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    offered = answer.json()
    assert offered["credential_issuer"] == ISSUER
    assert offered["credential_configuration_ids"] == ["OpenBadgeCredential"]
    assert set(offered["grants"][GRANT]) == {"pre-authorized_code"}  # no tx_code by default


@pytest.mark.parametrize("kind", ["ed25519-kid", "p256-jwk", "ed25519-jwk"])
def test_claim_in_the_1_0_shape(api, award, offer, kind):
    token = redeem(api, offer["uri"])
    holder = JwtHolder(kind)
    answer = ask(api, token, request_for(holder, fresh_nonce(api)))
    assert answer.status_code == 200, answer.content
    (item,) = answer.json()["credentials"]
    assert item["credential"]["credentialSubject"]["id"] == holder.did
    copy = WalletCopy.objects.get()
    assert (copy.award, copy.protocol, copy.holder_did) == (award, "oid4vci", holder.did)
    assert [d.holder for d in oid4vci.Oid4vciProtocol().deliveries(award)] == [holder.did]


def test_claim_in_the_draft_14_shape(api, offer):
    token = redeem(api, offer["uri"])
    holder = JwtHolder("ed25519-kid")
    body = {
        "format": "ldp_vc",
        "credential_definition": {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
        },
        "proof": {
            "proof_type": "jwt",
            "jwt": holder.proof(audience=ISSUER, nonce=fresh_nonce(api)),
        },
    }
    answer = ask(api, token, body)
    assert answer.status_code == 200, answer.content
    assert answer.json()["credential"]["credentialSubject"]["id"] == holder.did


def test_the_token_response_may_carry_authorization_details(api, offer):
    offered = api.get(offer["uri"]).json()
    details = [{"type": "openid_credential", "credential_configuration_id": "OpenBadgeCredential"}]
    answer = api.form(
        f"{ISSUER}/token",
        {
            "grant_type": GRANT,
            "pre-authorized_code": offered["grants"][GRANT]["pre-authorized_code"],
            "authorization_details": json.dumps(details),
        },
    ).json()
    assert answer["authorization_details"][0]["credential_identifiers"] == ["OpenBadgeCredential"]
    holder = JwtHolder()
    proof = holder.proof(audience=ISSUER, nonce=fresh_nonce(api))
    body = {"credential_identifier": "OpenBadgeCredential", "proofs": {"jwt": [proof]}}
    assert ask(api, answer["access_token"], body).status_code == 200


def test_token_errors(api, award, signed_in, offer):
    code = api.get(offer["uri"]).json()["grants"][GRANT]["pre-authorized_code"]
    token_url = f"{ISSUER}/token"
    assert error_of(api.form(token_url, {"grant_type": "authorization_code", "code": code})) == (
        400,
        "unsupported_grant_type",
    )
    assert error_of(api.form(token_url, {"grant_type": GRANT})) == (400, "invalid_request")
    assert error_of(api.post(token_url, {"grant_type": GRANT})) == (400, "invalid_request")
    wrong = {"grant_type": GRANT, "pre-authorized_code": "A" * 43}
    assert error_of(api.form(token_url, wrong)) == (400, "invalid_grant")
    unexpected = {"grant_type": GRANT, "pre-authorized_code": code, "tx_code": "123456"}
    assert error_of(api.form(token_url, unexpected)) == (400, "invalid_request")
    good = {"grant_type": GRANT, "pre-authorized_code": code}
    assert api.form(token_url, good).status_code == 200
    assert error_of(api.form(token_url, good)) == (400, "invalid_grant")  # single use
    late = offer_of(award, signed_in)
    late_code = api.get(late["uri"]).json()["grants"][GRANT]["pre-authorized_code"]
    WalletExchange.objects.filter(state="offered").update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert error_of(api.form(token_url, {**good, "pre-authorized_code": late_code})) == (
        400,
        "invalid_grant",
    )
    assert api.get(late["uri"]).status_code == 410


def test_transaction_code(api, award, signed_in, settings):
    settings.MICROCREDS_WALLET_TX_CODE = True
    made = oid4vci.Oid4vciProtocol().offer(award, signed_in)
    tx_code = made.instructions.rsplit(" ", 1)[-1].rstrip(".")
    assert len(tx_code) == 6 and tx_code.isdigit()
    uri = parse_qs(urlsplit(made.url).query)["credential_offer_uri"][0]
    offered = api.get(uri).json()
    assert offered["grants"][GRANT]["tx_code"] == {
        "input_mode": "numeric",
        "length": 6,
        "description": "The code shown next to the QR code on your credentials page",
    }
    fields = {
        "grant_type": GRANT,
        "pre-authorized_code": offered["grants"][GRANT]["pre-authorized_code"],
    }
    token_url = f"{ISSUER}/token"
    assert error_of(api.form(token_url, fields)) == (400, "invalid_request")
    wrong = "000000" if tx_code != "000000" else "111111"
    assert error_of(api.form(token_url, {**fields, "tx_code": wrong})) == (400, "invalid_grant")
    assert tx_code not in " ".join(map(str, WalletExchange.objects.values_list("tx_code_hash")))
    assert api.form(token_url, {**fields, "tx_code": tx_code}).status_code == 200


def test_five_wrong_transaction_codes_withdraw_the_offer(api, award, signed_in, settings):
    settings.MICROCREDS_WALLET_TX_CODE = True
    made = oid4vci.Oid4vciProtocol().offer(award, signed_in)
    tx_code = made.instructions.rsplit(" ", 1)[-1].rstrip(".")
    uri = parse_qs(urlsplit(made.url).query)["credential_offer_uri"][0]
    code = api.get(uri).json()["grants"][GRANT]["pre-authorized_code"]
    fields = {"grant_type": GRANT, "pre-authorized_code": code}
    wrong = "000000" if tx_code != "000000" else "111111"
    for _ in range(oid4vci.TX_CODE_MAX_FAILURES):
        api.form(f"{ISSUER}/token", {**fields, "tx_code": wrong})
    assert WalletExchange.objects.get().state == WalletExchange.State.WITHDRAWN
    refused = api.form(f"{ISSUER}/token", {**fields, "tx_code": tx_code})
    assert error_of(refused) == (400, "invalid_grant")


def test_nonce_endpoint(api):
    answer = api.post(f"{ISSUER}/nonce")
    assert answer.status_code == 200 and answer["Cache-Control"] == "no-store"
    assert set(answer.json()) == {"c_nonce"}
    assert fresh_nonce(api) != fresh_nonce(api)
    assert api.get(f"{ISSUER}/nonce").status_code == 405
    assert not SpentWalletNonce.objects.exists()  # handing nonces out writes nothing


def test_access_token_errors(api, offer):
    holder = JwtHolder()
    body = request_for(holder, fresh_nonce(api))
    missing = api.post(CREDENTIAL, body)
    assert error_of(missing) == (401, "invalid_token")
    assert missing["WWW-Authenticate"].startswith('Bearer error="invalid_token"')
    assert error_of(ask(api, "A" * 43, body)) == (401, "invalid_token")
    token = redeem(api, offer["uri"])
    WalletExchange.objects.update(token_expires_at=timezone.now() - timedelta(seconds=1))
    assert error_of(ask(api, token, body)) == (401, "invalid_token")


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"credential_configuration_id": "UniversityDegree"}, "unknown_credential_configuration"),
        ({"credential_identifier": "something"}, "unknown_credential_identifier"),
        ({"format": "jwt_vc_json"}, "unsupported_credential_format"),
        (
            {"format": "ldp_vc", "credential_definition": {"type": ["X"]}},
            "unsupported_credential_type",
        ),
        (
            {"credential_configuration_id": "OpenBadgeCredential", "format": "ldp_vc"},
            "invalid_credential_request",
        ),
        ({}, "invalid_credential_request"),
        (
            {
                "credential_configuration_id": "OpenBadgeCredential",
                "credential_response_encryption": {},
            },
            "invalid_encryption_parameters",
        ),
        ({"credential_configuration_id": "OpenBadgeCredential"}, "invalid_proof"),
        (
            {"credential_configuration_id": "OpenBadgeCredential", "proofs": {"di_vp": [{}]}},
            "invalid_proof",
        ),
        (
            {"credential_configuration_id": "OpenBadgeCredential", "proofs": {"jwt": ["a", "b"]}},
            "invalid_proof",
        ),
    ],
)
def test_credential_request_errors(api, offer, body, error):
    token = redeem(api, offer["uri"])
    assert error_of(ask(api, token, body)) == (400, error)
    assert WalletExchange.objects.get().state == WalletExchange.State.TOKEN_ISSUED


def test_key_proof_errors(api, offer):
    token = redeem(api, offer["uri"])
    holder = JwtHolder()
    wrong_audience = holder.proof(audience="https://elsewhere.example", nonce=fresh_nonce(api))
    body = {
        "credential_configuration_id": "OpenBadgeCredential",
        "proofs": {"jwt": [wrong_audience]},
    }
    assert error_of(ask(api, token, body)) == (400, "invalid_proof")
    assert error_of(ask(api, token, request_for(holder, None))) == (400, "invalid_proof")
    assert error_of(ask(api, token, request_for(holder, "forged-nonce"))) == (400, "invalid_nonce")
    # None of that spent the token: a good request still gets the credential.
    assert ask(api, token, request_for(holder, fresh_nonce(api))).status_code == 200


def test_a_nonce_counts_once(api, award, signed_in):
    first, second = offer_of(award, signed_in), offer_of(award, signed_in)
    nonce = fresh_nonce(api)
    holder = JwtHolder()
    assert ask(api, redeem(api, first["uri"]), request_for(holder, nonce)).status_code == 200
    token = redeem(api, second["uri"])
    assert error_of(ask(api, token, request_for(holder, nonce))) == (400, "invalid_nonce")
    assert ask(api, token, request_for(holder, fresh_nonce(api))).status_code == 200


def test_an_expired_nonce(api, offer, settings):
    settings.MICROCREDS_WALLET_NONCE_TTL_SECONDS = 60
    token = redeem(api, offer["uri"])
    old = new_nonce(timezone.now() - timedelta(seconds=120))
    holder = JwtHolder()
    answer = ask(api, token, request_for(holder, old))
    assert error_of(answer) == (400, "invalid_nonce")
    assert "expired" in answer.json()["error_description"]


def test_the_access_token_is_spent_by_its_credential(api, offer):
    token = redeem(api, offer["uri"])
    holder = JwtHolder()
    assert ask(api, token, request_for(holder, fresh_nonce(api))).status_code == 200
    assert error_of(ask(api, token, request_for(holder, fresh_nonce(api)))) == (
        401,
        "invalid_token",
    )
    assert WalletCopy.objects.count() == 1


def test_a_revoked_award_is_denied(api, award, offer):
    token = redeem(api, offer["uri"])
    revoke(award, reason="issued in error")
    answer = ask(api, token, request_for(JwtHolder(), fresh_nonce(api)))
    assert error_of(answer) == (400, "credential_request_denied")


def test_cors_preflight(api):
    answer = api.options(CREDENTIAL, Origin="https://wallet.example")
    assert answer.status_code == 204
    assert answer["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in answer["Access-Control-Allow-Headers"]


def test_a_holder_did_is_bound_only_as_its_key_spells_it(api, offer):
    """A did:jwk padded with characters a lenient base64 decoder skips is refused, not issued."""
    token = redeem(api, offer["uri"])
    holder = JwtHolder("p256-jwk")
    import time

    import jwt as pyjwt

    proof = pyjwt.encode(
        {"aud": ISSUER, "iat": int(time.time()), "nonce": fresh_nonce(api)},
        holder.private,
        algorithm="ES256",
        headers={"typ": "openid4vci-proof+jwt", "kid": f"{holder.did}<>#0"},
    )
    body = {"credential_configuration_id": "OpenBadgeCredential", "proofs": {"jwt": [proof]}}
    assert error_of(ask(api, token, body)) == (400, "invalid_proof")
    assert not WalletCopy.objects.exists()


def test_spent_nonces_are_forgotten_once_they_expire(api, award, signed_in, settings):
    settings.MICROCREDS_WALLET_NONCE_TTL_SECONDS = 60
    holder = JwtHolder()
    first = offer_of(award, signed_in)
    assert ask(api, redeem(api, first["uri"]), request_for(holder, fresh_nonce(api))).status_code
    assert SpentWalletNonce.objects.count() == 1
    SpentWalletNonce.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    second = offer_of(award, signed_in)
    assert ask(api, redeem(api, second["uri"]), request_for(holder, fresh_nonce(api))).status_code
    assert SpentWalletNonce.objects.count() == 1  # the expired record went, the new one stays
