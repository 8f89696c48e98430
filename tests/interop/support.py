"""Helpers shared by the interop tests: fixture loading and request builders."""

from __future__ import annotations

import copy
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
VECTORS = HERE / "vectors"

STATUS_LIST_URL = "https://lms.example.edu/microcreds/status/1"
DID_WEB = "did:web:lms.example.edu:microcreds:issuer"


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def fixture(name: str) -> dict:
    return copy.deepcopy(load_json(FIXTURES / name))


def vector(name: str) -> dict:
    return copy.deepcopy(load_json(VECTORS / name))


def key_fields(key: dict) -> dict:
    """secret/public multibase of test_key.json or the W3C keyPair.json."""
    return {
        "secretKeyMultibase": key.get("secretKeyMultibase") or key["privateKeyMultibase"],
        "publicKeyMultibase": key["publicKeyMultibase"],
    }


def sign_request(credential: dict, key: dict, cryptosuite: str, **extra) -> dict:
    return {"credential": credential, **key_fields(key), "cryptosuite": cryptosuite, **extra}


def set_issuer(credential: dict, issuer_id: str) -> dict:
    """The OB 3.0 fixture with another issuer (and achievement creator) id."""
    credential["issuer"]["id"] = issuer_id
    credential["credentialSubject"]["achievement"]["creator"]["id"] = issuer_id
    return credential


def with_status(credential: dict, index: int, url: str = STATUS_LIST_URL) -> dict:
    credential["credentialStatus"] = {
        "id": f"{url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": str(index),
        "statusListCredential": url,
    }
    return credential


def did_web_document(did: str, public_multibase: str, vm_type: str = "Multikey") -> dict:
    """A did:web DID document with one assertion key, as Multikey or Ed25519VerificationKey2020."""
    suite_context = {
        "Multikey": "https://w3id.org/security/multikey/v1",
        "Ed25519VerificationKey2020": "https://w3id.org/security/suites/ed25519-2020/v1",
    }[vm_type]
    vm = f"{did}#key-1"
    return {
        "@context": ["https://www.w3.org/ns/did/v1", suite_context],
        "id": did,
        "verificationMethod": [
            {"id": vm, "type": vm_type, "controller": did, "publicKeyMultibase": public_multibase}
        ],
        "assertionMethod": [vm],
        "authentication": [vm],
    }
