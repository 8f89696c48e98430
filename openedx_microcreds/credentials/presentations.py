"""DID Authentication: check that a wallet's verifiable presentation proves control of its DID.

A wallet answers a DIDAuthentication request with a presentation whose ``holder`` is its DID and
whose one proof (``proofPurpose: authentication``) carries the issuer's ``challenge`` and
``domain``. We accept the proofs wallets send: ``Ed25519Signature2020`` (the Learner Credential
Wallet) and Data Integrity ``eddsa-rdfc-2022`` / ``eddsa-jcs-2022``, by a did:key (the only DID
method a holder key is resolved from here, offline).

The signature covers the canonical RDF of the presentation, not its JSON, so a member that the
contexts leave undefined is not signed at all. Each value we rely on (holder, challenge, domain,
purpose, key) is therefore also looked up in the signed statements themselves.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .canonical import jcs, rdfc
from .dates import DateTimeFormatError, parse_datetime
from .errors import CredentialError
from .loader import DocumentLoader, default_loader
from .multibase import b58decode
from .proofs import JCS, RDFC, proofs_of, suite_of
from .resolve import KeyResolutionError, KeyResolver

VC_CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://www.w3.org/2018/credentials/v1")
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
ED25519_2020 = "Ed25519Signature2020"
ACCEPTED_SUITES = (ED25519_2020, RDFC, JCS)

_SEC = "https://w3id.org/security#"
_HOLDER = "<https://www.w3.org/2018/credentials#holder>"


class PresentationError(CredentialError):
    """The presentation does not authenticate its holder. ``code`` names the failed check:
    ``malformed``, ``unsupported_proof``, ``proof_purpose``, ``challenge``, ``domain``,
    ``holder``, ``key``, ``signature``, ``expired``, ``not_yet_valid`` or ``stale``."""

    def __init__(self, code: str, message: str):
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class AuthenticatedHolder:
    """Who proved control of what: the holder's DID and the key that signed."""

    did: str
    verification_method: str
    suite: str
    created: datetime | None


def verify_did_authentication(
    presentation: object,
    *,
    challenge: str,
    domain: str,
    now: datetime,
    require_domain: bool = True,
    not_before: datetime | None = None,
    clock_skew: timedelta = timedelta(minutes=2),
    loader: DocumentLoader = default_loader,
) -> AuthenticatedHolder:
    """The holder of ``presentation`` when it authenticates for ``challenge`` and ``domain``;
    PresentationError otherwise.

    ``require_domain=False`` accepts a proof without a domain (the older credential request
    flow sends none); a domain that is present must always match. The proof must have been
    created after ``not_before`` (when the exchange began), not after ``now``, and must not
    have expired (``proof.expires``; ``validUntil``/``expirationDate`` of the presentation),
    each give or take ``clock_skew``.
    """
    document = _presentation_object(presentation)
    proof = _single_proof(document)
    suite = _accepted_suite(proof)
    if proof.get("proofPurpose") != "authentication":
        raise PresentationError(
            "proof_purpose",
            f"proof.proofPurpose must be 'authentication', got {proof.get('proofPurpose')!r}",
        )
    _check_text(proof, "challenge", challenge, required=True)
    _check_text(proof, "domain", domain, required=require_domain)
    holder = _holder_of(document)
    vm = proof.get("verificationMethod")
    key = _holder_key(vm, holder)
    created = _check_times(document, proof, now, not_before, clock_skew)
    _check_signature(document, proof, suite, key.public, loader)
    return AuthenticatedHolder(holder, key.verification_method, suite, created)


def _presentation_object(presentation: object) -> dict:
    if not isinstance(presentation, Mapping):
        raise PresentationError("malformed", "the presentation must be a JSON object")
    document = dict(presentation)
    types = document.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or "VerifiablePresentation" not in types:
        raise PresentationError("malformed", "type must include 'VerifiablePresentation'")
    contexts = document.get("@context")
    contexts = [contexts] if isinstance(contexts, str) else contexts
    if not isinstance(contexts, list) or not contexts or contexts[0] not in VC_CONTEXTS:
        raise PresentationError(
            "malformed", f"@context must start with one of {', '.join(VC_CONTEXTS)}"
        )
    # Only published contexts, by URL: an inline context could redefine what a term means.
    if not all(isinstance(context, str) for context in contexts):
        raise PresentationError("malformed", "@context must list context URLs only")
    return document


def _single_proof(document: dict) -> dict:
    try:
        proofs = proofs_of(document)
    except CredentialError as exc:
        raise PresentationError("malformed", str(exc)) from None
    if len(proofs) != 1:
        raise PresentationError(
            "malformed", f"a DID authentication carries exactly one proof, got {len(proofs)}"
        )
    return proofs[0]


def _accepted_suite(proof: dict) -> str:
    try:
        suite = suite_of(proof)
    except CredentialError as exc:
        raise PresentationError("unsupported_proof", str(exc)) from None
    if suite not in ACCEPTED_SUITES:
        raise PresentationError("unsupported_proof", f"unsupported proof suite {suite!r}")
    return suite


def _check_text(proof: dict, name: str, expected: str, *, required: bool) -> None:
    value = proof.get(name)
    if value is None and not required:
        return
    if not isinstance(value, str) or not hmac.compare_digest(
        value.encode("utf-8"), expected.encode("utf-8")
    ):
        shown = "missing" if value is None else "not the one this exchange gave"
        raise PresentationError(name, f"proof.{name} is {shown}")


def _holder_of(document: dict) -> str:
    holder = document.get("holder")
    if isinstance(holder, Mapping):
        holder = holder.get("id")
    if not isinstance(holder, str) or not holder.startswith("did:"):
        raise PresentationError("holder", "the presentation names no holder DID")
    return holder


def _holder_key(vm: object, holder: str):
    if not isinstance(vm, str) or not vm.startswith("did:key:"):
        raise PresentationError(
            "key", f"proof.verificationMethod must be a did:key verification method, got {vm!r}"
        )
    try:
        resolved = KeyResolver().resolve(vm)
    except KeyResolutionError as exc:
        raise PresentationError("key", str(exc)) from None
    if resolved.controller != holder:
        raise PresentationError(
            "holder",
            f"the holder {holder} does not control {vm} (its controller is {resolved.controller})",
        )
    return resolved


def _check_times(
    document: dict,
    proof: dict,
    now: datetime,
    not_before: datetime | None,
    skew: timedelta,
) -> datetime | None:
    try:
        created = parse_datetime(proof.get("created"), "proof.created", required=False)
        expires = parse_datetime(proof.get("expires"), "proof.expires", required=False)
        valid_until = parse_datetime(
            document.get("validUntil") or document.get("expirationDate"),
            "validUntil",
            required=False,
        )
    except DateTimeFormatError as exc:
        raise PresentationError("malformed", str(exc)) from None
    if created is not None and created > now + skew:
        raise PresentationError("not_yet_valid", f"proof.created {proof['created']} is ahead")
    if created is not None and not_before is not None and created < not_before - skew:
        raise PresentationError(
            "stale", f"proof.created {proof['created']} is older than this exchange"
        )
    for moment, name in ((expires, "proof.expires"), (valid_until, "validUntil")):
        if moment is not None and moment <= now - skew:
            raise PresentationError("expired", f"the presentation expired ({name})")
    return created


def _check_signature(document: dict, proof: dict, suite: str, public, loader) -> None:
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        raise PresentationError("signature", "proofValue must be a base58btc multibase string")
    unsecured = {key: item for key, item in document.items() if key != "proof"}
    config = {key: item for key, item in proof.items() if key != "proofValue"}
    if suite == JCS:
        if "@context" in config and config["@context"] != unsecured["@context"]:
            raise PresentationError("signature", "proof @context differs from the document's")
        config["@context"] = unsecured["@context"]
        digest = _sha256(jcs(config)) + _sha256(jcs(unsecured))
    else:
        if suite == ED25519_2020 and ED25519_2020_CONTEXT not in unsecured["@context"]:
            raise PresentationError(
                "malformed", f"an {ED25519_2020} proof needs the context {ED25519_2020_CONTEXT}"
            )
        config["@context"] = unsecured["@context"]
        try:
            config_quads = rdfc(config, loader)
            document_quads = rdfc(unsecured, loader)
        except CredentialError as exc:
            raise PresentationError("malformed", f"cannot canonicalize: {exc}") from None
        _require_signed(config_quads, document_quads, proof, document)
        digest = _sha256(config_quads.encode("utf-8")) + _sha256(document_quads.encode("utf-8"))
    try:
        signature = b58decode(value[1:])
    except (CredentialError, ValueError):
        raise PresentationError("signature", "proofValue is not valid base58btc") from None
    if len(signature) != 64 or not public.verify(signature, digest):
        raise PresentationError("signature", "the signature does not match the presentation")


def _require_signed(config_quads: str, document_quads: str, proof: dict, document: dict) -> None:
    """Each value we checked in the JSON is also a signed statement."""
    expected = [
        (config_quads, f"<{_SEC}proofPurpose> <{_SEC}authenticationMethod>", "proofPurpose"),
        (config_quads, f"<{_SEC}verificationMethod> <{proof['verificationMethod']}>", "key"),
        (config_quads, f"<{_SEC}challenge> {_literal(proof['challenge'])}", "challenge"),
        (document_quads, f"{_HOLDER} <{_holder_of(document)}>", "holder"),
    ]
    if proof.get("domain") is not None:
        expected.append((config_quads, f"<{_SEC}domain> {_literal(proof['domain'])}", "domain"))
    for quads, statement, name in expected:
        if f"{statement} ." not in quads:
            raise PresentationError(
                name if name != "proofPurpose" else "proof_purpose",
                f"the {name} is not among the signed statements (a term its contexts leave "
                "undefined is not signed)",
            )


def _literal(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
