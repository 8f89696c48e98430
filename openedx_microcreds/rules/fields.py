"""Checks for the individual keys of one clause, recording problems instead of raising.

Each message says what is wrong and what was expected, in terms a course author editing
JSON by hand understands ("number", "list", "object", "true").
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any, TypeGuard

from .errors import key_path, show
from .keys import (
    course_of_usage_key,
    is_course_key,
    is_slug,
    is_usage_key,
    same_course_run,
)
from .model import WeightedBlock
from .urls import url_problem

COURSE_EXAMPLE = "course-v1:Org+Number+Run"
USAGE_EXAMPLE = "block-v1:Org+Number+Run+type@sequential+block@capstone"
SLUG_RULE = "lowercase letters, digits, '-' and '_', starting with a letter or digit"
BLOCKS_SHAPE = '{"block": usage key, "weight": number}'
COURSE_REQUIRED = (
    "is required: this credential is not tied to a course, so the clause must name the "
    f"course its grades come from, like '{COURSE_EXAMPLE}'"
)

# Control characters, line and paragraph separators.
_LINE_BREAKING = frozenset({"Cc", "Zl", "Zp"})


class Missing:
    """Marks a key that is absent, as opposed to present with the value null."""


MISSING = Missing()

Problems = list[tuple[str, str]]


def is_number(value: object) -> TypeGuard[int | float]:
    # bool is an int subclass, but true is not a threshold.
    return isinstance(value, int | float) and not isinstance(value, bool)


def fraction_message(value: object) -> str:
    hint = "use 0.8 for 80%"
    if is_number(value) and 1 < value <= 100:
        hint = f"use {value / 100:g} for {value:g}%"
    return f"must be a number between 0 and 1 ({hint}), got {show(value)}"


class FieldReader:
    """Reads the keys of one JSON object (a clause or a block entry) at `path`."""

    def __init__(self, problems: Problems, value: dict[Any, Any], path: str, owner: str) -> None:
        self.problems = problems
        self.value = value
        self.path = path
        # How messages name the object: "a clause of type 'block_score'", "a block entry".
        self.owner = owner

    def problem(self, key: str | None, message: str) -> None:
        self.problems.append((self.path if key is None else key_path(self.path, key), message))

    def raw(self, key: str, *, required: bool, expected: str) -> object:
        """The key's value, or MISSING (recording a problem if the key was required)."""
        raw = self.value.get(key, MISSING)
        if raw is MISSING and required:
            self.problem(key, f"is required in {self.owner}: {expected}")
        return raw

    def reject_unknown_keys(self, allowed: tuple[str, ...]) -> None:
        for key in self.value:
            if key not in allowed:
                self.problem(
                    key,
                    f"unknown key {show(key)} in {self.owner}; allowed keys: {', '.join(allowed)}",
                )

    def fraction(self, key: str = "min") -> float | None:
        raw = self.raw(key, required=True, expected="a number between 0 and 1 (use 0.8 for 80%)")
        if raw is MISSING:
            return None
        if is_number(raw) and math.isfinite(raw) and 0 <= raw <= 1:
            return float(raw)
        self.problem(key, fraction_message(raw))
        return None

    def count(self, key: str, clause_count: int | None) -> int | None:
        """A whole number between 1 and clause_count (unknown when "of" is unusable)."""
        expected = (
            f'between 1 and {clause_count} (the number of clauses in "of")'
            if clause_count is not None
            else "at least 1"
        )
        raw = self.raw(key, required=True, expected=f"a whole number {expected}")
        if raw is MISSING:
            return None
        if not isinstance(raw, int) or isinstance(raw, bool):
            self.problem(key, f"must be a whole number {expected}, got {show(raw)}")
            return None
        if raw < 1 or (clause_count is not None and raw > clause_count):
            self.problem(key, f"must be {expected}, got {raw}")
            return None
        return raw

    def text(self, key: str, *, required: bool = False) -> str | None:
        raw = self.raw(key, required=required, expected="non-empty text")
        if raw is MISSING:
            return None
        if not isinstance(raw, str) or not raw.strip():
            self.problem(key, f"must be non-empty text, got {show(raw)}")
            return None
        if any(unicodedata.category(char) in _LINE_BREAKING for char in raw):
            # Labels and names end up in one-line summaries and Markdown list items.
            self.problem(
                key, f"must be one line of text without control characters, got {show(raw)}"
            )
            return None
        return raw

    def slug(self, key: str, *, required: bool, expected: str) -> str | None:
        raw = self.raw(key, required=required, expected=expected)
        if raw is MISSING:
            return None
        if not isinstance(raw, str) or not is_slug(raw):
            self.problem(key, f"must be a slug ({SLUG_RULE}), got {show(raw)}")
            return None
        return raw

    def url(self, key: str, *, expected: str) -> str | None:
        raw = self.raw(key, required=True, expected=expected)
        if raw is MISSING:
            return None
        problem = url_problem(raw)
        if problem is not None:
            self.problem(key, problem)
            return None
        return raw

    def course(self, *, required: bool) -> str | None:
        """The explicit "course". `required` is set when the credential has no course of
        its own and the clause has no other way to find one."""
        raw = self.value.get("course", MISSING)
        if raw is MISSING:
            if required:
                self.problem("course", COURSE_REQUIRED)
            return None
        if not isinstance(raw, str) or not is_course_key(raw):
            self.problem(
                "course",
                f"must be a course key like '{COURSE_EXAMPLE}' (or a ccx-v1: key), got {show(raw)}",
            )
            return None
        return raw

    def usage_key(self, key: str) -> str | None:
        raw = self.raw(key, required=True, expected=f"a usage key like '{USAGE_EXAMPLE}'")
        if raw is MISSING:
            return None
        if not isinstance(raw, str) or not is_usage_key(raw):
            self.problem(
                key,
                f"must be a usage key like '{USAGE_EXAMPLE}' (or an i4x:// key), got {show(raw)}",
            )
            return None
        return raw

    def weight(self, key: str = "weight") -> float | None:
        raw = self.value.get(key, MISSING)
        if raw is MISSING:
            return 1.0
        if is_number(raw) and math.isfinite(raw) and raw > 0:
            return float(raw)
        self.problem(key, f"must be a number greater than 0 (defaults to 1), got {show(raw)}")
        return None

    def weighted_blocks(self, key: str = "blocks") -> tuple[WeightedBlock, ...] | None:
        expected = f"a non-empty list of {BLOCKS_SHAPE} objects"
        raw = self.raw(key, required=True, expected=expected)
        if raw is MISSING:
            return None
        if not isinstance(raw, list) or not raw:
            self.problem(key, f"must be {expected}, got {show(raw)}")
            return None
        before = len(self.problems)
        blocks: list[WeightedBlock] = []
        first_seen: dict[str, str] = {}
        for index, entry in enumerate(raw):
            entry_path = f"{key_path(self.path, key)}[{index}]"
            if not isinstance(entry, dict):
                self.problems.append(
                    (entry_path, f"must be an object like {BLOCKS_SHAPE}, got {show(entry)}")
                )
                continue
            reader = FieldReader(self.problems, entry, entry_path, "a block entry")
            reader.reject_unknown_keys(("block", "weight"))
            block, weight = reader.usage_key("block"), reader.weight()
            if block is None or weight is None:
                continue
            if block in first_seen:
                reader.problem("block", f"repeats a block already listed at {first_seen[block]}")
                continue
            first_seen[block] = key_path(entry_path, "block")
            blocks.append(WeightedBlock(block=block, weight=weight))
        return tuple(blocks) if len(self.problems) == before else None

    def blocks_match_course(
        self, course: str | None, blocks: list[tuple[str, str]], *, course_needed: bool
    ) -> None:
        """Blocks must belong to the clause's explicit course; and when the credential has
        no course (course_needed), each block needs one: explicit or named by its key.

        `blocks` pairs each usage key with its path in the document."""
        for block_path, block in blocks:
            embedded = course_of_usage_key(block)
            if (
                course is not None
                and embedded is not None
                and not same_course_run(course, embedded)
            ):
                self.problems.append(
                    (block_path, f"belongs to {embedded}, not to the clause's course {course}")
                )
            elif course_needed and embedded is None and "course" not in self.value:
                self.problem("course", COURSE_REQUIRED)
                return
