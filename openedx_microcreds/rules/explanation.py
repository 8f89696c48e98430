"""The record of one evaluation: which clauses passed, and why, with the learner's numbers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .names import block_name
from .percent import points, score_percent


@dataclass(frozen=True)
class BlockOutcome:
    """One block's part in a weighted average or competency, as it was looked up."""

    block: str
    course: str | None
    weight: float
    earned: float | None = None
    possible: float | None = None
    # Why the block has no usable score; None when it has one.
    missing: str | None = None

    @property
    def fraction(self) -> float | None:
        if self.missing is not None or self.earned is None or not self.possible:
            return None
        return self.earned / self.possible

    def to_dict(self) -> dict[str, Any]:
        return {
            "block": self.block,
            "course": self.course,
            "weight": self.weight,
            "earned": self.earned,
            "possible": self.possible,
            "fraction": self.fraction,
            "missing": self.missing,
        }

    def describe(self) -> str:
        fraction = self.fraction
        if fraction is None or self.earned is None or self.possible is None:
            return f"{block_name(self.block)}: {self.missing}"
        return (
            f"{block_name(self.block)}: {score_percent(fraction)} "
            f"({points(self.earned)}/{points(self.possible)}), weight {points(self.weight)}"
        )


@dataclass(frozen=True)
class Explanation:
    """How one clause was decided.

    `actual` and `required` are fractions (0.72, 0.8) for score clauses, counts of met
    requirements for all/any/at_least, and None where there is no number (a pass/fail
    fact, or data that was missing).
    """

    clause_id: str
    type: str
    passed: bool
    summary: str
    actual: float | None = None
    required: float | None = None
    children: tuple[Explanation, ...] = ()
    blocks: tuple[BlockOutcome, ...] = ()

    def walk(self) -> Iterator[Explanation]:
        """This explanation and all below it, parents first, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, clause_id: str) -> Explanation | None:
        return next((node for node in self.walk() if node.clause_id == clause_id), None)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serializable data (no NaN: missing numbers are null)."""
        return {
            "clause_id": self.clause_id,
            "type": self.type,
            "passed": self.passed,
            "summary": self.summary,
            "actual": self.actual,
            "required": self.required,
            "children": [child.to_dict() for child in self.children],
            "blocks": [block.to_dict() for block in self.blocks],
        }

    def render_text(self, *, ascii_marks: bool = False) -> str:
        """An indented tree for people: "✔ summary [clause_id]", one clause per line,
        with the blocks behind weighted averages listed under them."""
        lines: list[str] = []
        self._render(lines, depth=0, ascii_marks=ascii_marks)
        return "\n".join(lines)

    def _render(self, lines: list[str], *, depth: int, ascii_marks: bool) -> None:
        if ascii_marks:
            mark = "[pass]" if self.passed else "[fail]"
        else:
            mark = "✔" if self.passed else "✘"
        indent = "  " * depth
        lines.append(f"{indent}{mark} {self.summary} [{self.clause_id}]")
        # A single-block clause already states its score in the summary.
        if self.type != "block_score":
            lines.extend(f"{indent}    - {block.describe()}" for block in self.blocks)
        for child in self.children:
            child._render(lines, depth=depth + 1, ascii_marks=ascii_marks)
