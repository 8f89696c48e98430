"""A rule engine explanation as requirements a learner reads: each with its name, whether it is
met, their number and the number needed ("Capstone project: 72%, 80% needed").

Numbers are the rule engine's: scores rounded *down* (a learner at 79.99% never reads "80%"),
thresholds as the author wrote them. Names use course titles and credential names, never keys
or slugs. A requirement whose data is missing says so instead of showing a zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from ..rules import model
from ..rules.names import activities, block_name
from ..rules.percent import score_percent, threshold_percent
from .names import DisplayNames

COMPOSITES = ("all", "any", "at_least")


@dataclass(frozen=True)
class Requirement:
    """One line of a learner's progress (or of the reasons they earned a credential)."""

    name: str
    met: bool
    score: str = ""  # the learner's number, "72%"; empty when there is none
    needed: str = ""  # the number needed, "80%"; empty for pass/fail requirements
    note: str = ""  # words for what has no number: "passed", "no score yet"
    depth: int = 0
    children: tuple[Requirement, ...] = field(default=())

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    def text(self) -> str:
        """The requirement in one line of plain text (e-mails)."""
        if self.is_group:
            return self.name
        if self.score and self.needed:
            detail = _("%(score)s, %(needed)s needed") % {
                "score": self.score,
                "needed": self.needed,
            }
        else:
            detail = self.note
        return f"{self.name}: {detail}" if detail else self.name


@dataclass(frozen=True)
class Checklist:
    """The requirements of one credential for one learner, as the rule engine explained them."""

    summary: str  # "Meet all 3 requirements" / "Meet at least 1 of these 2"
    met: int
    needed: int
    total: int
    passed: bool
    requirements: tuple[Requirement, ...]

    def lines(self) -> list[tuple[int, str]]:
        """(depth, text) for each requirement, nested groups flattened (e-mails)."""
        out: list[tuple[int, str]] = []

        def walk(items: tuple[Requirement, ...]) -> None:
            for item in items:
                out.append((item.depth, item.text()))
                walk(item.children)

        walk(self.requirements)
        return out


def checklist(
    rule: model.Rule | None,
    explanation: dict[str, Any],
    course_key: str | None,
    names: DisplayNames,
) -> Checklist:
    """``explanation`` (an Explanation's ``to_dict()``) of ``rule`` as a checklist. ``rule`` is
    None when the explanation's clauses cannot be matched with a rule (then the engine's own
    summaries are shown)."""
    writer = _Writer(rule, course_key, names)
    if explanation.get("type") in COMPOSITES:
        items = tuple(writer.item(child, 0) for child in explanation.get("children") or [])
        needed = int(explanation.get("required") or len(items))
        met = int(explanation.get("actual") or 0)
    else:
        items = (writer.item(explanation, 0),)
        needed, met = 1, int(bool(explanation.get("passed")))
    return Checklist(
        summary=writer.quantifier(explanation, len(items)),
        met=met,
        needed=needed,
        total=len(items),
        passed=bool(explanation.get("passed")),
        requirements=items,
    )


class _Writer:
    def __init__(self, rule: model.Rule | None, course_key: str | None, names: DisplayNames):
        self.rule = rule
        self.course_key = course_key
        self.names = names

    def quantifier(self, node: dict[str, Any], total: int) -> str:
        kind = node.get("type")
        if kind == "any":
            return _("Meet at least one of these %(total)d requirements") % {"total": total}
        if kind == "at_least":
            return _("Meet at least %(needed)d of these %(total)d requirements") % {
                "needed": int(node.get("required") or 0),
                "total": total,
            }
        if total == 1:
            return _("Meet this requirement")
        return _("Meet all %(total)d requirements") % {"total": total}

    def item(self, node: dict[str, Any], depth: int) -> Requirement:
        passed = bool(node.get("passed"))
        if node.get("type") in COMPOSITES:
            children = tuple(self.item(child, depth + 1) for child in node.get("children") or [])
            return Requirement(
                name=self.quantifier(node, len(children)),
                met=passed,
                depth=depth,
                children=children,
            )
        clause = self.rule.find(node.get("clause_id", "")) if self.rule else None
        name = self.name(clause) if clause is not None else str(node.get("summary", ""))
        actual, required = node.get("actual"), node.get("required")
        if isinstance(clause, model.CoursePassed | model.HoldsCredential) or clause is None:
            return Requirement(name, passed, note=self.fact_note(clause, node), depth=depth)
        needed = threshold_percent(required) if isinstance(required, int | float) else ""
        if isinstance(actual, int | float):
            score = score_percent(actual, required if isinstance(required, int | float) else None)
            return Requirement(name, passed, score=score, needed=needed, depth=depth)
        return Requirement(name, passed, needed=needed, note=self.missing(node), depth=depth)

    def fact_note(self, clause: Any, node: dict[str, Any]) -> str:
        passed = bool(node.get("passed"))
        if isinstance(clause, model.HoldsCredential):
            return _("held") if passed else _("not held yet")
        if isinstance(clause, model.CoursePassed):
            if passed:
                return _("passed")
            if str(node.get("summary", "")).startswith("No grade"):
                return _("no grade yet")
            return _("not passed yet")
        return _("met") if passed else _("not met yet")

    @staticmethod
    def missing(node: dict[str, Any]) -> str:
        blocks = node.get("blocks") or []
        if any(block.get("missing") == "no points possible" for block in blocks):
            return _("nothing graded yet")
        return _("no score yet")

    def course(self, course_key: str | None) -> str:
        return self.names.course(course_key or self.course_key)

    def name(self, clause: Any) -> str:
        label = getattr(clause, "label", None)
        match clause:
            case model.CompetencyClause():
                return _("Competency: %(name)s") % {"name": clause.name}
            case model.HoldsCredential():
                return _("Hold the credential %(name)s") % {
                    "name": self.names.credential(clause.credential)
                }
            case model.CoursePassed():
                if label:
                    return _("Pass %(label)s") % {"label": label}
                return _("Pass %(course)s") % {"course": self.course(clause.course)}
            case _ if label:
                return str(label)
            case model.CourseGrade():
                return _("Course grade in %(course)s") % {"course": self.course(clause.course)}
            case model.BlockScore():
                return _("Score on %(activity)s") % {"activity": block_name(clause.block)}
            case model.AssignmentAverage():
                return _("%(type)s average in %(course)s") % {
                    "type": clause.assignment_type,
                    "course": self.course(clause.course),
                }
            case model.WeightedAverage():
                return _("Weighted average of %(activities)s") % {
                    "activities": activities(len(clause.blocks))
                }
        return str(clause.clause_id)
