"""Ed25519 keys as Multikey, with did:key and did:web identifiers and DID documents."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .errors import KeyFormatError
from .multibase import (
    ED25519_PRIV_PREFIX,
    ED25519_PUB_PREFIX,
    multibase_b58_decode,
    multibase_b58_encode,
)

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def did_key_of(public_multibase: str) -> str:
    """The did:key of an Ed25519 key given as ``publicKeyMultibase`` (``z6Mk...``)."""
    return "did:key:" + public_multibase


def did_key_verification_method_of(public_multibase: str) -> str:
    """``did:key:z6Mk...#z6Mk...``: a did:key's one verification method."""
    return f"{did_key_of(public_multibase)}#{public_multibase}"


def _strip_prefix(raw: bytes, prefix: bytes, what: str) -> bytes:
    if not raw.startswith(prefix) or len(raw) != len(prefix) + 32:
        raise KeyFormatError(
            f"not an Ed25519 {what} multikey: expected multicodec prefix 0x{prefix.hex()} "
            f"and 32 key bytes, got {len(raw)} bytes starting 0x{raw[:2].hex()}"
        )
    return raw[len(prefix) :]


@dataclass(frozen=True)
class Ed25519PublicMultikey:
    """A public Ed25519 key; verifies signatures."""

    raw: bytes

    @classmethod
    def from_multibase(cls, text: str) -> Ed25519PublicMultikey:
        return cls(_strip_prefix(multibase_b58_decode(text), ED25519_PUB_PREFIX, "public"))

    @cached_property
    def multibase(self) -> str:
        """``publicKeyMultibase``: "z" + base58btc(0xed01 + key), i.e. ``z6Mk...``."""
        return multibase_b58_encode(ED25519_PUB_PREFIX + self.raw)

    @property
    def did_key(self) -> str:
        return did_key_of(self.multibase)

    @property
    def did_key_verification_method(self) -> str:
        return did_key_verification_method_of(self.multibase)

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Ed25519Key:
    """An Ed25519 key pair. The secret never appears in repr() or str()."""

    __slots__ = ("_private", "public")

    def __init__(self, private: Ed25519PrivateKey):
        self._private = private
        raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.public = Ed25519PublicMultikey(raw_public)

    @classmethod
    def generate(cls) -> Ed25519Key:
        return cls.from_seed(os.urandom(32))

    @classmethod
    def from_seed(cls, seed: bytes) -> Ed25519Key:
        if len(seed) != 32:
            raise KeyFormatError(f"an Ed25519 seed is 32 bytes, got {len(seed)}")
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    @classmethod
    def from_secret_multibase(cls, text: str) -> Ed25519Key:
        """Load ``secretKeyMultibase`` ("z" + base58btc(0x8026 + 32-byte seed))."""
        return cls.from_seed(
            _strip_prefix(multibase_b58_decode(text), ED25519_PRIV_PREFIX, "secret")
        )

    @property
    def secret_multibase(self) -> str:
        return multibase_b58_encode(ED25519_PRIV_PREFIX + self._seed())

    def _seed(self) -> bytes:
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        return self._private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    @property
    def public_multibase(self) -> str:
        return self.public.multibase

    @property
    def did_key(self) -> str:
        return self.public.did_key

    @property
    def verification_method_id(self) -> str:
        """The did:key verification method id: ``did:key:z6Mk...#z6Mk...``."""
        return self.public.did_key_verification_method

    def sign(self, message: bytes) -> bytes:
        return self._private.sign(message)

    def __repr__(self) -> str:
        return f"Ed25519Key(public={self.public_multibase})"


def multikey_document(public: Ed25519PublicMultikey, key_id: str, controller: str) -> dict:
    """A Multikey verification method as it appears inside a DID document."""
    return {
        "id": key_id,
        "type": "Multikey",
        "controller": controller,
        "publicKeyMultibase": public.multibase,
    }


def did_key_document(public: Ed25519PublicMultikey) -> dict:
    """The DID document a did:key resolver produces for an Ed25519 key."""
    did = public.did_key
    vm_id = public.did_key_verification_method
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": [multikey_document(public, vm_id, did)],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


def did_web_from_url(url: str) -> str:
    """Map a URL to its did:web DID.

    ``https://lms.example.com/microcreds/issuer`` -> ``did:web:lms.example.com:microcreds:issuer``.

    A port is percent-encoded (``%3A``) as did:web requires.
    """
    from urllib.parse import quote, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "https" and parts.hostname not in ("localhost", "127.0.0.1"):
        raise KeyFormatError(f"did:web needs an https URL, got {url!r}")
    if not parts.hostname:
        raise KeyFormatError(f"did:web needs a host in the URL, got {url!r}")
    host = parts.hostname + (f"%3A{parts.port}" if parts.port else "")
    path = [quote(segment, safe="") for segment in parts.path.strip("/").split("/") if segment]
    return ":".join(["did:web", host, *path])


def did_web_document_url(did: str) -> str:
    """Where a did:web resolves: ``did:web:host:a:b`` -> ``https://host/a/b/did.json``."""
    from urllib.parse import unquote

    if not did.startswith("did:web:"):
        raise KeyFormatError(f"not a did:web identifier: {did!r}")
    host, *path = did[len("did:web:") :].split(":")
    host = unquote(host)
    if not path:
        return f"https://{host}/.well-known/did.json"
    return f"https://{host}/" + "/".join(unquote(segment) for segment in path) + "/did.json"


def did_web_document(did: str, keys: list[tuple[str, Ed25519PublicMultikey]]) -> dict:
    """A did:web DID document listing several keys (``(fragment, key)``) for rotation.

    Every listed key is an assertionMethod: credentials signed by an older, still-listed key
    keep verifying after rotation.
    """
    if not did.startswith("did:web:"):
        raise KeyFormatError(f"not a did:web identifier: {did!r}")
    methods = [multikey_document(public, f"{did}#{fragment}", did) for fragment, public in keys]
    ids = [method["id"] for method in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }
