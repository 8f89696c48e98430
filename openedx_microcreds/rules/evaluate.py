"""Decide a rule for one learner, explaining every clause.

Every clause is evaluated, even once the outcome is settled, so a learner sees the whole
picture ("you passed the exam; the capstone still needs 8 more points"). Missing data
fails the clause with a summary that says what is missing; it never raises. Exceptions
from the facts do propagate: they mean "could not evaluate", not "did not qualify".
"""

from __future__ import annotations

import math
from typing import assert_never

from .explanation import BlockOutcome, Explanation
from .facts import LearnerFacts, MemoizedFacts
from .keys import resolve_block_course
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
    ThresholdClause,
    WeightedAverage,
    WeightedBlock,
)
from .names import activities, clause_name
from .percent import meets, points, score_percent, threshold_percent

_NO_COURSE = (
    'no course to look up (this credential is not tied to a course, so the clause needs a "course")'
)


def evaluate(rule: Rule, facts: LearnerFacts, *, course_key: str | None) -> Explanation:
    """Evaluate `rule` for the learner `facts` describes.

    `course_key` is the credential definition's course; clauses without their own
    "course" use it. Pass None for definitions not tied to a course (pathways): clauses
    that then have no course to look up fail with a message saying so. To catch that
    when the rule is saved instead, parse with `require_explicit_course=True`.
    """
    return _Evaluator(MemoizedFacts(facts), course_key).explain(rule.root)


class _Evaluator:
    def __init__(self, facts: LearnerFacts, course_key: str | None) -> None:
        self.facts = facts
        self.course_key = course_key

    def explain(self, clause: Clause) -> Explanation:
        match clause:
            case AllOf() | AnyOf() | AtLeast():
                return self._composite(clause)
            case CoursePassed():
                return self._course_passed(clause)
            case CourseGrade():
                return self._course_grade(clause)
            case BlockScore():
                return self._block_score(clause)
            case AssignmentAverage():
                return self._assignment_average(clause)
            case WeightedAverage() | CompetencyClause():
                return self._weighted(clause)
            case HoldsCredential():
                return self._holds_credential(clause)
            case _:
                assert_never(clause)

    def _composite(self, clause: AllOf | AnyOf | AtLeast) -> Explanation:
        children = tuple(self.explain(child) for child in clause.of)
        met = sum(child.passed for child in children)
        total = len(children)
        if isinstance(clause, AllOf):
            needed, needs = total, (f"needs all {total}" if total > 1 else "needs it")
        elif isinstance(clause, AnyOf):
            needed, needs = 1, "needs at least 1"
        else:
            needed, needs = clause.n, f"needs at least {clause.n}"
        noun = "requirement" if total == 1 else "requirements"
        return Explanation(
            clause_id=clause.clause_id,
            type=clause.TYPE,
            passed=met >= needed,
            summary=f"{met} of {total} {noun} met, {needs}",
            actual=met,
            required=needed,
            children=children,
        )

    def _course_passed(self, clause: CoursePassed) -> Explanation:
        course = clause.course or self.course_key
        if course is None:
            return self._failed(clause, f"Pass {clause.label or 'the course'}: {_NO_COURSE}")
        subject = f"{clause.label} ({course})" if clause.label else course
        passed = self.facts.course_passed(course)
        if passed is None:
            return self._failed(clause, f"No grade recorded for {subject}")
        summary = f"Passed {subject}" if passed else f"Has not passed {subject}"
        return Explanation(clause.clause_id, clause.TYPE, passed=bool(passed), summary=summary)

    def _course_grade(self, clause: CourseGrade) -> Explanation:
        name = clause_name(clause)
        course = clause.course or self.course_key
        if course is None:
            return self._failed(clause, f"{name}: {_NO_COURSE}", clause.minimum)
        percent = _usable(self.facts.course_percent(course))
        if percent is None:
            return self._failed(clause, f"{name}: no grade recorded in {course}", clause.minimum)
        return self._compared(clause, f"{name}: {score_percent(percent, clause.minimum)}", percent)

    def _assignment_average(self, clause: AssignmentAverage) -> Explanation:
        name = clause_name(clause)
        course = clause.course or self.course_key
        if course is None:
            return self._failed(clause, f"{name}: {_NO_COURSE}", clause.minimum)
        average = _usable(self.facts.assignment_type_average(course, clause.assignment_type))
        if average is None:
            return self._failed(
                clause,
                f"{name}: no '{clause.assignment_type}' assignments graded in {course}",
                clause.minimum,
            )
        return self._compared(clause, f"{name}: {score_percent(average, clause.minimum)}", average)

    def _block_score(self, clause: BlockScore) -> Explanation:
        name = clause_name(clause)
        outcome = self._look_up(WeightedBlock(clause.block), clause.course)
        fraction = outcome.fraction
        if fraction is None or outcome.earned is None or outcome.possible is None:
            return self._failed(
                clause, f"{name}: {outcome.missing} for {clause.block}", clause.minimum, (outcome,)
            )
        scored = (
            f"{name}: scored {score_percent(fraction, clause.minimum)} "
            f"({points(outcome.earned)}/{points(outcome.possible)})"
        )
        return self._compared(clause, scored, fraction, (outcome,))

    def _weighted(self, clause: WeightedAverage | CompetencyClause) -> Explanation:
        name = clause_name(clause)
        if isinstance(clause, CompetencyClause):
            name = f"Competency {name}"
        outcomes = tuple(self._look_up(block, clause.course) for block in clause.blocks)
        missing = [outcome for outcome in outcomes if outcome.fraction is None]
        if missing:
            reasons = "; ".join(f"{outcome.missing} for {outcome.block}" for outcome in missing)
            return self._failed(clause, f"{name}: {reasons}", clause.minimum, outcomes)
        total_weight = sum(outcome.weight for outcome in outcomes)
        average = (
            sum(outcome.weight * (outcome.fraction or 0.0) for outcome in outcomes) / total_weight
        )
        over = activities(len(outcomes))
        scored = f"{name}: scored {score_percent(average, clause.minimum)} weighted over {over}"
        return self._compared(clause, scored, average, outcomes)

    def _holds_credential(self, clause: HoldsCredential) -> Explanation:
        name = clause_name(clause)
        held = bool(self.facts.holds_credential(clause.credential))
        summary = f"{name}: earned" if held else f"{name}: not earned yet"
        return Explanation(clause.clause_id, clause.TYPE, passed=held, summary=summary)

    # -- helpers ---------------------------------------------------------------------

    def _look_up(self, entry: WeightedBlock, explicit_course: str | None) -> BlockOutcome:
        course = resolve_block_course(explicit_course, entry.block, self.course_key)
        if course is None:
            return BlockOutcome(entry.block, None, entry.weight, missing=_NO_COURSE)
        score = self.facts.block_score(course, entry.block)
        if score is None:
            return BlockOutcome(entry.block, course, entry.weight, missing="no score recorded")
        earned, possible = float(score.earned), float(score.possible)
        if score.fraction is None:
            missing = (
                "no points possible"
                if math.isfinite(earned) and math.isfinite(possible)
                else "score is not a number"
            )
            # Keep only finite numbers so the explanation stays valid JSON.
            return BlockOutcome(
                entry.block,
                course,
                entry.weight,
                earned if math.isfinite(earned) else None,
                possible if math.isfinite(possible) else None,
                missing=missing,
            )
        return BlockOutcome(entry.block, course, entry.weight, earned, possible)

    @staticmethod
    def _compared(
        clause: ThresholdClause,
        scored: str,
        actual: float,
        blocks: tuple[BlockOutcome, ...] = (),
    ) -> Explanation:
        return Explanation(
            clause_id=clause.clause_id,
            type=clause.TYPE,
            passed=meets(actual, clause.minimum),
            summary=f"{scored}, needs {threshold_percent(clause.minimum)}",
            actual=actual,
            required=clause.minimum,
            blocks=blocks,
        )

    @staticmethod
    def _failed(
        clause: Clause,
        summary: str,
        required: float | None = None,
        blocks: tuple[BlockOutcome, ...] = (),
    ) -> Explanation:
        return Explanation(
            clause_id=clause.clause_id,
            type=clause.TYPE,
            passed=False,
            summary=summary,
            required=required,
            blocks=blocks,
        )


def _usable(value: float | None) -> float | None:
    """A grade the facts reported, or None if it is absent or not a real number."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)
