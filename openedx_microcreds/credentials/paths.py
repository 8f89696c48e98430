"""JSON-path-like locations (``$.a.b[0]``, ``$['@context']``) built only when reported.

Walks pass a chain of ``(parent, step)`` pairs down instead of formatting a string at every
level; ``render`` formats one when a problem is found there.
"""

from __future__ import annotations

import re

Chain = tuple | None  # (parent chain, key or index), None for the document itself

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def child(path: str, step: str | int) -> str:
    """The path of ``step`` (a key or an index) under ``path``."""
    if isinstance(step, int):
        return f"{path}[{step}]"
    return f"{path}.{step}" if _IDENTIFIER.match(step) else f"{path}[{step!r}]"


def render(chain: Chain) -> str:
    steps = []
    while chain is not None:
        chain, step = chain
        steps.append(step)
    path = "$"
    for step in reversed(steps):
        path = child(path, step)
    return path
