"""OpenID4VCI key proofs (JWTs written by PyJWT) and did:jwk, offline."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta

import jwt as pyjwt
import pytest

from openedx_microcreds.credentials.did_jwk import PublicJwk, resolve_did_jwk
from openedx_microcreds.credentials.errors import KeyFormatError
from openedx_microcreds.credentials.jwt_proofs import KeyProofError, verify_key_proof
from tests.wallet_holder import JwtHolder

ISSUER = "https://lms.example.edu/microcreds/oid4vci"
FIVE_MINUTES = timedelta(minutes=5)


def check(token, **options):
    arguments = {"audience": ISSUER, "now": datetime.now(UTC), "max_age": FIVE_MINUTES}
    arguments.update(options)
    return verify_key_proof(token, **arguments)


def refused(token, words, **options):
    with pytest.raises(KeyProofError) as caught:
        check(token, **options)
    assert words in str(caught.value)


@pytest.mark.parametrize("kind", ["ed25519-kid", "ed25519-jwk", "p256-jwk"])
def test_each_key_binds_its_did(kind):
    holder = JwtHolder(kind)
    proof = check(holder.proof(audience=ISSUER, nonce="n-1"))
    assert proof.holder == holder.did
    assert proof.nonce == "n-1"
    assert proof.algorithm == holder.alg
    expected_prefix = "did:key:z6Mk" if kind == "ed25519-kid" else "did:jwk:"
    assert proof.holder.startswith(expected_prefix)


def test_kid_may_name_a_did_jwk():
    holder = JwtHolder("p256-jwk")
    token = pyjwt.encode(
        {"aud": ISSUER, "iat": int(time.time()), "nonce": "n"},
        holder.private,
        algorithm="ES256",
        headers={"typ": "openid4vci-proof+jwt", "kid": f"{holder.did}#0"},
    )
    assert check(token).holder == holder.did


def test_header_checks():
    holder = JwtHolder("ed25519-kid")
    refused(holder.proof(audience=ISSUER, nonce="n", typ="JWT"), "typ")
    refused(holder.proof(audience=ISSUER, nonce="n", header={"crit": ["x"], "x": 1}), "crit")
    refused(holder.proof(audience=ISSUER, nonce="n", header={"jwk": holder.public_jwk}), "exactly")
    refused(holder.proof(audience=ISSUER, nonce="n", header={"x5c": ["MIIB"]}), "exactly")
    refused(holder.proof(audience=ISSUER, nonce="n", header={"kid": "did:web:w.example#1"}), "kid")


def test_a_jwk_carrying_its_private_key_is_refused():
    holder = JwtHolder("p256-jwk")
    secret = json.loads(pyjwt.algorithms.ECAlgorithm.to_jwk(holder.private))
    token = holder.proof(audience=ISSUER, nonce="n", header={"jwk": secret})
    refused(token, "private key members")


def test_algorithms():
    holder = JwtHolder("ed25519-jwk")
    header, payload, _signature = holder.proof(audience=ISSUER, nonce="n").split(".")
    unsigned = _b64({"typ": "openid4vci-proof+jwt", "alg": "none", "jwk": holder.public_jwk})
    refused(f"{unsigned}.{payload}.", "alg")
    hmac_token = pyjwt.encode(
        {"aud": ISSUER, "iat": int(time.time())},
        "a shared secret that is long enough to be a key",
        algorithm="HS256",
        headers={"typ": "openid4vci-proof+jwt", "jwk": holder.public_jwk},
    )
    refused(hmac_token, "alg")
    # An Ed25519 key cannot verify an ES256 signature (alg and key must agree).
    claimed = _b64({"typ": "openid4vci-proof+jwt", "alg": "ES256", "jwk": holder.public_jwk})
    refused(f"{claimed}.{payload}.{_signature}", "signature")


def test_a_changed_payload_does_not_verify():
    holder = JwtHolder("ed25519-kid")
    header, _payload, signature = holder.proof(audience=ISSUER, nonce="n").split(".")
    other = _b64({"aud": ISSUER, "iat": int(time.time()), "nonce": "another"})
    refused(f"{header}.{other}.{signature}", "signature")


def test_claims():
    holder = JwtHolder("ed25519-kid")
    refused(holder.proof(audience="https://elsewhere.example", nonce="n"), "aud")
    refused(holder.proof(audience=ISSUER, nonce="n", iat=time.time() + 3600), "future")
    refused(holder.proof(audience=ISSUER, nonce="n", iat=time.time() - 3600), "too old")
    refused(holder.proof(audience=ISSUER, nonce="n", claims={"iat": "now"}), "NumericDate")
    refused(holder.proof(audience=ISSUER, nonce="n", claims={"exp": time.time() - 600}), "exp")
    refused(holder.proof(audience=ISSUER, nonce="n", claims={"nonce": 7}), "nonce")
    assert check(holder.proof(audience=ISSUER, nonce=None)).nonce is None


def test_malformed_tokens():
    refused(None, "compact JWS")
    refused("a.b", "three")
    refused("!!.e30.AA", "well-formed")
    refused(f"{_b64([1])}.{_b64({})}.AA", "JSON objects")
    refused("x" * 20_000, "at most")


def test_did_jwk_is_written_canonically_and_read_in_any_form():
    holder = JwtHolder("p256-jwk")
    jwk = holder.public_jwk
    did = PublicJwk.parse(jwk).did
    assert did == holder.did  # JCS: members sorted, no spaces
    spaced = json.dumps({"y": jwk["y"], "x": jwk["x"], "kty": "EC", "crv": "P-256"}, indent=1)
    other_form = "did:jwk:" + base64.urlsafe_b64encode(spaced.encode()).rstrip(b"=").decode()
    assert resolve_did_jwk(other_form + "#0").as_dict == PublicJwk.parse(jwk).as_dict
    with pytest.raises(KeyFormatError, match="#0"):
        resolve_did_jwk(did + "#1")
    with pytest.raises(KeyFormatError, match="curve"):
        PublicJwk.parse({**jwk, "y": jwk["x"]})
    with pytest.raises(KeyFormatError, match="kty/crv"):
        PublicJwk.parse({"kty": "RSA", "n": "AQAB", "e": "AQAB"})


def _b64(value) -> str:
    raw = json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_did_jwk_with_characters_outside_base64url_is_refused():
    """base64 decoders skip such characters; the DID would then carry them into the credential
    (credentialSubject.id) as given."""
    holder = JwtHolder("p256-jwk")
    token = pyjwt.encode(
        {"aud": ISSUER, "iat": int(time.time()), "nonce": "n"},
        holder.private,
        algorithm="ES256",
        headers={"typ": "openid4vci-proof+jwt", "kid": f"{holder.did}<>#0"},
    )
    refused(token, "base64url")
