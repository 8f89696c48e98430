"""Resolve a verification method id to a public key and its controller, offline.

did:key is self-describing. did:web and https key documents are never fetched: the caller
supplies the documents it trusts (read from disk, or served by our own plugin).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from .errors import CredentialError, KeyFormatError
from .json_input import JsonInputError, check_depth
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
        _check_document(document, f"the DID document of {did}")
        if document.get("id") != did:
            raise KeyResolutionError(f"DID document id {document.get('id')!r} is not {did!r}")
        methods = _objects(document, "verificationMethod", did)
        method = next((m for m in methods if _absolute(m.get("id"), did) == vm), None)
        if method is None:
            raise KeyResolutionError(f"{vm} is not listed in the DID document of {did}")
        assertion = [
            _absolute(ref.get("id") if isinstance(ref, dict) else ref, did)
            for ref in _list(document, "assertionMethod", did)
        ]
        if vm not in assertion:
            raise KeyResolutionError(f"{vm} is not an assertionMethod of {did}")
        controller = method.get("controller", did)
        if not isinstance(controller, str):
            raise KeyResolutionError(f"{vm}: controller must be a string, got {controller!r}")
        return ResolvedKey(_key_of(method, vm), controller, vm)

    def _from_key_document(self, vm: str) -> ResolvedKey:
        document = self.key_documents.get(vm)
        if document is None:
            raise KeyResolutionError(f"no key document supplied for {vm}; it is not fetched")
        _check_document(document, f"the key document of {vm}")
        if document.get("id") != vm:
            raise KeyResolutionError(f"key document id {document.get('id')!r} is not {vm!r}")
        controller = document.get("controller")
        if not isinstance(controller, str):
            raise KeyResolutionError(f"key document {vm} names no controller")
        return ResolvedKey(_key_of(document, vm), controller, vm)


def _check_document(document: object, what: str) -> None:
    if not isinstance(document, dict):
        raise KeyResolutionError(f"{what} is not a JSON object")
    try:
        check_depth(document, what)
    except JsonInputError as exc:
        raise KeyResolutionError(str(exc)) from None


def _list(document: dict, name: str, did: str) -> list:
    value = document.get(name) or []
    if not isinstance(value, list):
        raise KeyResolutionError(f"the DID document of {did}: {name} must be a list")
    return value


def _objects(document: dict, name: str, did: str) -> list[dict]:
    value = _list(document, name, did)
    if not all(isinstance(item, dict) for item in value):
        raise KeyResolutionError(f"the DID document of {did}: {name} must list objects")
    return value


def _absolute(ref: object, did: str) -> str | None:
    if not isinstance(ref, str):
        return None
    return did + ref if ref.startswith("#") else ref


def _key_of(method: dict, vm: str) -> Ed25519PublicMultikey:
    if method.get("type") not in ("Multikey", "Ed25519VerificationKey2020"):
        raise KeyResolutionError(f"{vm} has unsupported key type {method.get('type')!r}")
    try:
        return Ed25519PublicMultikey.from_multibase(method.get("publicKeyMultibase"))
    except KeyFormatError as exc:
        raise KeyResolutionError(f"{vm}: {exc}") from None
