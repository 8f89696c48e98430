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

from . import linked_data
from . import strict_values as values
from .dates import DateTimeFormatError, parse_datetime
from .errors import StrictModeError
from .loader import VC_V1, VC_V2, DocumentLoader, default_loader
from .paths import Chain, child, render

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
    expansion: linked_data.Expansion | None = None,
) -> None:
    """Raise StrictModeError listing every problem; return None when the document is clean.

    ``expansion``: ``linked_data.expand(document, loader)``, when the caller has it already.
    """
    problems = list(
        find_problems(
            document,
            verification_method=verification_method,
            cryptosuite=cryptosuite,
            loader=loader,
            expansion=expansion,
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
    expansion: linked_data.Expansion | None = None,
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
        yield from _jsonld_problems(document, loader, expansion)


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
    for chain, value in _find_keys(document, _DATE_KEYS, None):
        try:
            parse_datetime(value, "")
        except DateTimeFormatError as exc:
            yield render(chain), str(exc).split(": ", 1)[1]


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


def _jsonld_problems(
    document: dict, loader: DocumentLoader, expansion: linked_data.Expansion | None
) -> Iterator[Problem]:
    if expansion is None:
        try:
            expansion = linked_data.expand(document, loader)
        except Exception as exc:
            cause = exc
            while cause.__cause__ is not None:
                cause = cause.__cause__
            yield "$['@context']", f"JSON-LD expansion failed: {cause}"
            return
    iris: list[tuple[str, str]] = []
    datetimes: list[str] = []
    _collect_expanded(expansion.expanded, iris, datetimes)
    for term in dict.fromkeys(expansion.dropped):
        for path in _paths_of_key(document, term) or ["$"]:
            yield path, f"term {term!r} is not defined by the credential's @context"
    for kind, value in iris:
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
    for value in datetimes:
        try:
            parse_datetime(value, "")
        except DateTimeFormatError:
            for path in _paths_of_value(document, value, None) or ["$"]:
                if path.rsplit(".", 1)[-1] not in _DATE_KEYS:  # those were reported already
                    yield path, f"{value!r} is not a valid XSD dateTime with a time zone"


def _is_absolute(value: object) -> bool:
    return isinstance(value, str) and bool(_ABSOLUTE_IRI.match(value))


def _collect_expanded(node: Any, iris: list, datetimes: list) -> None:
    """Ids, types and vocabulary-defined properties (``iris``) and dateTime literals
    (``datetimes``) of an expanded document, in document order; one pass for both."""
    if isinstance(node, list):
        for item in node:
            _collect_expanded(item, iris, datetimes)
    elif isinstance(node, dict):
        if "@value" in node:
            if node.get("@type") == _XSD_DATETIME and isinstance(node["@value"], str):
                datetimes.append(node["@value"])
            return
        for key, value in node.items():
            if key == "@id":
                if isinstance(value, str) and not value.startswith("_:"):
                    iris.append(("@id", value))
            elif key == "@type":
                for item in value if isinstance(value, list) else [value]:
                    iris.append(("@type", item))
            else:
                if key.startswith(_UNDEFINED_VOCAB):
                    iris.append(("property", key))
                if isinstance(value, list | dict):
                    _collect_expanded(value, iris, datetimes)


def _walk_keys(node: Any, path: str = "$") -> Iterator[tuple[str, str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            here = child(path, key)
            yield here, key, value
            yield from _walk_keys(value, here)
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk_keys(item, child(path, index))


def _find_keys(node: Any, keys: set[str], chain: Chain) -> Iterator[tuple[Chain, Any]]:
    """(location, value) for every occurrence of one of ``keys``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in keys:
                yield (chain, key), value
            if isinstance(value, dict | list):
                yield from _find_keys(value, keys, (chain, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict | list):
                yield from _find_keys(item, keys, (chain, index))


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
