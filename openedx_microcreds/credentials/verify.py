"""Verify a credential offline and say, check by check, what passed and why something failed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from . import linked_data
from .dates import DateTimeFormatError, parse_datetime
from .errors import CredentialError
from .json_input import JsonInputError, check_depth
from .loader import DocumentLoader, default_loader
from .proofs import expand_or_none, proofs_of, verify_proof
from .resolve import KeyResolutionError, KeyResolver
from .status_list import StatusBits
from .strict import find_problems

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == PASSED


@dataclass
class VerificationReport:
    checks: list[Check] = field(default_factory=list)
    revoked: bool | None = None

    @property
    def ok(self) -> bool:
        """True only when every check passed (a skipped check is not a pass)."""
        return bool(self.checks) and all(check.ok for check in self.checks)

    def add(self, name: str, status: str, detail: str = "") -> None:
        self.checks.append(Check(name, status, detail))

    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.ok]

    def to_dict(self) -> dict:
        return {
            "verified": self.ok,
            "revoked": self.revoked,
            "checks": [asdict(check) for check in self.checks],
        }


def verify_credential(
    credential: Any,
    *,
    did_documents: Mapping[str, dict] | None = None,
    key_documents: Mapping[str, dict] | None = None,
    status_lists: Mapping[str, dict] | None = None,
    now: datetime | None = None,
    loader: DocumentLoader = default_loader,
) -> VerificationReport:
    """Run every check on ``credential``; never raises for a bad credential.

    Checks: ``document`` (a VC that safe-mode JSON-LD accepts), ``proof`` (each signature),
    ``key`` (verification method resolution), ``issuer`` (issuer controls the key),
    ``validity`` (validFrom/validUntil against ``now``), ``status`` (each status entry against
    the supplied, itself verified, status list credential).
    """
    report = VerificationReport()
    now = now or datetime.now(UTC)
    resolver = KeyResolver(did_documents, key_documents)
    if not isinstance(credential, dict):
        report.add("document", FAILED, "a credential must be a JSON object")
        return report
    try:
        check_depth(credential, "the credential")
    except JsonInputError as exc:  # nothing below could walk it
        report.add("document", FAILED, str(exc))
        return report
    # One expansion of the credential serves the document check and every proof check.
    unsecured = {k: v for k, v in credential.items() if k != "proof"}
    expansion = expand_or_none(unsecured, loader)
    _check_document(unsecured, report, loader, expansion)
    issuer_id = _issuer_id(credential)
    _check_proofs(credential, issuer_id, resolver, report, loader, expansion)
    _check_validity(credential, now, report)
    _check_status(credential, issuer_id, resolver, status_lists or {}, now, report, loader)
    return report


def _issuer_id(credential: dict) -> str | None:
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    return issuer_id if isinstance(issuer_id, str) else None


def _check_document(
    unsecured: dict,
    report: VerificationReport,
    loader: DocumentLoader,
    expansion: linked_data.Expansion | None,
) -> None:
    problems = [
        f"{path}: {message}"
        for path, message in find_problems(
            unsecured, loader=loader, check_validity_order=False, expansion=expansion
        )
    ]
    if problems:
        report.add("document", FAILED, "; ".join(problems))
    else:
        report.add("document", PASSED, "a VC whose every term the @context defines")


def _check_proofs(
    credential: dict,
    issuer_id: str | None,
    resolver: KeyResolver,
    report: VerificationReport,
    loader: DocumentLoader,
    expansion: linked_data.Expansion | None = None,
) -> None:
    try:
        proofs = proofs_of(credential)
    except CredentialError as exc:
        report.add("proof", FAILED, str(exc))
        return
    if not proofs:
        report.add("proof", FAILED, "the credential carries no proof")
        return
    for number, proof in enumerate(proofs):
        label = "" if len(proofs) == 1 else f"[{number}]"
        vm = proof.get("verificationMethod")
        try:
            resolved = resolver.resolve(vm)
        except KeyResolutionError as exc:
            report.add(f"key{label}", FAILED, str(exc))
            report.add(f"proof{label}", SKIPPED, "no key to check the signature with")
            continue
        report.add(f"key{label}", PASSED, f"{vm} resolved (controller {resolved.controller})")
        result = verify_proof(
            credential,
            proof,
            lambda _vm, r=resolved: r.public,
            loader=loader,
            expansion=expansion,
        )
        if result.ok:
            report.add(f"proof{label}", PASSED, f"{result.suite} signature is valid")
        else:
            report.add(f"proof{label}", FAILED, f"{result.suite}: {result.reason}")
        if resolved.controller == issuer_id:
            report.add(f"issuer{label}", PASSED, f"issuer {issuer_id} controls the signing key")
        else:
            report.add(
                f"issuer{label}",
                FAILED,
                f"issuer {issuer_id!r} does not control {vm} (controller {resolved.controller})",
            )


def _check_validity(credential: dict, now: datetime, report: VerificationReport) -> None:
    try:
        start = parse_datetime(credential.get("validFrom"), "validFrom", required=False)
        end = parse_datetime(credential.get("validUntil"), "validUntil", required=False)
        start = start or parse_datetime(
            credential.get("issuanceDate"), "issuanceDate", required=False
        )
        end = end or parse_datetime(
            credential.get("expirationDate"), "expirationDate", required=False
        )
    except DateTimeFormatError as exc:
        report.add("validity", FAILED, str(exc))
        return
    if start and now < start:
        report.add("validity", FAILED, f"not valid until {credential.get('validFrom')}")
    elif end and now >= end:
        report.add("validity", FAILED, f"expired at {credential.get('validUntil')}")
    elif end and start and end < start:
        report.add("validity", FAILED, "validUntil is before validFrom")
    else:
        until = f" until {credential.get('validUntil')}" if end else " with no expiry"
        report.add("validity", PASSED, f"valid now{until}")


def _check_status(
    credential: dict,
    issuer_id: str | None,
    resolver: KeyResolver,
    status_lists: Mapping[str, dict],
    now: datetime,
    report: VerificationReport,
    loader: DocumentLoader,
) -> None:
    entries = credential.get("credentialStatus")
    if entries is None:
        report.add("status", PASSED, "the credential has no status entry (it cannot be revoked)")
        return
    revoked = False
    for entry in entries if isinstance(entries, list) else [entries]:
        outcome = _status_of(entry, issuer_id, resolver, status_lists, now, loader)
        if isinstance(outcome, str):
            report.add("status", FAILED, outcome)
            report.revoked = None
            return
        purpose, flagged = outcome
        revoked = revoked or (flagged and purpose == "revocation")
        if flagged:
            report.add("status", FAILED, f"{purpose}: the status list marks this credential")
        else:
            report.add("status", PASSED, f"{purpose}: not set in the status list")
    report.revoked = revoked


def _status_of(
    entry: Any,
    issuer_id: str | None,
    resolver: KeyResolver,
    status_lists: Mapping[str, dict],
    now: datetime,
    loader: DocumentLoader,
) -> tuple[str, bool] | str:
    """(purpose, bit) or a reason the status could not be established."""
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        return "unsupported credentialStatus: expected a BitstringStatusListEntry"
    url = entry.get("statusListCredential")
    try:
        index = int(entry.get("statusListIndex"))
    except (TypeError, ValueError):
        return f"statusListIndex {entry.get('statusListIndex')!r} is not a decimal integer"
    list_credential = status_lists.get(url)
    if list_credential is None:
        return f"status list {url} was not supplied (status lists are not fetched)"
    if not isinstance(list_credential, dict):
        return f"status list {url} is not a JSON object"
    try:
        check_depth(list_credential, f"status list {url}")
    except JsonInputError as exc:
        return str(exc)
    list_report = VerificationReport()
    _check_proofs(list_credential, _issuer_id(list_credential), resolver, list_report, loader)
    _check_validity(list_credential, now, list_report)
    if not list_report.ok:
        reasons = "; ".join(f"{c.name}: {c.detail}" for c in list_report.failed())
        return f"status list {url} does not verify: {reasons}"
    if _issuer_id(list_credential) != issuer_id:
        return f"status list {url} was issued by {_issuer_id(list_credential)!r}, not {issuer_id!r}"
    if list_credential.get("id") not in (None, url):
        return f"status list at {url} claims to be {list_credential.get('id')!r}"
    subject = list_credential.get("credentialSubject") or {}
    if subject.get("statusPurpose") != entry.get("statusPurpose"):
        return (
            f"status list purpose {subject.get('statusPurpose')!r} does not match the entry's "
            f"{entry.get('statusPurpose')!r}"
        )
    try:
        bits = StatusBits.decode(subject.get("encodedList"))
        return entry.get("statusPurpose"), bits.get(index)
    except CredentialError as exc:
        return f"status list {url}: {exc}"
