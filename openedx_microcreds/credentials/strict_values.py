"""Value-level strict checks: JSON values that canonicalize differently in Python and JavaScript
verifiers, or that verifiers reject outright. Each rule here comes from a document that pyld
signed and @digitalbazaar/vc rejected (tests/interop/test_properties_interop.py)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from .paths import Chain, render

Problem = tuple[str, str]

# Characters N-Quads writers must escape inside IRIs; pyld writes them raw, rdf-canonize escapes.
_IRI_UNSAFE = re.compile(r'[\s<>"{}|^`\\]')
# Control characters RDFC-1.0 escapes but pyld writes raw (tab, LF and CR are handled by both).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_HOST = re.compile(
    r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?)$"
)
_SPECIAL_SCHEMES = {"http", "https", "ws", "wss", "ftp"}
# Properties whose values verifiers require to be objects with a type.
_TYPED_PROPERTIES = (
    "evidence",
    "credentialStatus",
    "termsOfUse",
    "refreshService",
    "credentialSchema",
)
MAX_SAFE_INTEGER = 2**53 - 1


def has_control_character(value: str) -> bool:
    return bool(_CONTROL.search(value))


def is_clean_iri(value: str) -> bool:
    return not _IRI_UNSAFE.search(value)


def is_url(value: Any) -> bool:
    """Would a WHATWG URL parser (``new URL()``) accept ``value``?"""
    if not isinstance(value, str) or not _SCHEME.match(value) or _IRI_UNSAFE.search(value):
        return False
    scheme, rest = value.split(":", 1)
    if scheme.lower() in _SPECIAL_SCHEMES:
        parts = urlsplit(value)
        host = parts.hostname or ""
        try:
            parts.port  # noqa: B018 - raises on a malformed port
        except ValueError:
            return False
        return rest.startswith("//") and bool(host) and bool(_HOST.match(host))
    return bool(rest)


def value_problems(document: dict, cryptosuite: str | None) -> Iterator[Problem]:
    yield from _walk(document, None)
    yield from _subject_problems(document)
    for name in _TYPED_PROPERTIES:
        if name in document:
            yield from _typed_problems(document[name], f"$.{name}", name)
    if cryptosuite == "eddsa-jcs-2022":
        for index, context in enumerate(document.get("@context") or []):
            if not isinstance(context, str):
                yield (
                    f"$['@context'][{index}]",
                    (
                        "eddsa-jcs-2022 verifiers compare @context entries as strings: use only "
                        "context URLs (or sign with eddsa-rdfc-2022)"
                    ),
                )


def _walk(node: Any, chain: Chain) -> Iterator[Problem]:
    # Paths are rendered only where a problem is found; leaves are checked without recursing.
    if isinstance(node, dict):
        for key, value in node.items():
            here = (chain, key)
            if key.startswith("_:"):
                yield render(here), "blank-node property names are dropped by canonicalization"
            if _CONTROL.search(key):
                yield render(here), "property name contains a control character"
            if key in ("id", "@id") and isinstance(value, str) and not is_url(value):
                yield (
                    render(here),
                    (
                        f"{value!r} is not a URL verifiers accept (new URL() fails); use an "
                        "absolute URL or URN without blank-node ids or spaces"
                    ),
                )
            if key == "@context":
                continue
            if isinstance(value, dict | list):
                yield from _walk(value, here)
            else:
                problem = _scalar_problem(value)
                if problem:
                    yield render(here), problem
    else:
        for index, item in enumerate(node):
            if isinstance(item, dict | list):
                yield from _walk(item, (chain, index))
            else:
                problem = _scalar_problem(item)
                if problem:
                    yield render((chain, index)), problem


def _scalar_problem(value: Any) -> str | None:
    if isinstance(value, str):
        if _CONTROL.search(value):
            return "contains a control character (U+0000-U+001F or U+007F) other than tab/LF/CR"
        return None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            return f"{value} is beyond 2**53-1: JavaScript verifiers read a different number"
        return None
    if isinstance(value, float):
        return _float_problem(value)
    return None


def _float_problem(value: float) -> str | None:
    if not math.isfinite(value):
        return "NaN and Infinity are not JSON numbers"
    if value.is_integer():
        return (
            f"{value!r} is a whole number written as a float; JavaScript reads it as an integer "
            f"and canonicalizes it differently: write {int(value)}"
        )
    if not 1e-6 <= abs(value) < 1e21:
        return f"{value!r} is too small or too large to canonicalize identically everywhere"
    digits = Decimal(value).normalize().as_tuple().digits
    if len(digits) == 17 and digits[-1] == 5:
        return f"{value!r} rounds differently in Python and JavaScript at 16 digits"
    return None


def _subject_problems(document: dict) -> Iterator[Problem]:
    subjects = document.get("credentialSubject")
    items = subjects if isinstance(subjects, list) else [subjects]
    for index, subject in enumerate(items):
        path = "$.credentialSubject" + (f"[{index}]" if isinstance(subjects, list) else "")
        if isinstance(subject, dict) and not (set(subject) - {"id"}):
            yield path, "must make a claim: give it at least one property besides id"


def _typed_problems(value: Any, path: str, name: str) -> Iterator[Problem]:
    items = value if isinstance(value, list) else [value]
    for index, item in enumerate(items):
        where = f"{path}[{index}]" if isinstance(value, list) else path
        if not isinstance(item, dict) or "type" not in item:
            yield where, f"each {name} entry must be an object with a type"
