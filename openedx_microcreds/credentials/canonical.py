"""Canonical forms: RDFC-1.0 N-Quads and RFC 8785 JSON (JCS).

RDFC-1.0 is always computed in full on the document, by the fast path of ``linked_data`` where it
applies and by pyld otherwise (both give the same N-Quads).
"""

from __future__ import annotations

import json
import math
from typing import Any

from . import linked_data
from .errors import CredentialError
from .loader import DocumentLoader, default_loader


def rdfc(
    document: dict,
    loader: DocumentLoader = default_loader,
    expansion: linked_data.Expansion | None = None,
) -> str:
    """The RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document.

    ``expansion``: ``linked_data.expand(document, loader)``, when the caller has it already.
    """
    return linked_data.canonical_nquads(document, loader, expansion)


def canonical_proof_config(config: dict, loader: DocumentLoader = default_loader) -> str:
    """RDFC-1.0 N-Quads of an rdfc proof configuration, canonicalized in full like any document.

    (A template with the verification method substituted in wrote ``<ex:key-1>`` where RDFC-1.0
    writes the IRI a context's ``ex`` prefix expands it to: issue 7 point 2.)
    """
    return rdfc(config, loader)


def jcs(value: Any) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme, UTF-8 encoded."""
    if _plain_json(value):
        # Without floats, huge integers or keys whose UTF-16 order differs from code point
        # order, Python's C encoder writes exactly JCS (same escapes, no spaces, sorted keys).
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")
    return _jcs(value).encode("utf-8")


def _plain_json(value: Any) -> bool:
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or (key and max(key) >= "\ue000") or not _plain_json(item):
                return False
        return True
    if kind is list:
        return all(_plain_json(item) for item in value)
    return kind is int and -(2**53) < value < 2**53


def _jcs(value: Any) -> str:
    if isinstance(value, dict):
        # Keys sort by their UTF-16 code units, not by code point.
        items = sorted(value.items(), key=lambda item: item[0].encode("utf-16-be"))
        return "{" + ",".join(f"{_jcs_string(k)}:{_jcs(v)}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_jcs(item) for item in value) + "]"
    if isinstance(value, str):
        return _jcs_string(value)
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return _jcs_number(value)
    raise CredentialError(f"cannot canonicalize a {type(value).__name__} as JSON")


def _jcs_string(text: str) -> str:
    if not isinstance(text, str):
        raise CredentialError(f"JSON object keys must be strings, got {text!r}")
    return json.dumps(text, ensure_ascii=False)


def _jcs_number(number: float) -> str:
    """ECMAScript Number.prototype.toString, as RFC 8785 requires."""
    if isinstance(number, int) and abs(number) < 2**53:
        return str(number)
    number = float(number)
    if math.isnan(number) or math.isinf(number):
        raise CredentialError("NaN and Infinity are not valid JSON numbers")
    if number == 0:
        return "0"
    if number.is_integer() and abs(number) < 2**53:
        return str(int(number))
    # repr gives the shortest round-tripping digits; lay them out the ECMAScript way.
    sign = "-" if number < 0 else ""
    digits, exp10 = _shortest_digits(abs(number))
    n = exp10 + len(digits)  # position of the decimal point, as in the ECMAScript spec
    if len(digits) <= n <= 21:
        return sign + digits + "0" * (n - len(digits))
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * (-n) + digits
    exp = n - 1
    exp_text = f"e+{exp}" if exp >= 0 else f"e-{-exp}"
    if len(digits) == 1:
        return sign + digits + exp_text
    return sign + digits[0] + "." + digits[1:] + exp_text


def _shortest_digits(number: float) -> tuple[str, int]:
    """Shortest decimal digits ``d`` and exponent ``e`` with number == d * 10**e."""
    text = repr(number)
    if "e" in text:
        mantissa, exponent = text.split("e")
        exp = int(exponent)
    else:
        mantissa, exp = text, 0
    if "." in mantissa:
        whole, frac = mantissa.split(".")
    else:
        whole, frac = mantissa, ""
    frac = frac.rstrip("0")
    digits = (whole + frac).lstrip("0") or "0"
    exp -= len(frac)
    stripped = digits.rstrip("0")
    exp += len(digits) - len(stripped)
    return stripped or "0", exp
