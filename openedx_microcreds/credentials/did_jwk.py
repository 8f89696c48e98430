"""Public JSON Web Keys (Ed25519 and P-256) and the did:jwk method, offline.

``did:jwk:<base64url(JSON of the public JWK)>`` is self-describing: its one verification method
is ``#0``. One key can be written as many did:jwk strings (member order, spacing); we write the
JSON Canonicalization Scheme form (members sorted, no spaces) that the method's authors suggest,
and resolve any form.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from .canonical import jcs
from .errors import KeyFormatError

DID_JWK_PREFIX = "did:jwk:"
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")
# Members a private key has and a public JWK must not carry.
_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
_PUBLIC_MEMBERS = {
    ("OKP", "Ed25519"): ("kty", "crv", "x"),
    ("EC", "P-256"): ("kty", "crv", "x", "y"),
}
# Which JWS algorithms each key type verifies ("Ed25519" is RFC 9864's fully specified name).
ALGORITHMS_OF = {("OKP", "Ed25519"): ("EdDSA", "Ed25519"), ("EC", "P-256"): ("ES256",)}


def b64url_decode(text: str, what: str) -> bytes:
    """Decode unpadded base64url (RFC 7515 section 2); KeyFormatError naming ``what``.

    Strict: Python's decoder skips characters outside the alphabet, and a DID read that way
    would keep them (and carry them into a credential).
    """
    if not isinstance(text, str) or not _BASE64URL.fullmatch(text):
        raise KeyFormatError(f"{what} must be unpadded base64url text (A-Z a-z 0-9 - _)")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise KeyFormatError(f"{what} is not valid base64url") from None


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class PublicJwk:
    """A public Ed25519 or P-256 key given as a JWK; verifies JWS signatures."""

    members: tuple[tuple[str, str], ...]  # the public members, sorted

    @classmethod
    def parse(cls, jwk: object) -> PublicJwk:
        if not isinstance(jwk, Mapping):
            raise KeyFormatError("a JWK must be a JSON object")
        private = sorted(_PRIVATE_MEMBERS.intersection(jwk))
        if private:
            raise KeyFormatError(f"the JWK holds private key members ({', '.join(private)})")
        kind = (jwk.get("kty"), jwk.get("crv"))
        if kind not in _PUBLIC_MEMBERS:
            raise KeyFormatError(
                f"unsupported JWK kty/crv {kind[0]!r}/{kind[1]!r}: use OKP/Ed25519 or EC/P-256"
            )
        names = _PUBLIC_MEMBERS[kind]
        values = {name: jwk.get(name) for name in names}
        if not all(isinstance(value, str) for value in values.values()):
            raise KeyFormatError(f"a {kind[1]} JWK needs {', '.join(names)} as strings")
        key = cls(tuple(sorted(values.items())))
        key._public_key()  # the coordinates make a valid key (a point on the curve)
        return key

    @property
    def as_dict(self) -> dict[str, str]:
        return dict(self.members)

    @property
    def kind(self) -> tuple[str, str]:
        members = self.as_dict
        return members["kty"], members["crv"]

    @property
    def algorithms(self) -> tuple[str, ...]:
        return ALGORITHMS_OF[self.kind]

    @property
    def did(self) -> str:
        return DID_JWK_PREFIX + b64url_encode(jcs(self.as_dict))

    def _public_key(self):
        members = self.as_dict
        x = b64url_decode(members["x"], "JWK x")
        if self.kind == ("OKP", "Ed25519"):
            if len(x) != 32:
                raise KeyFormatError(f"an Ed25519 JWK x is 32 bytes, got {len(x)}")
            return Ed25519PublicKey.from_public_bytes(x)
        y = b64url_decode(members["y"], "JWK y")
        if len(x) != 32 or len(y) != 32:
            raise KeyFormatError("a P-256 JWK has 32-byte x and y")
        numbers = ec.EllipticCurvePublicNumbers(
            int.from_bytes(x, "big"), int.from_bytes(y, "big"), ec.SECP256R1()
        )
        try:
            return numbers.public_key()
        except ValueError:
            raise KeyFormatError("the P-256 JWK is not a point on the curve") from None

    def verify(self, algorithm: str, signature: bytes, message: bytes) -> bool:
        """True when ``signature`` is ``algorithm``'s (JWS form) over ``message`` by this key."""
        if algorithm not in self.algorithms:
            return False
        key = self._public_key()
        try:
            if isinstance(key, Ed25519PublicKey):
                key.verify(signature, message)
            else:
                if len(signature) != 64:  # JWS ES256: r || s, 32 bytes each
                    return False
                der = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
                key.verify(der, message, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return False
        return True


def resolve_did_jwk(did_url: str) -> PublicJwk:
    """The key of ``did:jwk:...`` or of its verification method ``did:jwk:...#0``."""
    if not isinstance(did_url, str) or not did_url.startswith(DID_JWK_PREFIX):
        raise KeyFormatError(f"not a did:jwk: {did_url!r}")
    did, _, fragment = did_url.partition("#")
    if fragment not in ("", "0"):
        raise KeyFormatError(f"a did:jwk has one verification method, #0; got #{fragment}")
    encoded = did[len(DID_JWK_PREFIX) :]
    try:
        jwk = json.loads(b64url_decode(encoded, "the did:jwk identifier"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise KeyFormatError("the did:jwk identifier does not encode a JSON object") from None
    return PublicJwk.parse(jwk)
