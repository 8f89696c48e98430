"""What the rule engine needs to know about a learner, and nothing about where it comes from.

The Django side implements LearnerFacts over edx-platform's grades; tests use a dict.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@dataclass(frozen=True)
class Score:
    """Points earned out of points possible on one block (subsection, unit, problem)."""

    earned: float
    possible: float

    @property
    def fraction(self) -> float | None:
        """earned / possible, or None when the block is worth nothing or the numbers are
        unusable: a 0/0 score says nothing about mastery."""
        if not (math.isfinite(self.earned) and math.isfinite(self.possible)):
            return None
        if self.possible <= 0:
            return None
        return self.earned / self.possible


@runtime_checkable
class LearnerFacts(Protocol):
    """One learner's grades and credentials. Return None when nothing is known; the
    engine turns that into a failed clause that says so. Exceptions propagate out of
    `evaluate` untouched, so a caller can record the evaluation as failed and retry."""

    def course_passed(self, course_key: str) -> bool | None: ...

    def course_percent(self, course_key: str) -> float | None:
        """The course grade as a fraction, 0..1."""
        ...

    def block_score(self, course_key: str, usage_key: str) -> Score | None: ...

    def assignment_type_average(self, course_key: str, assignment_type: str) -> float | None:
        """The average over the course's assignments of this type, as a fraction 0..1."""
        ...

    def holds_credential(self, slug: str) -> bool: ...


class MemoizedFacts:
    """Asks the wrapped facts each question at most once.

    Grade lookups can be expensive (a course grade read per course), and the same block
    may appear in several clauses; evaluation asks every clause, so cache within one
    evaluation. Not shared across evaluations: grades change.
    """

    def __init__(self, facts: LearnerFacts) -> None:
        self._facts = facts
        self._passed: dict[str, bool | None] = {}
        self._percent: dict[str, float | None] = {}
        self._blocks: dict[tuple[str, str], Score | None] = {}
        self._averages: dict[tuple[str, str], float | None] = {}
        self._credentials: dict[str, bool] = {}

    def course_passed(self, course_key: str) -> bool | None:
        if course_key not in self._passed:
            self._passed[course_key] = self._facts.course_passed(course_key)
        return self._passed[course_key]

    def course_percent(self, course_key: str) -> float | None:
        if course_key not in self._percent:
            self._percent[course_key] = self._facts.course_percent(course_key)
        return self._percent[course_key]

    def block_score(self, course_key: str, usage_key: str) -> Score | None:
        key = (course_key, usage_key)
        if key not in self._blocks:
            self._blocks[key] = self._facts.block_score(course_key, usage_key)
        return self._blocks[key]

    def assignment_type_average(self, course_key: str, assignment_type: str) -> float | None:
        key = (course_key, assignment_type)
        if key not in self._averages:
            self._averages[key] = self._facts.assignment_type_average(course_key, assignment_type)
        return self._averages[key]

    def holds_credential(self, slug: str) -> bool:
        if slug not in self._credentials:
            self._credentials[slug] = self._facts.holds_credential(slug)
        return self._credentials[slug]
