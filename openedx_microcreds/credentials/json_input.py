"""JSON from outside (files, standard input, documents a caller supplies), bounded before use.

A credential, a DID document or a status list credential is small and shallow. Without bounds,
a file of random bytes gives a Unicode traceback, a document nested a few hundred levels deep
exhausts the recursion of every JSON-LD step after parsing, and a huge file fills memory. So
the size and the nesting depth are checked on the raw text, before ``json.loads`` runs, and
documents handed in already parsed are checked for depth before anything walks them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import CredentialError

# Room for the largest status list we accept (status_list.MAX_BITSTRING_BYTES of bits that do
# not compress, base64url-encoded) inside its credential; any credential is far smaller.
MAX_JSON_BYTES = 24 * 1024 * 1024
# Credentials nest a few levels (an endorsement inside an achievement inside the subject: about
# 15); every step after parsing, JSON-LD expansion included, stays well inside Python's
# recursion limit at this depth.
MAX_DEPTH = 100

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


class JsonInputError(CredentialError):
    """JSON input that is not UTF-8, not JSON, too large or nested too deeply."""


def load_json(
    data: bytes | str,
    what: str,
    *,
    max_bytes: int = MAX_JSON_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Parse ``data`` (the bytes or text of ``what``, e.g. "credential.json") within the bounds."""
    if isinstance(data, bytes):
        if len(data) > max_bytes:
            raise JsonInputError(f"{what} is larger than {max_bytes:,} bytes")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonInputError(
                f"{what} is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); "
                "expected a JSON document"
            ) from None
    else:
        text = data
        if len(text) > max_bytes:
            raise JsonInputError(f"{what} is larger than {max_bytes:,} characters")
    depth = nesting_depth(text)
    if depth > max_depth:
        raise JsonInputError(f"{what} is nested {depth} levels deep; at most {max_depth} allowed")
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise JsonInputError(
            f"{what} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:
        raise JsonInputError(f"{what} is not JSON: {exc}") from None


def nesting_depth(text: str) -> int:
    """How deeply arrays and objects nest in JSON ``text`` (brackets inside strings ignored)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def check_depth(value: Any, what: str, max_depth: int = MAX_DEPTH) -> None:
    """Raise JsonInputError when parsed JSON ``value`` nests deeper than ``max_depth``."""
    if isinstance(value, dict | list) and not _within(value, max_depth, 1):
        raise JsonInputError(f"{what} is nested more than {max_depth} levels deep")


def _within(node: dict | list, limit: int, depth: int) -> bool:
    # Recursion stops one level past the limit, so it never goes deeper than that.
    if depth > limit:
        return False
    for child in node.values() if isinstance(node, dict) else node:
        if isinstance(child, dict | list) and not _within(child, limit, depth + 1):
            return False
    return True


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
