"""The parsed, validated form of a rule document.

Every clause is an immutable dataclass. `clause_id` is the identifier the rest of the
system uses (explanations, Open Badges results); it is the author's "id" when given,
otherwise one derived from the clause's position (see parse.derived_clause_id).
`explicit_id` remembers whether the author wrote one, so `to_dict` reproduces the
document instead of freezing derived ids into it.

Each clause class lists its JSON keys (`KEYS`: name, kind, whether required, in canonical
order). That list is the one description of the rule language: the parser reads a clause
by it, `to_dict` writes one by it, and the JSON Schema (schema.py) is generated from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

JsonDict = dict[str, Any]

# Kinds of keys: what a key holds, how the parser reads it and the schema describes it.
SLUG = "slug"
TEXT = "text"
FRACTION = "fraction"
COUNT = "count"
COURSE = "course"
USAGE_KEY = "usage_key"
URL = "url"
BLOCKS = "blocks"
CLAUSES = "clauses"


@dataclass(frozen=True)
class Key:
    """One key of a clause's JSON form."""

    name: str  # in the document
    attr: str  # on the clause object
    kind: str
    required: bool = False
    # For a "course": required too when the credential has no course of its own (a pathway).
    required_without_course: bool = False
    # What the key means, for people: error messages and the schema's descriptions.
    description: str = ""


_ID_DESCRIPTION = 'a stable slug naming the clause, such as "data-analysis"'


def _id(
    *, required: bool = False, attr: str = "explicit_id", description: str = _ID_DESCRIPTION
) -> Key:
    return Key("id", attr, SLUG, required=required, description=description)


_MIN = Key(
    "min", "minimum", FRACTION, required=True, description="a number between 0 and 1 (0.8 is 80%)"
)
_LABEL = Key("label", "label", TEXT, description="the name shown to learners")


def _course(*, required_without_course: bool) -> Key:
    return Key(
        "course",
        "course",
        COURSE,
        required_without_course=required_without_course,
        description="the course run the grades come from (default: the credential's course)",
    )


_OF = Key("of", "of", CLAUSES, required=True, description="the clauses combined")
_BLOCKS = Key(
    "blocks",
    "blocks",
    BLOCKS,
    required=True,
    description='a non-empty list of {"block": usage key, "weight": number > 0 (default 1)}',
)


@dataclass(frozen=True)
class WeightedBlock:
    block: str
    weight: float = 1.0

    def to_dict(self) -> JsonDict:
        return {"block": self.block, "weight": self.weight}


def _json(value: Any) -> Any:
    if isinstance(value, tuple):
        return [item.to_dict() for item in value]
    return value


@dataclass(frozen=True)
class ClauseBase:
    """What every clause shares: its type name, its keys, its id, and its JSON form."""

    TYPE: ClassVar[str]
    KEYS: ClassVar[tuple[Key, ...]]
    clause_id: str

    def to_dict(self) -> JsonDict:
        """The canonical JSON form: the keys in order, absent optional ones left out."""
        data: JsonDict = {"type": self.TYPE}
        for key in self.KEYS:
            value = getattr(self, key.attr)
            if value is not None:
                data[key.name] = _json(value)
        return data


@dataclass(frozen=True)
class AllOf(ClauseBase):
    TYPE: ClassVar[str] = "all"
    KEYS: ClassVar[tuple[Key, ...]] = (_id(), _OF)
    of: tuple[Clause, ...]
    explicit_id: str | None = None


@dataclass(frozen=True)
class AnyOf(ClauseBase):
    TYPE: ClassVar[str] = "any"
    KEYS: ClassVar[tuple[Key, ...]] = (_id(), _OF)
    of: tuple[Clause, ...]
    explicit_id: str | None = None


@dataclass(frozen=True)
class AtLeast(ClauseBase):
    TYPE: ClassVar[str] = "at_least"
    KEYS: ClassVar[tuple[Key, ...]] = (
        _id(),
        Key("n", "n", COUNT, required=True, description='how many clauses of "of" must pass'),
        _OF,
    )
    n: int
    of: tuple[Clause, ...]
    explicit_id: str | None = None


@dataclass(frozen=True)
class CoursePassed(ClauseBase):
    TYPE: ClassVar[str] = "course_passed"
    KEYS: ClassVar[tuple[Key, ...]] = (_id(), _course(required_without_course=True), _LABEL)
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None


@dataclass(frozen=True)
class CourseGrade(ClauseBase):
    TYPE: ClassVar[str] = "course_grade"
    KEYS: ClassVar[tuple[Key, ...]] = (_id(), _MIN, _course(required_without_course=True), _LABEL)
    minimum: float
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None


@dataclass(frozen=True)
class BlockScore(ClauseBase):
    TYPE: ClassVar[str] = "block_score"
    KEYS: ClassVar[tuple[Key, ...]] = (
        _id(),
        Key(
            "block",
            "block",
            USAGE_KEY,
            required=True,
            description="the usage key of the subsection, unit or problem",
        ),
        _MIN,
        _course(required_without_course=False),
        _LABEL,
    )
    block: str
    minimum: float
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None


@dataclass(frozen=True)
class AssignmentAverage(ClauseBase):
    TYPE: ClassVar[str] = "assignment_average"
    KEYS: ClassVar[tuple[Key, ...]] = (
        _id(),
        Key(
            "assignment_type",
            "assignment_type",
            TEXT,
            required=True,
            description="an assignment type of the course's grading policy, such as Exam",
        ),
        _MIN,
        _course(required_without_course=True),
        _LABEL,
    )
    assignment_type: str
    minimum: float
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None


@dataclass(frozen=True)
class WeightedAverage(ClauseBase):
    TYPE: ClassVar[str] = "weighted_average"
    KEYS: ClassVar[tuple[Key, ...]] = (
        _id(),
        _BLOCKS,
        _MIN,
        _course(required_without_course=False),
        _LABEL,
    )
    blocks: tuple[WeightedBlock, ...]
    minimum: float
    course: str | None = None
    label: str | None = None
    explicit_id: str | None = None


@dataclass(frozen=True)
class CompetencyClause(ClauseBase):
    """A named competency, demonstrated by a weighted average over its own blocks.

    Its id is mandatory (it identifies the competency), so clause_id is always explicit.
    """

    TYPE: ClassVar[str] = "competency"
    KEYS: ClassVar[tuple[Key, ...]] = (
        _id(
            required=True,
            attr="clause_id",
            description='a stable slug naming the competency, such as "data-analysis"',
        ),
        Key("name", "name", TEXT, required=True, description="the competency's name"),
        Key("framework", "framework", TEXT, description="the framework that defines it"),
        Key("code", "code", TEXT, description="its code in the framework"),
        Key(
            "url",
            "url",
            URL,
            required=True,
            description="an http(s) URL describing the competency (its alignment targetUrl)",
        ),
        _BLOCKS,
        _MIN,
        _course(required_without_course=False),
    )
    name: str
    url: str
    blocks: tuple[WeightedBlock, ...]
    minimum: float
    framework: str | None = None
    code: str | None = None
    course: str | None = None


@dataclass(frozen=True)
class HoldsCredential(ClauseBase):
    TYPE: ClassVar[str] = "holds_credential"
    KEYS: ClassVar[tuple[Key, ...]] = (
        _id(),
        Key(
            "credential",
            "credential",
            SLUG,
            required=True,
            description="the slug of another credential",
        ),
        _LABEL,
    )
    credential: str
    label: str | None = None
    explicit_id: str | None = None


#: Every clause class, in the order error messages list their types.
CLAUSE_TYPES: tuple[type[ClauseBase], ...] = (
    AllOf,
    AnyOf,
    AtLeast,
    CoursePassed,
    CourseGrade,
    BlockScore,
    AssignmentAverage,
    WeightedAverage,
    CompetencyClause,
    HoldsCredential,
)
BY_TYPE: dict[str, type[ClauseBase]] = {cls.TYPE: cls for cls in CLAUSE_TYPES}


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
