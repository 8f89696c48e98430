"""OpenID4VCI ``jwt`` key proofs: a wallet proves it holds the key a credential is bound to.

A key proof is a compact JWS with ``typ: openid4vci-proof+jwt``, signed (EdDSA or ES256) by the
key named in its header: ``kid`` (a did:key or did:jwk verification method) or ``jwk`` (bound as
its did:jwk). Its claims carry the credential issuer (``aud``), when it was made (``iat``) and the
issuer's ``c_nonce``. Whether that nonce is fresh and unused is the issuer's state, so this module
returns it for the caller to check (OpenID4VCI 1.0, appendix F.1 and section 8.2).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .did_jwk import DID_JWK_PREFIX, PublicJwk, b64url_decode, resolve_did_jwk
from .errors import CredentialError, KeyFormatError
from .keys import Ed25519PublicMultikey
from .resolve import KeyResolutionError, KeyResolver

PROOF_TYP = "openid4vci-proof+jwt"
ALGORITHMS = ("EdDSA", "Ed25519", "ES256")
MAX_PROOF_CHARS = 16_384


class KeyProofError(CredentialError):
    """The key proof is not acceptable; the message says which check failed."""


@dataclass(frozen=True)
class KeyProof:
    holder: str  # the DID the credential is to be bound to
    verification_method: str
    algorithm: str
    issued_at: datetime
    nonce: str | None


def verify_key_proof(
    jwt: object,
    *,
    audience: str,
    now: datetime,
    max_age: timedelta,
    clock_skew: timedelta = timedelta(minutes=2),
    algorithms: tuple[str, ...] = ALGORITHMS,
) -> KeyProof:
    """The key proved by ``jwt`` for the credential issuer ``audience``; KeyProofError otherwise.

    ``iat`` must lie within ``max_age`` before ``now`` and at most ``clock_skew`` after it.
    """
    header, claims, signing_input, signature = _split(jwt)
    typ = header.get("typ")
    if typ not in (PROOF_TYP, f"application/{PROOF_TYP}"):
        raise KeyProofError(f"header typ must be {PROOF_TYP!r}, got {typ!r}")
    algorithm = header.get("alg")
    if algorithm not in algorithms:
        raise KeyProofError(f"header alg must be one of {', '.join(algorithms)}, got {algorithm!r}")
    if "crit" in header:
        raise KeyProofError("header crit names extensions this issuer does not understand")
    holder, vm, key = _proving_key(header)
    if not key.verify(algorithm, signature, signing_input):
        raise KeyProofError(f"the signature does not verify with {vm}")
    issued_at = _check_claims(claims, audience, now, max_age, clock_skew)
    nonce = claims.get("nonce")
    if nonce is not None and not isinstance(nonce, str):
        raise KeyProofError("claim nonce must be a string")
    return KeyProof(holder, vm, algorithm, issued_at, nonce)


def _split(jwt: object) -> tuple[dict, dict, bytes, bytes]:
    if not isinstance(jwt, str) or len(jwt) > MAX_PROOF_CHARS:
        raise KeyProofError(f"a jwt proof is a compact JWS string of at most {MAX_PROOF_CHARS}")
    parts = jwt.split(".")
    if len(parts) != 3:
        raise KeyProofError("a jwt proof is a compact JWS: three dot-separated parts")
    try:
        header = json.loads(b64url_decode(parts[0], "the JWS header"))
        claims = json.loads(b64url_decode(parts[1], "the JWS payload"))
        signature = b64url_decode(parts[2], "the JWS signature")
    except (KeyFormatError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeyProofError(f"the jwt proof is not a well-formed JWS: {exc}") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise KeyProofError("the JWS header and payload must be JSON objects")
    return header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature


class _Ed25519DidKey:
    """A did:key Ed25519 key behind the same ``verify`` as PublicJwk."""

    def __init__(self, public: Ed25519PublicMultikey):
        self.public = public

    def verify(self, algorithm: str, signature: bytes, message: bytes) -> bool:
        return algorithm in ("EdDSA", "Ed25519") and self.public.verify(signature, message)


def _proving_key(header: dict):
    """(holder DID, verification method, key) named by exactly one of kid and jwk."""
    named = [name for name in ("kid", "jwk", "x5c", "trust_chain") if name in header]
    if named not in (["kid"], ["jwk"]):
        raise KeyProofError(
            "the header must name the key by exactly one of kid (a did:key or did:jwk) or jwk, "
            f"got {', '.join(named) or 'none'}"
        )
    if "jwk" in header:
        try:
            key = PublicJwk.parse(header["jwk"])
        except KeyFormatError as exc:
            raise KeyProofError(f"header jwk: {exc}") from None
        return key.did, f"{key.did}#0", key
    kid = header["kid"]
    if not isinstance(kid, str):
        raise KeyProofError("header kid must be a string")
    holder = kid.partition("#")[0]
    try:
        if kid.startswith("did:key:"):
            resolved = KeyResolver().resolve(kid)
            return holder, resolved.verification_method, _Ed25519DidKey(resolved.public)
        if kid.startswith(DID_JWK_PREFIX):
            return holder, f"{holder}#0", resolve_did_jwk(kid)
    except (KeyResolutionError, KeyFormatError) as exc:
        raise KeyProofError(f"header kid {kid!r}: {exc}") from None
    raise KeyProofError(f"header kid must be a did:key or did:jwk verification method, got {kid!r}")


def _check_claims(
    claims: dict, audience: str, now: datetime, max_age: timedelta, skew: timedelta
) -> datetime:
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if audience not in audiences:
        raise KeyProofError(f"claim aud must be the credential issuer {audience!r}, got {aud!r}")
    issued_at = _numeric_date(claims, "iat", required=True)
    if issued_at > now + skew:
        raise KeyProofError("claim iat is in the future")
    if issued_at < now - max_age - skew:
        raise KeyProofError("claim iat is too old: make a fresh proof")
    expires = _numeric_date(claims, "exp", required=False)
    if expires is not None and expires <= now - skew:
        raise KeyProofError("the proof has expired (exp)")
    not_before = _numeric_date(claims, "nbf", required=False)
    if not_before is not None and not_before > now + skew:
        raise KeyProofError("the proof is not valid yet (nbf)")
    return issued_at


def _numeric_date(claims: Mapping, name: str, *, required: bool) -> datetime | None:
    value = claims.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise KeyProofError(f"claim {name} must be a NumericDate (seconds since 1970)")
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        raise KeyProofError(f"claim {name} is out of range") from None
