"""How big and how deep an authored JSON document (a rule, a list of alignments) may be.

Python's JSON parser and everything that walks the parsed value recurse once per nesting level,
so a document nested a few thousand levels deep raises RecursionError wherever it goes: in the
admin (an HTTP 500), in ``microcreds_rules import``, in the rule parser. These checks run before
any of that, in linear time and without recursion, and say where the document went wrong.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import key_path

# Clauses nest at most 10 levels (parse.MAX_DEPTH), which takes 23 levels of JSON with a
# competency's block list; the bound leaves room and stays far below Python's recursion limit.
MAX_JSON_DEPTH = 32
# A rule of a few hundred clauses is well under this; a rule is shown and signed into every
# credential, so the bound also caps the work of every evaluation.
MAX_JSON_SIZE = 100_000

Problem = tuple[str, str]

# Strings (with their escapes) as one token, so brackets inside them do not count.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}:,]')


def depth_message(max_depth: int) -> str:
    return f"is nested too deeply: JSON here may nest at most {max_depth} levels"


def size_message(max_size: int, size: int | str) -> str:
    return f"is too large: at most {max_size} characters of JSON, got {size}"


def text_problem(
    text: str, *, max_depth: int = MAX_JSON_DEPTH, max_size: int = MAX_JSON_SIZE
) -> Problem | None:
    """Whether JSON ``text`` is too large or too deep to parse: (path, message) or None.

    Does not check that the text is valid JSON (the parser does that next); the path of a
    too-deep container is exact for valid JSON."""
    if len(text) > max_size:
        return "$", size_message(max_size, len(text))
    # One frame per open container: [kind, position or key, whether a key comes next].
    frames: list[list[Any]] = []
    for token in _TOKENS.finditer(text):
        value = token.group()
        if value in "[{":
            if len(frames) >= max_depth:
                return _path(frames), depth_message(max_depth)
            frames.append([value, 0 if value == "[" else None, value == "{"])
        elif value in "]}":
            if frames:
                frames.pop()
        elif not frames:
            continue
        elif value == ",":
            top = frames[-1]
            if top[0] == "[":
                top[1] += 1
            else:
                top[2] = True
        elif value == ":":
            frames[-1][2] = False
        elif frames[-1][0] == "{" and frames[-1][2]:
            frames[-1][1] = _decode_key(value)
    return None


def value_problem(
    value: Any, *, max_depth: int = MAX_JSON_DEPTH, max_size: int = MAX_JSON_SIZE
) -> Problem | None:
    """The same bounds for an already parsed value (walked without recursion, in document
    order, so that it names the same place as :func:`text_problem`)."""
    size = 0
    pending: list[tuple[Any, str, int]] = [(value, "$", 1)]
    while pending:
        node, path, depth = pending.pop()
        if isinstance(node, dict | list):
            if depth > max_depth:
                return path, depth_message(max_depth)
            size += 2
            if isinstance(node, dict):
                children = [(child, key_path(path, key), depth + 1) for key, child in node.items()]
                size += sum(len(key) + 3 if isinstance(key, str) else 8 for key in node)
            else:
                children = [
                    (child, f"{path}[{index}]", depth + 1) for index, child in enumerate(node)
                ]
                size += len(node)
            pending.extend(reversed(children))
        elif isinstance(node, str):
            size += len(node) + 2
        else:
            size += 5
        if size > max_size:
            return "$", size_message(max_size, f"more than {max_size}")
    return None


def _path(frames: list[list[Any]]) -> str:
    path = "$"
    for kind, where, _key_next in frames:
        path = f"{path}[{where}]" if kind == "[" else key_path(path, where)
    return path


def _decode_key(token: str) -> str:
    try:
        return json.loads(token)
    except ValueError:
        return token[1:-1]
