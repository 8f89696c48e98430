"""A wallet in Python, for tests: DID Authentication presentations and OpenID4VCI key proofs.

Written apart from the code under test: presentations are canonicalized with pyld directly
(URDNA2015 over the shipped contexts) or ``rfc8785``, and key proofs are written by PyJWT.
The Node harness (tests/interop) plays the real wallets' libraries; this is for fast tests of
each refusal.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import jwt as pyjwt
import rfc8785
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from openedx_microcreds.credentials import Ed25519Key
from openedx_microcreds.credentials.loader import default_loader

VC_V2 = "https://www.w3.org/ns/credentials/v2"
ED25519_2020 = "https://w3id.org/security/suites/ed25519-2020/v1"


def _nquads(document: dict) -> str:
    return jsonld.normalize(
        document,
        {
            "algorithm": "URDNA2015",
            "format": "application/n-quads",
            "documentLoader": default_loader,
        },
    )


def _b58(data: bytes) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    number = int.from_bytes(data, "big")
    text = ""
    while number:
        number, rest = divmod(number, 58)
        text = alphabet[rest] + text
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + text


@dataclass
class DidKeyHolder:
    key: Ed25519Key

    @classmethod
    def new(cls, seed: bytes | None = None) -> DidKeyHolder:
        return cls(Ed25519Key.from_seed(seed or os.urandom(32)))

    @property
    def did(self) -> str:
        return self.key.did_key

    @property
    def vm(self) -> str:
        return self.key.verification_method_id

    def presentation(
        self,
        *,
        challenge: str | None,
        domain: str | None,
        suite: str = "Ed25519Signature2020",
        holder: str | None = None,
        created: datetime | None = None,
        contexts: list | None = None,
        extra_proof: dict | None = None,
        signer: Ed25519Key | None = None,
        vm: str | None = None,
    ) -> dict:
        """A DIDAuth presentation signed by this holder (or ``signer``)."""
        if contexts is None:
            contexts = [VC_V2, ED25519_2020] if suite == "Ed25519Signature2020" else [VC_V2]
        document = {
            "@context": contexts,
            "type": ["VerifiablePresentation"],
            "holder": holder or self.did,
        }
        if suite == "Ed25519Signature2020":
            proof = {"type": "Ed25519Signature2020"}
        else:
            proof = {"type": "DataIntegrityProof", "cryptosuite": suite}
        moment = (created or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
        proof.update(
            {
                "created": moment,
                "verificationMethod": vm or self.vm,
                "proofPurpose": "authentication",
            }
        )
        if challenge is not None:
            proof["challenge"] = challenge
        if domain is not None:
            proof["domain"] = domain
        proof.update(extra_proof or {})
        config = {**proof, "@context": document["@context"]}
        if suite == "eddsa-jcs-2022":
            proof["@context"] = document["@context"]
            data = hashlib.sha256(rfc8785.dumps(config)).digest()
            data += hashlib.sha256(rfc8785.dumps(document)).digest()
        else:
            data = hashlib.sha256(_nquads(config).encode()).digest()
            data += hashlib.sha256(_nquads(document).encode()).digest()
        proof["proofValue"] = "z" + _b58((signer or self.key).sign(data))
        return {**document, "proof": proof}


class JwtHolder:
    """A wallet key for OpenID4VCI key proofs: Ed25519 (did:key by kid, or jwk) or P-256 (jwk)."""

    def __init__(self, kind: str = "ed25519-kid"):
        self.kind = kind
        if kind == "p256-jwk":
            self.private = ec.generate_private_key(ec.SECP256R1())
            self.alg = "ES256"
        else:
            self.ed25519 = Ed25519Key.generate()
            self.private = Ed25519PrivateKey.from_private_bytes(self.ed25519._seed())
            self.alg = "EdDSA"

    @property
    def public_jwk(self) -> dict:
        jwk = json.loads(
            pyjwt.algorithms.get_default_algorithms()[self.alg].to_jwk(self.private.public_key())
        )
        return {name: jwk[name] for name in ("kty", "crv", "x", "y") if name in jwk}

    @property
    def did(self) -> str:
        if self.kind == "ed25519-kid":
            return self.ed25519.did_key
        encoded = pyjwt.utils.base64url_encode(rfc8785.dumps(self.public_jwk)).decode()
        return f"did:jwk:{encoded}"

    def proof(
        self,
        *,
        audience: str,
        nonce: str | None,
        iat: float | None = None,
        typ: str = "openid4vci-proof+jwt",
        header: dict | None = None,
        claims: dict | None = None,
    ) -> str:
        headers = {"typ": typ}
        if self.kind == "ed25519-kid":
            headers["kid"] = self.ed25519.verification_method_id
        else:
            headers["jwk"] = self.public_jwk
        headers.update(header or {})
        payload = {"aud": audience, "iat": int(iat if iat is not None else time.time())}
        if nonce is not None:
            payload["nonce"] = nonce
        payload.update(claims or {})
        return pyjwt.encode(payload, self.private, algorithm=self.alg, headers=headers)
