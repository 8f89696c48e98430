"""Strict mode: refuse what a JSON-LD safe-mode verifier would reject, before we sign it.

pyld signs documents with undefined terms (it drops them from the canonical form, so they are
unsigned and a verifier in safe mode rejects the credential). We expand the document once,
collect everything that would not survive safe mode, and report each problem with the path
where it occurs in the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from . import strict_values as values
from .dates import DateTimeFormatError, parse_datetime
from .errors import StrictModeError
from .jsonld_processor import CachingJsonLdProcessor
from .loader import VC_V1, VC_V2, DocumentLoader, default_loader

_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
_UNDEFINED_VOCAB = "https://www.w3.org/ns/credentials/issuer-dependent#"
# Properties whose values are dateTimes in the VC, OB 3.0 and Data Integrity vocabularies.
_DATE_KEYS = {"validFrom", "validUntil", "issuanceDate", "expirationDate", "awardedDate", "created"}

Problem = tuple[str, str]


def check_strict(
    document: dict,
    *,
    verification_method: str | None = None,
    cryptosuite: str | None = None,
    loader: DocumentLoader = default_loader,
) -> None:
    """Raise StrictModeError listing every problem; return None when the document is clean."""
    problems = list(
        find_problems(
            document,
            verification_method=verification_method,
            cryptosuite=cryptosuite,
            loader=loader,
        )
    )
    if problems:
        raise StrictModeError(problems)


def find_problems(
    document: Any,
    *,
    verification_method: str | None = None,
    cryptosuite: str | None = None,
    loader: DocumentLoader = default_loader,
    check_validity_order: bool = True,
) -> Iterator[Problem]:
    """Every problem, as (path, message). The verifier turns ``check_validity_order`` off
    because it reports the validity period as a check of its own."""
    if not isinstance(document, dict):
        yield "$", "a credential must be a JSON object"
        return
    structural = list(_structure_problems(document))
    yield from structural
    yield from _issuer_binding_problems(document, verification_method)
    if check_validity_order:
        yield from _validity_order_problems(document)
    yield from _date_problems(document)
    yield from values.value_problems(document, cryptosuite)
    # Every verdict comes from a full check of this document: nothing is remembered between
    # calls, so the answer never depends on what was checked before (issue 7 point 1).
    if not any(path == "$['@context']" for path, _ in structural):
        # (Without usable contexts JSON-LD expansion has nothing to say.)
        yield from _jsonld_problems(document, loader)


def _structure_problems(document: dict) -> Iterator[Problem]:
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts:
        yield "$['@context']", "must be a list starting with " + VC_V2
        return
    if contexts[0] not in (VC_V2, VC_V1):
        yield "$['@context'][0]", f"must be {VC_V2!r}, got {contexts[0]!r}"
    types = document.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiableCredential" not in types:
        yield "$.type", "must include 'VerifiableCredential'"
    if "issuer" not in document:
        yield "$.issuer", "is required"
    if not isinstance(document.get("credentialSubject"), dict | list):
        yield "$.credentialSubject", "is required and must be an object"
    if "id" in document and not _is_absolute(document["id"]):
        yield "$.id", f"must be an absolute IRI (e.g. urn:uuid:...), got {document['id']!r}"


def _date_problems(document: dict) -> Iterator[Problem]:
    for path, value in _find_keys(document, _DATE_KEYS):
        try:
            parse_datetime(value, path)
        except DateTimeFormatError as exc:
            yield path, str(exc).split(": ", 1)[1]


def _validity_order_problems(document: dict) -> Iterator[Problem]:
    try:
        valid_from = parse_datetime(document.get("validFrom"), "", required=False)
        valid_until = parse_datetime(document.get("validUntil"), "", required=False)
    except DateTimeFormatError:
        return  # reported by _date_problems
    if valid_from and valid_until and valid_until <= valid_from:
        yield "$.validUntil", "must be after validFrom"


def _issuer_binding_problems(document: dict, verification_method: str | None) -> Iterator[Problem]:
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or not _is_absolute(issuer_id):
        yield "$.issuer.id", f"must be an absolute IRI such as a DID, got {issuer_id!r}"
        return
    if verification_method is None:
        return
    controller = verification_method.split("#", 1)[0]
    if controller != issuer_id:
        yield (
            "$.issuer.id",
            (
                f"{issuer_id!r} is not the controller of verification method "
                f"{verification_method!r}; verifiers require the issuer to control the signing key"
            ),
        )


def _jsonld_problems(document: dict, loader: DocumentLoader) -> Iterator[Problem]:
    dropped: list[str] = []
    try:
        processor = CachingJsonLdProcessor(on_property_dropped=dropped.append)
        expanded = processor.expand(document, {"documentLoader": loader, "base": None})
    except Exception as exc:
        cause = exc
        while cause.__cause__ is not None:
            cause = cause.__cause__
        yield "$['@context']", f"JSON-LD expansion failed: {cause}"
        return
    for term in dict.fromkeys(dropped):
        for path in _paths_of_key(document, term) or ["$"]:
            yield path, f"term {term!r} is not defined by the credential's @context"
    for kind, value in _expanded_iris(expanded):
        if _is_absolute(value) and not values.is_clean_iri(value):
            label = "type" if kind == "@type" else "IRI"
            for path in _paths_of_value(document, value, kind) or ["$"]:
                yield (
                    path,
                    (
                        f'{label} {value!r} contains whitespace or one of <>"{{}}|^`\\, which '
                        "canonicalizers escape differently; percent-encode it"
                    ),
                )
        elif value.startswith(_UNDEFINED_VOCAB):
            name = value[len(_UNDEFINED_VOCAB) :]
            for path in _paths_of_value(document, name, kind) or ["$"]:
                yield path, f"{name!r} is only defined by the issuer-dependent @vocab"
        elif not _is_absolute(value):
            if kind == "@type":
                message = f"type {value!r} is not defined by the @context (a relative @type)"
            else:
                message = (
                    f"id {value!r} is relative; ids must be absolute IRIs (urn:, did:, https:)"
                )
            for path in _paths_of_value(document, value, kind) or ["$"]:
                yield path, message
    for value in _expanded_datetimes(expanded):
        try:
            parse_datetime(value, "")
        except DateTimeFormatError:
            for path in _paths_of_value(document, value, None) or ["$"]:
                if path.rsplit(".", 1)[-1] not in _DATE_KEYS:  # those were reported already
                    yield path, f"{value!r} is not a valid XSD dateTime with a time zone"


def _is_absolute(value: object) -> bool:
    return isinstance(value, str) and bool(_ABSOLUTE_IRI.match(value))


def _expanded_iris(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, list):
        for item in node:
            yield from _expanded_iris(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "@id" and isinstance(value, str) and not value.startswith("_:"):
                yield "@id", value
            elif key == "@type" and "@value" not in node:
                for item in value if isinstance(value, list) else [value]:
                    yield "@type", item
            elif key.startswith(_UNDEFINED_VOCAB):
                yield "property", key
            if key != "@value":
                yield from _expanded_iris(value)


def _expanded_datetimes(node: Any) -> Iterator[str]:
    if isinstance(node, list):
        for item in node:
            yield from _expanded_datetimes(item)
    elif isinstance(node, dict):
        if node.get("@type") == _XSD_DATETIME and isinstance(node.get("@value"), str):
            yield node["@value"]
        for key, value in node.items():
            if key != "@value":
                yield from _expanded_datetimes(value)


def _walk_keys(node: Any, path: str = "$") -> Iterator[tuple[str, str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            child = _child_path(path, key)
            yield child, key, value
            yield from _walk_keys(value, child)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_keys(item, f"{path}[{index}]")


def _find_keys(node: Any, keys: set[str], path: str = "$") -> Iterator[tuple[str, Any]]:
    """(path, value) for every occurrence of one of ``keys``; paths are built only for hits."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                yield _child_path(path, key), value
            if isinstance(value, dict | list):
                yield from _find_keys(value, keys, _child_path(path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict | list):
                yield from _find_keys(item, keys, f"{path}[{index}]")


def _child_path(path: str, key: str) -> str:
    return f"{path}.{key}" if re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", key) else f"{path}[{key!r}]"


def _paths_of_key(document: dict, term: str) -> list[str]:
    return [path for path, key, _ in _walk_keys(document) if key == term]


def _paths_of_value(document: dict, value: str, kind: str | None) -> list[str]:
    if kind == "property":
        return _paths_of_key(document, value)
    keys = ("type", "@type") if kind == "@type" else None  # types live under these keys only
    found = []
    for path, key, item in _walk_keys(document):
        if keys and key not in keys:
            continue
        if item == value:
            found.append(path)
        elif isinstance(item, list):
            found.extend(f"{path}[{i}]" for i, entry in enumerate(item) if entry == value)
    return found
