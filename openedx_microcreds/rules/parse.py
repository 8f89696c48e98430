"""Validate a rule document and turn it into the clause model.

Validation never stops at the first problem: authors edit rule documents by hand, and a
list of everything wrong (each with where, and what was expected) saves round trips.
"""

from __future__ import annotations

import json
from typing import Any

from . import limits
from .errors import RuleValidationError
from .fields import MISSING, FieldReader, Problems, key_path, show
from .model import (
    AllOf,
    AnyOf,
    AssignmentAverage,
    AtLeast,
    BlockScore,
    Clause,
    CompetencyClause,
    CourseGrade,
    CoursePassed,
    HoldsCredential,
    Rule,
    WeightedAverage,
    WeightedBlock,
)

MAX_DEPTH = 10

# The keys each clause type accepts, in canonical order.
ALLOWED_KEYS: dict[str, tuple[str, ...]] = {
    "all": ("type", "id", "of"),
    "any": ("type", "id", "of"),
    "at_least": ("type", "id", "n", "of"),
    "course_passed": ("type", "id", "course", "label"),
    "course_grade": ("type", "id", "min", "course", "label"),
    "block_score": ("type", "id", "block", "min", "course", "label"),
    "assignment_average": ("type", "id", "assignment_type", "min", "course", "label"),
    "weighted_average": ("type", "id", "blocks", "min", "course", "label"),
    "competency": ("type", "id", "name", "framework", "code", "url", "blocks", "min", "course"),
    "holds_credential": ("type", "id", "credential", "label"),
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

    def clause(self, value: object, path: str, position: tuple[int, ...]) -> Clause | None:
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
        explicit_id = self._explicit_id(fields, required=clause_type == "competency")
        clause_id = explicit_id or derived_clause_id(position)
        clause = self._build(clause_type, fields, position, clause_id, explicit_id)
        # A clause is only built when it, and everything inside it, is valid.
        return clause if len(self.problems) == before else None

    def _explicit_id(self, fields: FieldReader, *, required: bool) -> str | None:
        explicit_id = fields.slug(
            "id",
            required=required,
            expected='a stable slug naming the competency, such as "data-analysis"',
        )
        if explicit_id is None:
            return None
        first_path = self.id_paths.setdefault(explicit_id, fields.path)
        if first_path != fields.path:
            fields.problem("id", f"duplicates the id of the clause at {first_path}")
            return None
        return explicit_id

    def _build(
        self,
        clause_type: str,
        fields: FieldReader,
        position: tuple[int, ...],
        clause_id: str,
        explicit_id: str | None,
    ) -> Clause | None:
        ids: dict[str, Any] = {"clause_id": clause_id, "explicit_id": explicit_id}
        need_course = self.require_explicit_course
        match clause_type:
            case "all" | "any" | "at_least":
                return self._composite(clause_type, fields, position, ids)
            case "course_passed":
                return CoursePassed(
                    course=fields.course(required=need_course), label=fields.text("label"), **ids
                )
            case "course_grade":
                minimum = fields.fraction()
                course, label = fields.course(required=need_course), fields.text("label")
                if minimum is None:
                    return None
                return CourseGrade(minimum=minimum, course=course, label=label, **ids)
            case "block_score":
                block, minimum = fields.usage_key("block"), fields.fraction()
                course, label = fields.course(required=False), fields.text("label")
                if block is None or minimum is None:
                    return None
                fields.blocks_match_course(
                    course, [(key_path(fields.path, "block"), block)], course_needed=need_course
                )
                return BlockScore(block=block, minimum=minimum, course=course, label=label, **ids)
            case "assignment_average":
                assignment_type = fields.text("assignment_type", required=True)
                minimum = fields.fraction()
                course, label = fields.course(required=need_course), fields.text("label")
                if assignment_type is None or minimum is None:
                    return None
                return AssignmentAverage(
                    assignment_type=assignment_type,
                    minimum=minimum,
                    course=course,
                    label=label,
                    **ids,
                )
            case "weighted_average":
                course = fields.course(required=False)
                blocks, minimum = self._blocks(fields, course), fields.fraction()
                label = fields.text("label")
                if blocks is None or minimum is None:
                    return None
                return WeightedAverage(
                    blocks=blocks, minimum=minimum, course=course, label=label, **ids
                )
            case "competency":
                return self._competency(fields, clause_id)
            case "holds_credential":
                credential = fields.slug(
                    "credential", required=True, expected="the slug of another credential"
                )
                label = fields.text("label")
                if credential is None:
                    return None
                return HoldsCredential(credential=credential, label=label, **ids)
        raise AssertionError(f"no builder for clause type {clause_type!r}")

    def _composite(
        self, clause_type: str, fields: FieldReader, position: tuple[int, ...], ids: dict[str, Any]
    ) -> Clause | None:
        raw_of = fields.value.get("of", MISSING)
        n = None
        if clause_type == "at_least":
            # Check n against the list as written, even if some of its clauses are invalid.
            count = len(raw_of) if isinstance(raw_of, list) and raw_of else None
            n = fields.count("n", count)

        of_path = key_path(fields.path, "of")
        children: list[Clause | None] = []
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
        if clause_type == "all":
            return AllOf(of=of, **ids)
        if clause_type == "any":
            return AnyOf(of=of, **ids)
        return None if n is None else AtLeast(n=n, of=of, **ids)

    def _competency(self, fields: FieldReader, clause_id: str) -> Clause | None:
        name = fields.text("name", required=True)
        framework, code = fields.text("framework"), fields.text("code")
        url = fields.url(
            "url", expected="an http(s) URL describing the competency (its alignment targetUrl)"
        )
        course = fields.course(required=False)
        blocks, minimum = self._blocks(fields, course), fields.fraction()
        if name is None or url is None or blocks is None or minimum is None:
            return None
        return CompetencyClause(
            clause_id=clause_id,
            name=name,
            url=url,
            blocks=blocks,
            minimum=minimum,
            framework=framework,
            code=code,
            course=course,
        )

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
