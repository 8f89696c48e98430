"""A JSON Schema (draft 2020-12) of rule documents, for editors that check a rule as it is typed.

Generated from the clause classes' ``KEYS`` (model.py), the list the parser reads clauses by, so
the two cannot drift apart: the same types, keys, required keys and kinds of values. The schema
never refuses a document the parser accepts; it leaves to the server what JSON Schema cannot say
or says differently in each regular-expression dialect (see ``SERVER_ONLY``).
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from . import model
from .keys import SLUG_PATTERN
from .limits import MAX_JSON_SIZE
from .parse import MAX_DEPTH
from .urls import MAX_URL_LENGTH

SCHEMA_ID = "https://openedx-microcreds.invalid/schemas/rule.json"

#: What only the server checks (the schema accepts these documents; the server names the path).
SERVER_ONLY = (
    f"clauses nest at most {MAX_DEPTH} levels, and a rule is at most {MAX_JSON_SIZE} characters",
    "clause ids are unique in the document",
    '"n" of at_least is at most the number of clauses in "of"',
    "a block appears once in a block list, and belongs to the clause's course",
    "course and usage keys are well formed (the schema checks their outline only)",
    "URLs are ones verifiers accept (the schema checks the scheme and length only)",
    'a pathway\'s clauses that read blocks name their course ("course" or a block-v1: key)',
)


def _char_class(chars: list[str]) -> str:
    """A regex character class body of ``chars`` as \\uXXXX escapes, merged into ranges (the
    same text in Python's and ECMAScript's dialects)."""
    codes = sorted({ord(char) for char in chars})
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(
        f"\\u{low:04x}" if low == high else f"\\u{low:04x}-\\u{high:04x}" for low, high in ranges
    )


@functools.cache
def _text_pattern() -> str:
    """One line (no control character, line or paragraph separator) that is not blank, as the
    parser reads texts (fields.FieldReader.text: ``str.strip`` and Unicode categories)."""
    # All of these are in the Basic Multilingual Plane, so a negated class lets every other
    # character through in both dialects (ECMAScript without the "u" flag sees an astral
    # character as two code units, each of them allowed).
    bmp = [chr(code) for code in range(0x10000)]
    forbidden = [char for char in bmp if unicodedata.category(char) in {"Cc", "Zl", "Zp"}]
    blank = [char for char in bmp if char.isspace()]
    line = f"[^{_char_class(forbidden)}]"
    visible = f"[^{_char_class(forbidden + blank)}]"
    # The end as "nothing follows": Python's "$" also matches before a final newline.
    return f"^{line}*{visible}{line}*(?![\\s\\S])"


_KEY_PART = r"[^+\s]+"


def _kind_schema(key: model.Key) -> dict[str, Any]:
    match key.kind:
        case model.SLUG:
            return {"type": "string", "pattern": f"^{SLUG_PATTERN.pattern}$"}
        case model.TEXT:
            return {"type": "string", "pattern": _text_pattern()}
        case model.FRACTION:
            return {"type": "number", "minimum": 0, "maximum": 1}
        case model.COUNT:
            return {"type": "integer", "minimum": 1}
        case model.COURSE:
            return {"$ref": "#/$defs/course_key"}
        case model.USAGE_KEY:
            return {"$ref": "#/$defs/usage_key"}
        case model.URL:
            return {
                "type": "string",
                "maxLength": MAX_URL_LENGTH,
                "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
            }
        case model.BLOCKS:
            return {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/weighted_block"}}
        case model.CLAUSES:
            return {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/clause"}}
    raise AssertionError(f"no schema for keys of kind {key.kind!r}")


def _clause_schema(cls: type[model.ClauseBase], *, pathway: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {"type": {"const": cls.TYPE}}
    required = ["type"]
    for key in cls.KEYS:
        properties[key.name] = {**_kind_schema(key), "description": key.description}
        if key.required or (pathway and key.required_without_course):
            required.append(key.name)
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def rule_schema(*, pathway: bool = False) -> dict[str, Any]:
    """The JSON Schema of a rule document; ``pathway``: of a credential with no course of its
    own, whose clauses that read course grades must name their course."""
    types = [cls.TYPE for cls in model.CLAUSE_TYPES]
    defs: dict[str, Any] = {
        "clause": {
            "type": "object",
            "required": ["type"],
            "properties": {"type": {"enum": types}},
            "allOf": [
                {
                    "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                    "then": {"$ref": f"#/$defs/{name}"},
                }
                for name in types
            ],
        },
        "course_key": {
            "type": "string",
            "description": "a course run key (course-v1:Org+Number+Run) or a CCX key",
            "pattern": (
                f"^(course-v1:{_KEY_PART}\\+{_KEY_PART}\\+{_KEY_PART}"
                f"|ccx-v1:{_KEY_PART}\\+{_KEY_PART}\\+{_KEY_PART}\\+ccx@[0-9]+)$"
            ),
        },
        "usage_key": {
            "type": "string",
            "description": "a usage key: block-v1:Org+Number+Run+type@...+block@...",
            "pattern": r"^((block-v1|ccx-block-v1):\S+\+type@\S+\+block@\S+|i4x://\S+)$",
        },
        "weighted_block": {
            "type": "object",
            "properties": {
                "block": {"$ref": "#/$defs/usage_key"},
                "weight": {"type": "number", "exclusiveMinimum": 0},
            },
            "required": ["block"],
            "additionalProperties": False,
        },
    }
    for cls in model.CLAUSE_TYPES:
        defs[cls.TYPE] = _clause_schema(cls, pathway=pathway)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID + ("?pathway=true" if pathway else ""),
        "title": "Award rule of a credential" + (" (pathway)" if pathway else ""),
        "description": "Checked on the server too, which also checks: " + "; ".join(SERVER_ONLY),
        "$ref": "#/$defs/clause",
        "$defs": defs,
    }
