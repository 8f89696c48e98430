"""The error a course author sees when a rule document is wrong."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import NamedTuple

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class Problem(NamedTuple):
    """One thing wrong with a rule document.

    `path` points into the document JSON-pointer style ("$.of[1].min"); `message` says
    what is wrong and what is expected, for an author to act on.
    """

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class RuleValidationError(ValueError):
    """A rule document failed validation. Carries every problem found, not just the first,
    so an author can fix them all in one pass."""

    def __init__(self, problems: Iterable[tuple[str, str]]) -> None:
        self.problems: tuple[Problem, ...] = tuple(Problem(*problem) for problem in problems)
        if not self.problems:
            raise ValueError("RuleValidationError needs at least one problem")
        super().__init__(str(self))

    def __reduce__(self) -> tuple[type[RuleValidationError], tuple[tuple[Problem, ...]]]:
        # Exceptions pickle through self.args by default, which here is the rendered text;
        # rebuild from the problems instead so the error survives a trip through Celery.
        return (type(self), (self.problems,))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.problems)

    def as_dict(self) -> dict[str, list[str]]:
        """Messages grouped by path, the shape form and API error responses use."""
        grouped: dict[str, list[str]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.path, []).append(problem.message)
        return grouped


def show(value: object) -> str:
    """A short rendering of a bad value for an error message, in JSON terms."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value) if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return json.dumps(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def key_path(path: str, key: object) -> str:
    """The path of `key` inside the object at `path`: $.of[1].min, or $.of[1]["my key"]
    for keys that are not identifiers."""
    if isinstance(key, str) and _IDENTIFIER.fullmatch(key):
        return f"{path}.{key}"
    return f"{path}[{json.dumps(key) if isinstance(key, str) else repr(key)}]"
