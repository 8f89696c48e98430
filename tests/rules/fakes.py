"""A dict-backed LearnerFacts for tests, counting every question it is asked."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from openedx_microcreds.rules import Score

COURSE = "course-v1:OpenedX+DA101+2025"
OTHER_COURSE = "course-v1:OpenedX+ML201+2025"


def block(name: str, kind: str = "sequential", course: str = COURSE) -> str:
    """A usage key in `course`: block("capstone") -> block-v1:OpenedX+DA101+2025+type@..."""
    return f"block-v1:{course.removeprefix('course-v1:')}+type@{kind}+block@{name}"


@dataclass
class FakeFacts:
    passed: dict[str, bool] = field(default_factory=dict)
    percents: dict[str, float] = field(default_factory=dict)
    scores: dict[tuple[str, str], Score] = field(default_factory=dict)
    averages: dict[tuple[str, str], float] = field(default_factory=dict)
    credentials: set[str] = field(default_factory=set)
    calls: Counter[tuple[str, ...]] = field(default_factory=Counter)

    def course_passed(self, course_key: str) -> bool | None:
        self.calls["course_passed", course_key] += 1
        return self.passed.get(course_key)

    def course_percent(self, course_key: str) -> float | None:
        self.calls["course_percent", course_key] += 1
        return self.percents.get(course_key)

    def block_score(self, course_key: str, usage_key: str) -> Score | None:
        self.calls["block_score", course_key, usage_key] += 1
        return self.scores.get((course_key, usage_key))

    def assignment_type_average(self, course_key: str, assignment_type: str) -> float | None:
        self.calls["assignment_type_average", course_key, assignment_type] += 1
        return self.averages.get((course_key, assignment_type))

    def holds_credential(self, slug: str) -> bool:
        self.calls["holds_credential", slug] += 1
        return slug in self.credentials
