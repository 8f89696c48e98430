"""A short, stable code for each kind of problem a rule document can have, for programs (an
editor highlights the key, translates the message): the messages are for people and may be
reworded; the codes stay. Each message the engine writes starts with one of these stems
(tests/rules/test_codes.py holds every message the engine produces to a code of its own)."""

from __future__ import annotations

import re

# (how the message starts, its code), the most specific first.
_STEMS: tuple[tuple[str, str], ...] = (
    ("is required", "required"),
    ("unknown key", "unknown_key"),
    ("unknown clause type", "unknown_type"),
    ("is not valid JSON", "invalid_json"),
    ("is not UTF-8 text", "invalid_json"),
    ("is nested too deeply", "too_deep"),
    ("is too large", "too_large"),
    ("duplicates the id", "duplicate_id"),
    ("repeats a block", "duplicate_block"),
    ("belongs to ", "wrong_course"),
    ("must be an object", "not_an_object"),
    ("must be a list", "not_a_list"),
    ("must be a non-empty list", "not_a_list"),
    ("must not be empty", "empty_list"),
    ("must be a number between 0 and 1", "invalid_fraction"),
    ("must be a number greater than 0", "invalid_weight"),
    ("must be a whole number", "invalid_count"),
    ("must be between 1 and", "invalid_count"),
    ("must be at least 1", "invalid_count"),
    ("must be non-empty text", "invalid_text"),
    ("must be one line of text", "invalid_text"),
    ("must be a slug", "invalid_slug"),
    ("must be a course key", "invalid_course_key"),
    ("must be a usage key", "invalid_usage_key"),
    ("must be an http(s) URL", "invalid_url"),
)
_PATTERN = re.compile(
    "|".join(f"(?P<c{index}>{re.escape(stem)})" for index, (stem, _) in enumerate(_STEMS))
)

#: The code of a message no stem matches (tests keep the engine's own messages out of it).
OTHER = "invalid"
CODES = tuple(dict.fromkeys(code for _stem, code in _STEMS)) + (OTHER,)


def problem_code(message: str) -> str:
    """The code of a problem's message."""
    match = _PATTERN.match(message)
    if match is None:
        return OTHER
    return _STEMS[int(match.lastgroup[1:])][1]
