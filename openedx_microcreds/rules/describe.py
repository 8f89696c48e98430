"""The criteria narrative a learner reads: Markdown generated from the rule.

It becomes the Open Badges Achievement's criteria.narrative, so it is written to the
learner ("Score at least 80% on ...") and names things the way the course does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import assert_never

from .model import (
    AllOf,
    AnyOf,
    AssignmentAverage,
    AtLeast,
    BlockScore,
    CompetencyClause,
    CourseGrade,
    CoursePassed,
    HoldsCredential,
    Leaf,
    Rule,
    WeightedAverage,
)
from .names import activities, block_name
from .percent import threshold_percent

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def describe(
    rule: Rule,
    *,
    course_names: Mapping[str, str] | None = None,
    credential_names: Mapping[str, str] | None = None,
) -> str:
    """Markdown criteria for `rule`.

    course_names and credential_names (course key or credential slug -> display name)
    let the caller show titles instead of keys and slugs.
    """
    writer = _Writer(course_names or {}, credential_names or {})
    root = rule.root
    if isinstance(root, AllOf | AnyOf | AtLeast):
        lines = [f"Earn this credential by meeting {writer.quantifier(root)} of the following:"]
        lines.extend(writer.items(root, depth=0))
    else:
        lines = ["Earn this credential by meeting the following requirement:"]
        lines.append(f"- {writer.sentence(root)}")
    return "\n".join(lines)


def escape(text: str) -> str:
    """Make author text safe to drop into Markdown: no accidental emphasis or links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


class _Writer:
    def __init__(self, course_names: Mapping[str, str], credential_names: Mapping[str, str]):
        self.course_names = course_names
        self.credential_names = credential_names

    def quantifier(self, clause: AllOf | AnyOf | AtLeast) -> str:
        if isinstance(clause, AllOf):
            return "**all**"
        if isinstance(clause, AnyOf):
            return "**any**"
        return f"**at least {clause.n}**"

    def items(self, clause: AllOf | AnyOf | AtLeast, depth: int) -> list[str]:
        # Two spaces per level is what CommonMark needs to nest under "- ".
        indent = "  " * depth
        lines = []
        for child in clause.of:
            if isinstance(child, AllOf | AnyOf | AtLeast):
                lines.append(f"{indent}- Meet {self.quantifier(child)} of the following:")
                lines.extend(self.items(child, depth + 1))
            else:
                lines.append(f"{indent}- {self.sentence(child)}")
        return lines

    def course(self, course_key: str) -> str:
        name = self.course_names.get(course_key)
        return f"**{escape(name)}**" if name else f"`{course_key}`"

    def in_course(self, course_key: str | None) -> str:
        return f" in {self.course(course_key)}" if course_key else ""

    def sentence(self, clause: Leaf) -> str:
        """One requirement as an imperative sentence."""
        match clause:
            case CoursePassed():
                if clause.label:
                    return f"Pass **{escape(clause.label)}**."
                if clause.course:
                    return f"Pass the course {self.course(clause.course)}."
                return "Pass the course."
            case CourseGrade():
                needed = threshold_percent(clause.minimum)
                if clause.label:
                    return f"Score at least {needed} on **{escape(clause.label)}**."
                return f"Earn a course grade of at least {needed}{self.in_course(clause.course)}."
            case BlockScore():
                needed = threshold_percent(clause.minimum)
                if clause.label:
                    return f"Score at least {needed} on **{escape(clause.label)}**."
                return f"Score at least {needed} on the activity `{block_name(clause.block)}`."
            case AssignmentAverage():
                needed = threshold_percent(clause.minimum)
                if clause.label:
                    return f"Score at least {needed} on **{escape(clause.label)}**."
                return (
                    f"Average at least {needed} across **{escape(clause.assignment_type)}** "
                    f"assignments{self.in_course(clause.course)}."
                )
            case WeightedAverage():
                needed = threshold_percent(clause.minimum)
                over = f"weighted over {activities(len(clause.blocks))}"
                if clause.label:
                    return f"Score at least {needed} on **{escape(clause.label)}** ({over})."
                return f"Score at least {needed} {over}{self.in_course(clause.course)}."
            case CompetencyClause():
                needed = threshold_percent(clause.minimum)
                over = f"weighted over {activities(len(clause.blocks))}"
                return (
                    f"Demonstrate the competency **{escape(clause.name)}** "
                    f"(at least {needed} {over})."
                )
            case HoldsCredential():
                name = self.credential_names.get(clause.credential) or clause.label
                if name:
                    return f"Hold the credential **{escape(name)}**."
                return f"Hold the credential `{clause.credential}`."
            case _:
                assert_never(clause)
