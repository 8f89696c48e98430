"""The parsed, validated form of a rule document.

Every clause is an immutable dataclass. `clause_id` is the identifier the rest of the
system uses (explanations, Open Badges results); it is the author's "id" when given,
otherwise one derived from the clause's position (see parse.derived_clause_id).
`explicit_id` remembers whether the author wrote one, so `to_dict` reproduces the
document instead of freezing derived ids into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

JsonDict = dict[str, Any]


@dataclass(frozen=True)
class WeightedBlock:
    block: str
    weight: float = 1.0

    def to_dict(self) -> JsonDict:
        return {"block": self.block, "weight": self.weight}


def _with_optional(data: JsonDict, **optional: object) -> JsonDict:
    """Add the optional keys that are set; absent ones stay out of the canonical form."""
    data.update({key: value for key, value in optional.items() if value is not None})
    return data


@dataclass(frozen=True)
class AllOf:
    TYPE: ClassVar[str] = "all"
    clause_id: str
    of: tuple[Clause, ...]
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        data = _with_optional({"type": self.TYPE}, id=self.explicit_id)
        data["of"] = [child.to_dict() for child in self.of]
        return data


@dataclass(frozen=True)
class AnyOf:
    TYPE: ClassVar[str] = "any"
    clause_id: str
    of: tuple[Clause, ...]
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        data = _with_optional({"type": self.TYPE}, id=self.explicit_id)
        data["of"] = [child.to_dict() for child in self.of]
        return data


@dataclass(frozen=True)
class AtLeast:
    TYPE: ClassVar[str] = "at_least"
    clause_id: str
    n: int
    of: tuple[Clause, ...]
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        data = _with_optional({"type": self.TYPE}, id=self.explicit_id)
        data["n"] = self.n
        data["of"] = [child.to_dict() for child in self.of]
        return data


@dataclass(frozen=True)
class CoursePassed:
    TYPE: ClassVar[str] = "course_passed"
    clause_id: str
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        return _with_optional(
            {"type": self.TYPE}, id=self.explicit_id, course=self.course, label=self.label
        )


@dataclass(frozen=True)
class CourseGrade:
    TYPE: ClassVar[str] = "course_grade"
    clause_id: str
    minimum: float
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        data = _with_optional({"type": self.TYPE}, id=self.explicit_id)
        data["min"] = self.minimum
        return _with_optional(data, course=self.course, label=self.label)


@dataclass(frozen=True)
class BlockScore:
    TYPE: ClassVar[str] = "block_score"
    clause_id: str
    block: str
    minimum: float
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        data = _with_optional({"type": self.TYPE}, id=self.explicit_id)
        data.update(block=self.block, min=self.minimum)
        return _with_optional(data, course=self.course, label=self.label)


@dataclass(frozen=True)
class AssignmentAverage:
    TYPE: ClassVar[str] = "assignment_average"
    clause_id: str
    assignment_type: str
    minimum: float
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        data = _with_optional({"type": self.TYPE}, id=self.explicit_id)
        data.update(assignment_type=self.assignment_type, min=self.minimum)
        return _with_optional(data, course=self.course, label=self.label)


@dataclass(frozen=True)
class WeightedAverage:
    TYPE: ClassVar[str] = "weighted_average"
    clause_id: str
    blocks: tuple[WeightedBlock, ...]
    minimum: float
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        data = _with_optional({"type": self.TYPE}, id=self.explicit_id)
        data.update(blocks=[block.to_dict() for block in self.blocks], min=self.minimum)
        return _with_optional(data, course=self.course, label=self.label)


@dataclass(frozen=True)
class CompetencyClause:
    """A named competency, demonstrated by a weighted average over its own blocks.

    Its id is mandatory (it identifies the competency), so clause_id is always explicit.
    """

    TYPE: ClassVar[str] = "competency"
    clause_id: str
    name: str
    url: str
    blocks: tuple[WeightedBlock, ...]
    minimum: float
    framework: str | None = None
    code: str | None = None
    course: str | None = None

    def to_dict(self) -> JsonDict:
        data: JsonDict = {"type": self.TYPE, "id": self.clause_id, "name": self.name}
        _with_optional(data, framework=self.framework, code=self.code)
        data.update(
            url=self.url, blocks=[block.to_dict() for block in self.blocks], min=self.minimum
        )
        return _with_optional(data, course=self.course)


@dataclass(frozen=True)
class HoldsCredential:
    TYPE: ClassVar[str] = "holds_credential"
    clause_id: str
    credential: str
    label: str | None = None
    explicit_id: str | None = None

    def to_dict(self) -> JsonDict:
        data = _with_optional({"type": self.TYPE}, id=self.explicit_id)
        data["credential"] = self.credential
        return _with_optional(data, label=self.label)


Composite = AllOf | AnyOf | AtLeast
Leaf = (
    CoursePassed
    | CourseGrade
    | BlockScore
    | AssignmentAverage
    | WeightedAverage
    | CompetencyClause
    | HoldsCredential
)
Clause = Composite | Leaf
# Leaves that compare a score against a fractional threshold.
ThresholdClause = CourseGrade | BlockScore | AssignmentAverage | WeightedAverage | CompetencyClause


def walk(clause: Clause) -> Iterator[Clause]:
    """Every clause of the tree, parents before children, in document order."""
    yield clause
    if isinstance(clause, Composite):
        for child in clause.of:
            yield from walk(child)


@dataclass(frozen=True)
class Rule:
    """A validated rule document. Build one with `parse_rule`."""

    root: Clause

    def to_dict(self) -> JsonDict:
        """The canonical JSON form; `parse_rule(rule.to_dict()) == rule`."""
        return self.root.to_dict()

    def clauses(self) -> Iterator[Clause]:
        return walk(self.root)

    def find(self, clause_id: str) -> Clause | None:
        return next((clause for clause in self.clauses() if clause.clause_id == clause_id), None)
