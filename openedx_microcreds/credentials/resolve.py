"""Resolve a verification method id to a public key and its controller, offline.

did:key is self-describing. did:web and https key documents are never fetched: the caller
supplies the documents it trusts (read from disk, or served by our own plugin).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import CredentialError, KeyFormatError
from .keys import Ed25519PublicMultikey


class KeyResolutionError(CredentialError):
    """The verification method could not be resolved to a usable key."""


@dataclass(frozen=True)
class ResolvedKey:
    public: Ed25519PublicMultikey
    controller: str
    verification_method: str


class KeyResolver:
    def __init__(
        self,
        did_documents: Mapping[str, dict] | None = None,
        key_documents: Mapping[str, dict] | None = None,
    ):
        self.did_documents = dict(did_documents or {})
        self.key_documents = dict(key_documents or {})

    def resolve(self, vm: str) -> ResolvedKey:
        if not isinstance(vm, str) or not vm:
            raise KeyResolutionError("verificationMethod must be a non-empty string")
        if vm.startswith("did:key:"):
            return self._did_key(vm)
        if vm.startswith("did:"):
            return self._from_did_document(vm)
        if vm.startswith("https://") or vm.startswith("http://"):
            return self._from_key_document(vm)
        raise KeyResolutionError(f"unsupported verification method {vm!r}")

    def public_key(self, vm: str) -> Ed25519PublicMultikey:
        return self.resolve(vm).public

    @staticmethod
    def _did_key(vm: str) -> ResolvedKey:
        did, _, fragment = vm.partition("#")
        multibase = did[len("did:key:") :]
        if fragment and fragment != multibase:
            raise KeyResolutionError(f"did:key fragment {fragment!r} does not match the key")
        try:
            public = Ed25519PublicMultikey.from_multibase(multibase)
        except KeyFormatError as exc:
            raise KeyResolutionError(f"did:key is not an Ed25519 key: {exc}") from None
        return ResolvedKey(public, did, f"{did}#{multibase}")

    def _from_did_document(self, vm: str) -> ResolvedKey:
        did = vm.split("#", 1)[0]
        document = self.did_documents.get(did)
        if document is None:
            raise KeyResolutionError(
                f"no DID document for {did}: documents are not fetched; supply it "
                f"(microcreds verify --did-document {did}=did.json)"
            )
        if document.get("id") != did:
            raise KeyResolutionError(f"DID document id {document.get('id')!r} is not {did!r}")
        methods = document.get("verificationMethod") or []
        method = next((m for m in methods if _absolute(m.get("id"), did) == vm), None)
        if method is None:
            raise KeyResolutionError(f"{vm} is not listed in the DID document of {did}")
        assertion = [
            _absolute(ref if isinstance(ref, str) else ref.get("id"), did)
            for ref in document.get("assertionMethod") or []
        ]
        if vm not in assertion:
            raise KeyResolutionError(f"{vm} is not an assertionMethod of {did}")
        return ResolvedKey(_key_of(method, vm), method.get("controller", did), vm)

    def _from_key_document(self, vm: str) -> ResolvedKey:
        document = self.key_documents.get(vm)
        if document is None:
            raise KeyResolutionError(f"no key document supplied for {vm}; it is not fetched")
        if document.get("id") != vm:
            raise KeyResolutionError(f"key document id {document.get('id')!r} is not {vm!r}")
        controller = document.get("controller")
        if not isinstance(controller, str):
            raise KeyResolutionError(f"key document {vm} names no controller")
        return ResolvedKey(_key_of(document, vm), controller, vm)


def _absolute(ref: object, did: str) -> str | None:
    if not isinstance(ref, str):
        return None
    return did + ref if ref.startswith("#") else ref


def _key_of(method: dict, vm: str) -> Ed25519PublicMultikey:
    if method.get("type") not in ("Multikey", "Ed25519VerificationKey2020"):
        raise KeyResolutionError(f"{vm} has unsupported key type {method.get('type')!r}")
    try:
        return Ed25519PublicMultikey.from_multibase(method.get("publicKeyMultibase", ""))
    except KeyFormatError as exc:
        raise KeyResolutionError(f"{vm}: {exc}") from None
