"""What the issuing side reads from a rule and its evaluation to build an Open Badges
3.0 credential: alignments (competencies), result descriptions (thresholds) and the
learner's results, plus the dependencies that trigger re-evaluation.

All pure functions over the rule model; no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .explanation import Explanation
from .keys import resolve_block_course
from .model import (
    AssignmentAverage,
    BlockScore,
    CompetencyClause,
    CourseGrade,
    CoursePassed,
    HoldsCredential,
    Rule,
    ThresholdClause,
    WeightedAverage,
)
from .names import clause_name
from .percent import result_value, threshold_percent

ResultType = Literal["Percent", "Status"]

# Open Badges 3.0 ResultStatusType values for a competency.
STATUS_COMPLETED = "Completed"
STATUS_FAILED = "Failed"

_PERCENT_TYPES = ("course_grade", "block_score", "assignment_average", "weighted_average")
_STATUS_TYPES = ("competency",)


@dataclass(frozen=True)
class Competency:
    """A competency the credential aligns to (an OB 3.0 Alignment: targetName, targetUrl,
    and optionally targetCode and targetFramework)."""

    id: str
    name: str
    url: str
    framework: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class Threshold:
    """A numeric requirement of the rule (an OB 3.0 ResultDescription)."""

    clause_id: str
    name: str
    result_type: ResultType
    # The threshold as a fraction (0.8), for Status results too: what "Completed" takes.
    required: float

    @property
    def required_value(self) -> str:
        """ResultDescription.requiredValue: "80.0" for Percent, "Completed" for Status."""
        if self.result_type == "Status":
            return STATUS_COMPLETED
        return result_value(self.required, self.required)

    @property
    def required_percent(self) -> str:
        """The threshold for people: "80%"."""
        return threshold_percent(self.required)


@dataclass(frozen=True)
class ResultValue:
    """A learner's result on one Threshold (an OB 3.0 Result)."""

    clause_id: str
    result_type: ResultType
    # "86.0" for Percent (None when no score was recorded); "Completed"/"Failed" for Status.
    value: str | None
    passed: bool


def competencies(rule: Rule) -> list[Competency]:
    """The competencies named in the rule, in document order."""
    return [
        Competency(
            id=clause.clause_id,
            name=clause.name,
            url=clause.url,
            framework=clause.framework,
            code=clause.code,
        )
        for clause in rule.clauses()
        if isinstance(clause, CompetencyClause)
    ]


def thresholds(rule: Rule) -> list[Threshold]:
    """One Threshold per clause that compares a score with a minimum, in document order."""
    found = []
    for clause in rule.clauses():
        if isinstance(clause, ThresholdClause):
            result_type: ResultType = (
                "Status" if isinstance(clause, CompetencyClause) else "Percent"
            )
            found.append(
                Threshold(
                    clause_id=clause.clause_id,
                    name=clause_name(clause),
                    result_type=result_type,
                    required=clause.minimum,
                )
            )
    return found


def results(explanation: Explanation) -> list[ResultValue]:
    """The learner's result for every threshold clause in an evaluation, in document order.

    Percent values round down to 0.1, or finer when the threshold is finer: "79.9" (never
    "80.0" for a miss), "56.25" against a 56.25% threshold. A Percent clause with no
    recorded score has value None: leave `value` out of that Result.
    """
    found = []
    for node in explanation.walk():
        if node.type in _STATUS_TYPES:
            status = STATUS_COMPLETED if node.passed else STATUS_FAILED
            found.append(ResultValue(node.clause_id, "Status", status, node.passed))
        elif node.type in _PERCENT_TYPES:
            value = None if node.actual is None else result_value(node.actual, node.required)
            found.append(ResultValue(node.clause_id, "Percent", value, node.passed))
    return found


def required_credentials(rule: Rule) -> set[str]:
    """Slugs of the credentials this rule stacks on: when one of them is awarded to a
    learner, rules that require it should be evaluated again for that learner."""
    return {clause.credential for clause in rule.clauses() if isinstance(clause, HoldsCredential)}


def referenced_courses(rule: Rule, default_course: str | None) -> set[str]:
    """Every course whose grades the rule reads, given the definition's course.

    Grade changes in these courses are what should trigger a re-evaluation. Clauses that
    cannot find a course (no default, none named) contribute nothing.
    """
    courses: set[str | None] = set()
    for clause in rule.clauses():
        if isinstance(clause, CoursePassed | CourseGrade | AssignmentAverage):
            courses.add(clause.course or default_course)
        elif isinstance(clause, BlockScore):
            courses.add(resolve_block_course(clause.course, clause.block, default_course))
        elif isinstance(clause, WeightedAverage | CompetencyClause):
            courses.update(
                resolve_block_course(clause.course, entry.block, default_course)
                for entry in clause.blocks
            )
    return {course for course in courses if course is not None}
