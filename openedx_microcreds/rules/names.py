"""Human names for clauses that have no label, shared by explanations and results."""

from __future__ import annotations

from .model import (
    AssignmentAverage,
    BlockScore,
    CompetencyClause,
    CourseGrade,
    HoldsCredential,
    ThresholdClause,
    WeightedAverage,
)


def block_name(usage_key: str) -> str:
    """The readable tail of a usage key: "capstone" for ...+type@sequential+block@capstone
    and for i4x://Org/Num/sequential/capstone."""
    if "+block@" in usage_key:
        return usage_key.rsplit("+block@", 1)[1]
    return usage_key.rstrip("/").rsplit("/", 1)[-1]


def activities(count: int) -> str:
    return "1 activity" if count == 1 else f"{count} activities"


def clause_name(clause: ThresholdClause | HoldsCredential) -> str:
    """The author's label, or a name generated from what the clause measures."""
    if isinstance(clause, CompetencyClause):
        return clause.name
    if clause.label is not None:
        return clause.label
    in_course = f" in {clause.course}" if getattr(clause, "course", None) else ""
    if isinstance(clause, CourseGrade):
        return f"Course grade{in_course}"
    if isinstance(clause, BlockScore):
        return f"Score on {block_name(clause.block)}"
    if isinstance(clause, AssignmentAverage):
        return f"{clause.assignment_type} average{in_course}"
    if isinstance(clause, WeightedAverage):
        return f"Weighted average of {activities(len(clause.blocks))}"
    return f"Credential '{clause.credential}'"
