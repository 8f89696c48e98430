"""Validate a rule document and turn it into the clause model.

Validation never stops at the first problem: authors edit rule documents by hand, and a
list of everything wrong (each with where, and what was expected) saves round trips.
"""

from __future__ import annotations

import json
from typing import Any

from . import limits, model
from .errors import RuleValidationError
from .fields import MISSING, FieldReader, Problems, key_path, show
from .model import BY_TYPE, ClauseBase, Key, Rule, WeightedBlock

MAX_DEPTH = 10

# The keys each clause type accepts, in canonical order (from the clause classes' KEYS).
ALLOWED_KEYS: dict[str, tuple[str, ...]] = {
    name: ("type", *(key.name for key in cls.KEYS)) for name, cls in BY_TYPE.items()
}
CLAUSE_TYPE_NAMES = tuple(ALLOWED_KEYS)


def parse_rule(doc: object, *, require_explicit_course: bool = False) -> Rule:
    """Validate a rule document (parsed JSON, or JSON text) and return the Rule.

    With require_explicit_course (credentials not tied to one course, such as pathways),
    every clause that reads grades must be able to tell which course they come from:
    through its own "course", or through usage keys that name their course (block-v1:).

    Raises RuleValidationError listing every problem found. A document too large or nested
    too deeply (see limits.py) is refused before anything walks it.
    """
    if isinstance(doc, bytes | bytearray):
        try:
            doc = bytes(doc).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RuleValidationError([("$", f"is not UTF-8 text: {exc}")]) from None
    if isinstance(doc, str):
        too_big = limits.text_problem(doc)
        if too_big is not None:
            raise RuleValidationError([too_big])
        try:
            doc = json.loads(doc)
        except ValueError as exc:
            raise RuleValidationError([("$", f"is not valid JSON: {exc}")]) from exc
    too_big = limits.value_problem(doc)
    if too_big is not None:
        raise RuleValidationError([too_big])
    problems: Problems = []
    root = _Parser(problems, require_explicit_course).clause(doc, "$", ())
    if problems:
        raise RuleValidationError(problems)
    assert root is not None  # every failure to build a clause records a problem
    return Rule(root)


def derived_clause_id(position: tuple[int, ...]) -> str:
    """The id of a clause written without "id": its position in the tree. "$" is the
    root, "$.1.0" the first clause inside the root's second clause.

    Author ids are slugs, which cannot contain "$", so the two never collide.
    """
    return "$" + "".join(f".{index}" for index in position)


class _Parser:
    def __init__(self, problems: Problems, require_explicit_course: bool) -> None:
        self.problems = problems
        self.require_explicit_course = require_explicit_course
        self.id_paths: dict[str, str] = {}

    def clause(self, value: object, path: str, position: tuple[int, ...]) -> model.Clause | None:
        if not isinstance(value, dict):
            self.problems.append(
                (path, f"must be an object describing a rule clause, got {show(value)}")
            )
            return None
        if len(position) >= MAX_DEPTH:
            self.problems.append(
                (path, f"is nested too deeply: rules may nest at most {MAX_DEPTH} levels")
            )
            return None
        clause_type = value.get("type", MISSING)
        known = ", ".join(CLAUSE_TYPE_NAMES)
        if clause_type is MISSING:
            self.problems.append((key_path(path, "type"), f"is required; one of: {known}"))
            return None
        if not isinstance(clause_type, str) or clause_type not in ALLOWED_KEYS:
            self.problems.append(
                (
                    key_path(path, "type"),
                    f"unknown clause type {show(clause_type)}; one of: {known}",
                )
            )
            return None

        before = len(self.problems)
        fields = FieldReader(self.problems, value, path, f"a clause of type '{clause_type}'")
        fields.reject_unknown_keys(ALLOWED_KEYS[clause_type])
        clause = self._build(BY_TYPE[clause_type], fields, position)
        # A clause is only built when it, and everything inside it, is valid.
        return clause if len(self.problems) == before else None

    def _explicit_id(self, fields: FieldReader, key: Key) -> str | None:
        explicit_id = fields.slug("id", required=key.required, expected=key.description)
        if explicit_id is None:
            return None
        first_path = self.id_paths.setdefault(explicit_id, fields.path)
        if first_path != fields.path:
            fields.problem("id", f"duplicates the id of the clause at {first_path}")
            return None
        return explicit_id

    def _build(
        self, cls: type[ClauseBase], fields: FieldReader, position: tuple[int, ...]
    ) -> model.Clause | None:
        """The clause, its keys read as its class lists them. A "course" is read before block
        lists (which must belong to it); the clauses of a composite after the rest."""
        keys = {key.name: key for key in cls.KEYS}
        explicit_id = self._explicit_id(fields, keys["id"])
        clause_id = explicit_id or derived_clause_id(position)
        order = [key for key in cls.KEYS if key.name != "id"]
        if "blocks" in keys:
            order.sort(key=lambda key: key.kind != model.COURSE)
        values: dict[str, Any] = {}
        for key in order:
            values[key.attr] = self._read(fields, key, values.get("course"), position)
        block = values.get("block")
        if block is not None:
            fields.blocks_match_course(
                values.get("course"),
                [(key_path(fields.path, "block"), block)],
                course_needed=self.require_explicit_course,
            )
        if any(
            values.get(key.attr) is None for key in cls.KEYS if key.required and key.name != "id"
        ):
            return None
        ids = {"clause_id": clause_id}
        if keys["id"].attr == "explicit_id":
            ids["explicit_id"] = explicit_id
        return cls(**ids, **values)

    def _read(
        self, fields: FieldReader, key: Key, course: str | None, position: tuple[int, ...]
    ) -> Any:
        match key.kind:
            case model.SLUG:
                return fields.slug(key.name, required=key.required, expected=key.description)
            case model.TEXT:
                return fields.text(key.name, required=key.required)
            case model.FRACTION:
                return fields.fraction(key.name)
            case model.COURSE:
                needed = self.require_explicit_course and key.required_without_course
                return fields.course(required=needed)
            case model.USAGE_KEY:
                return fields.usage_key(key.name)
            case model.URL:
                return fields.url(key.name, expected=key.description)
            case model.BLOCKS:
                return self._blocks(fields, course)
            case model.COUNT:
                # Checked against the list as written, even if some of its clauses are invalid.
                raw_of = fields.value.get("of", MISSING)
                count = len(raw_of) if isinstance(raw_of, list) and raw_of else None
                return fields.count(key.name, count)
            case model.CLAUSES:
                return self._clauses(fields, position)
        raise AssertionError(f"no reader for keys of kind {key.kind!r}")

    def _clauses(
        self, fields: FieldReader, position: tuple[int, ...]
    ) -> tuple[model.Clause, ...] | None:
        raw_of = fields.value.get("of", MISSING)
        of_path = key_path(fields.path, "of")
        children: list[model.Clause | None] = []
        if raw_of is MISSING:
            fields.problem("of", f"is required in {fields.owner}: a list of rule clauses")
        elif not isinstance(raw_of, list):
            fields.problem("of", f"must be a list of rule clauses, got {show(raw_of)}")
        elif not raw_of:
            fields.problem("of", "must not be empty: list at least one rule clause")
        else:
            children = [
                self.clause(child, f"{of_path}[{index}]", (*position, index))
                for index, child in enumerate(raw_of)
            ]
        of = tuple(child for child in children if child is not None)
        if not of or len(of) != len(children):
            return None
        return of

    def _blocks(self, fields: FieldReader, course: str | None) -> tuple[WeightedBlock, ...] | None:
        blocks = fields.weighted_blocks("blocks")
        if blocks is None:
            return None
        blocks_path = key_path(fields.path, "blocks")
        fields.blocks_match_course(
            course,
            [(f"{blocks_path}[{index}].block", entry.block) for index, entry in enumerate(blocks)],
            course_needed=self.require_explicit_course,
        )
        return blocks
