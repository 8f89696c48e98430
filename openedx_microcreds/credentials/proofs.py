"""Data Integrity proofs: eddsa-rdfc-2022 (default), eddsa-jcs-2022, and Ed25519Signature2020.

All three hash the same way: SHA-256(canonical proof configuration) followed by
SHA-256(canonical document without proof), signed with Ed25519, encoded "z" + base58btc.
They differ in the canonical form (RDFC-1.0 or JCS) and in how the proof carries ``@context``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from . import linked_data
from .canonical import canonical_proof_config, jcs, rdfc
from .dates import format_datetime, parse_datetime
from .errors import ProofError
from .json_input import check_depth
from .keys import Ed25519Key, Ed25519PublicMultikey
from .loader import ED25519_2020, DocumentLoader, default_loader
from .multibase import b58decode, b58encode

RDFC = "eddsa-rdfc-2022"
JCS = "eddsa-jcs-2022"
ED25519_2020_SUITE = "Ed25519Signature2020"
CRYPTOSUITES = (RDFC, JCS)
SUPPORTED = (RDFC, JCS, ED25519_2020_SUITE)


@dataclass(frozen=True)
class ProofCheck:
    """Outcome of checking one proof's signature; ``reason`` says why it failed."""

    ok: bool
    suite: str
    verification_method: str | None
    reason: str = ""


def suite_of(proof: dict) -> str:
    """``eddsa-rdfc-2022``, ``eddsa-jcs-2022`` or ``Ed25519Signature2020``; ProofError otherwise."""
    proof_type = proof.get("type")
    if proof_type == "DataIntegrityProof":
        suite = proof.get("cryptosuite")
        if suite in CRYPTOSUITES:
            return suite
        raise ProofError(f"unsupported Data Integrity cryptosuite {suite!r}")
    if proof_type == ED25519_2020_SUITE:
        return ED25519_2020_SUITE
    raise ProofError(f"unsupported proof type {proof_type!r}")


def sign(
    document: dict,
    key: Ed25519Key,
    *,
    cryptosuite: str = RDFC,
    verification_method: str | None = None,
    created: datetime | str | None = None,
    loader: DocumentLoader = default_loader,
    strict: bool = True,
) -> dict:
    """Return a copy of ``document`` with one proof added.

    With ``strict`` (the default), the document is first checked against what safe-mode
    verifiers reject, and refused with a StrictModeError naming each offending path. A document
    that already carries a proof gets a proof set (``proof`` becomes a list); each proof in a set
    covers the document without any proof.
    """
    if cryptosuite not in SUPPORTED:
        raise ProofError(
            f"unknown cryptosuite {cryptosuite!r}; choose one of {', '.join(SUPPORTED)}"
        )
    check_depth(document, "the document to sign")
    vm = verification_method or key.verification_method_id
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if cryptosuite == ED25519_2020_SUITE:
        unsecured = _with_context(unsecured, ED25519_2020)
    # One expansion of the document serves strict mode and canonicalization alike (JCS
    # canonicalization needs none).
    expansion = expand_or_none(unsecured, loader) if strict or cryptosuite != JCS else None
    if strict:
        from .strict import check_strict

        check_strict(
            unsecured,
            verification_method=vm,
            cryptosuite=cryptosuite,
            loader=loader,
            expansion=expansion,
        )
    options = _proof_options(cryptosuite, vm, created)
    config = dict(options)
    config["@context"] = unsecured["@context"]
    signature = key.sign(_hash_data(cryptosuite, unsecured, config, loader, expansion))
    proof = dict(config) if cryptosuite == JCS else options
    proof["proofValue"] = "z" + b58encode(signature)
    # A JSON round trip copies a JSON document faster than deepcopy.
    secured = json.loads(json.dumps(unsecured))
    existing = document.get("proof")
    if existing is None:
        secured["proof"] = proof
    else:
        secured["proof"] = [*(existing if isinstance(existing, list) else [existing]), proof]
    return secured


def _with_context(document: dict, context_url: str) -> dict:
    contexts = document.get("@context")
    contexts = contexts if isinstance(contexts, list) else [contexts]
    if context_url in contexts:
        return document
    return {**document, "@context": [*contexts, context_url]}


def _proof_options(suite: str, vm: str, created: datetime | str | None) -> dict:
    if created is None:
        created = datetime.now(UTC).replace(microsecond=0)
    created_text = format_datetime(created) if isinstance(created, datetime) else created
    parse_datetime(created_text, "proof.created")
    if suite == ED25519_2020_SUITE:
        options = {"type": ED25519_2020_SUITE}
    else:
        options = {"type": "DataIntegrityProof", "cryptosuite": suite}
    options.update(
        {"created": created_text, "verificationMethod": vm, "proofPurpose": "assertionMethod"}
    )
    return options


def expand_or_none(document: dict, loader: DocumentLoader) -> linked_data.Expansion | None:
    """The document's JSON-LD expansion, or None when JSON-LD processing fails (strict mode
    and canonicalization then report the failure themselves)."""
    try:
        return linked_data.expand(document, loader)
    except Exception:
        return None


def _hash_data(
    suite: str,
    unsecured: dict,
    config: dict,
    loader: DocumentLoader,
    expansion: linked_data.Expansion | None = None,
) -> bytes:
    if suite == JCS:
        canonical_config, canonical_doc = jcs(config), jcs(unsecured)
    else:
        canonical_config = canonical_proof_config(config, loader).encode("utf-8")
        canonical_doc = rdfc(unsecured, loader, expansion).encode("utf-8")
    return hashlib.sha256(canonical_config).digest() + hashlib.sha256(canonical_doc).digest()


def proofs_of(document: dict) -> list[dict]:
    """The proofs on a document, as a list (a single proof or a proof set)."""
    proof = document.get("proof")
    if proof is None:
        return []
    proofs = proof if isinstance(proof, list) else [proof]
    if not all(isinstance(item, dict) for item in proofs):
        raise ProofError("proof must be an object or a list of objects")
    return proofs


def verify_proof(
    document: dict,
    proof: dict,
    resolve_key: Callable[[str], Ed25519PublicMultikey],
    *,
    loader: DocumentLoader = default_loader,
    expansion: linked_data.Expansion | None = None,
) -> ProofCheck:
    """Check one proof's signature over ``document`` (whose other proofs are ignored).

    ``resolve_key`` maps a verification method id to a public key, raising on failure.
    ``expansion``: the JSON-LD expansion of ``document`` without its proof, when the caller has
    it already (``linked_data.expand``).
    """
    vm = proof.get("verificationMethod")
    try:
        suite = suite_of(proof)
    except ProofError as exc:
        return ProofCheck(False, str(proof.get("type")), vm, str(exc))
    if proof.get("proofPurpose") != "assertionMethod":
        return ProofCheck(False, suite, vm, "proofPurpose must be 'assertionMethod'")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return ProofCheck(False, suite, vm, "proofValue must be a base58btc multibase string")
    if not isinstance(vm, str):
        return ProofCheck(False, suite, vm, "proof has no verificationMethod")
    try:
        parse_datetime(proof.get("created"), "proof.created", required=False)
        public = resolve_key(vm)
    except Exception as exc:  # key resolution failures are reported, not raised
        return ProofCheck(False, suite, vm, str(exc))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if (
        suite == JCS
        and "@context" in config
        and not _starts_with(unsecured.get("@context"), config["@context"])
    ):
        return ProofCheck(False, suite, vm, "proof @context does not match the document's")
    config["@context"] = unsecured.get("@context")
    try:
        digest = _hash_data(suite, unsecured, config, loader, expansion)
        signature = b58decode(value[1:])
    except Exception as exc:
        return ProofCheck(False, suite, vm, f"cannot canonicalize: {exc}")
    if len(signature) != 64 or not public.verify(signature, digest):
        return ProofCheck(False, suite, vm, "signature does not match the document")
    return ProofCheck(True, suite, vm)


def _starts_with(document_context: object, proof_context: object) -> bool:
    doc = document_context if isinstance(document_context, list) else [document_context]
    prf = proof_context if isinstance(proof_context, list) else [proof_context]
    return doc[: len(prf)] == prf
