"""Counting the work a function does, without a clock.

Two counts, added up:

- Python: every line executed (``sys.settrace``), in every frame;
- regular expressions, which run in C where no tracer sees them: an upper bound on the steps a
  backtracking engine may take for each call made through the ``re`` module or a compiled
  pattern held by the watched modules. One start position costs at most ``span ** k`` steps
  (``k`` unbounded repeats in the pattern, each trying at most ``span`` lengths) or the
  pattern's maximal width when it has none; a scan (``search``, ``sub``, ``finditer``...)
  tries every start up to its first match (``search``) or the end (the others).

The bound is loose on purpose: a renderer whose bound grows linearly does linear work, whatever
its regular expressions do inside. What neither count sees is C code other than ``re``
(``str.find``, slicing): a quadratic loop hidden there would go unnoticed.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

try:  # Python 3.11+: the parser moved into the re package
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

_SCANS = ("search", "sub", "subn", "finditer", "findall", "split")
_ANCHORED = ("match", "fullmatch")
_UNBOUNDED = sre_parse.MAXREPEAT


def _unbounded_repeats(parsed: Any) -> int:
    count = 0
    for op, argument in parsed:
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT, sre_parse.POSSESSIVE_REPEAT):
            low, high, body = argument
            count += (high == _UNBOUNDED) + _unbounded_repeats(body)
        elif op == sre_parse.SUBPATTERN:
            count += _unbounded_repeats(argument[-1])
        elif op == sre_parse.BRANCH:
            count += max(_unbounded_repeats(branch) for branch in argument[1])
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            count += _unbounded_repeats(argument[1])
    return count


class _Shape:
    def __init__(self, pattern: re.Pattern) -> None:
        parsed = sre_parse.parse(pattern.pattern, pattern.flags)
        self.repeats = _unbounded_repeats(parsed)
        self.width = parsed.getwidth()[1]

    def per_start(self, span: int) -> int:
        if self.repeats:
            return max(span, 1) ** self.repeats
        return max(min(self.width, span), 1)


class WorkCounter:
    def __init__(self) -> None:
        self.lines = 0
        self.regex_steps = 0
        self.regex_by_pattern: Counter[str] = Counter()  # what a failure message shows
        self._shapes: dict[re.Pattern, _Shape] = {}
        self.active = False

    @property
    def total(self) -> int:
        return self.lines + self.regex_steps

    def _shape(self, pattern: re.Pattern) -> _Shape:
        shape = self._shapes.get(pattern)
        if shape is None:
            shape = self._shapes[pattern] = _Shape(pattern)
        return shape

    def regex_call(self, pattern: re.Pattern, method: str, string: Any, pos: int, result: Any):
        if not self.active or not isinstance(string, str | bytes):
            return
        span = max(len(string) - pos, 0)
        per_start = self._shape(pattern).per_start(span)
        if method in _ANCHORED:
            starts = 1
        elif method == "search" and result is not None:
            starts = result.start() - pos + 1
        else:
            starts = span + 1
        self.regex_steps += starts * per_start
        self.regex_by_pattern[f"{method} {pattern.pattern[:50]!r}"] += starts * per_start

    def summary(self) -> str:
        top = ", ".join(f"{key}: {steps}" for key, steps in self.regex_by_pattern.most_common(3))
        return f"{self.lines} lines, {self.regex_steps} regex steps ({top or 'none'})"

    def _trace(self, frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            self.lines += 1
        return self._trace


class _CountingPattern:
    """Stands in for a compiled pattern, reporting each call to the counter."""

    def __init__(self, pattern: re.Pattern, counter: WorkCounter) -> None:
        self._pattern = pattern
        self._counter = counter

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._pattern, name)
        if name not in _SCANS + _ANCHORED:
            return method

        def call(*args: Any, **kwargs: Any) -> Any:
            result = method(*args, **kwargs)
            string_index = 1 if name in ("sub", "subn") else 0
            string = args[string_index] if len(args) > string_index else kwargs.get("string")
            pos = (
                args[string_index + 1]
                if name not in ("sub", "subn", "split") and len(args) > string_index + 1
                else kwargs.get("pos", 0)
            )
            self._counter.regex_call(self._pattern, name, string, pos or 0, result)
            return result

        return call


def _module_function(counter: WorkCounter, name: str, original: Any) -> Any:
    def call(pattern: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(pattern, *args, **kwargs)
        compiled = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
        string = args[1] if name in ("sub", "subn") else args[0]
        counter.regex_call(compiled, name, string, 0, result)
        return result

    return call


@contextmanager
def counting_work(watched: tuple[str, ...], objects: tuple[Any, ...] = ()) -> Iterator[WorkCounter]:
    """Count the work done inside the block: all Python lines, and the regular expressions of
    the ``re`` module's functions, of the modules whose names start with one of ``watched``
    and of ``objects`` (compiled patterns kept as attributes). Everything is put back after."""
    counter = WorkCounter()
    holders = [
        module
        for module_name, module in list(sys.modules.items())
        if module is not None and module_name.startswith(watched)
    ]
    replaced: list[tuple[Any, str, Any]] = []
    for holder in [*holders, *objects]:
        for attribute, value in list(vars(holder).items()):
            if isinstance(value, re.Pattern):
                replaced.append((holder, attribute, value))
                setattr(holder, attribute, _CountingPattern(value, counter))
    for name in _SCANS + _ANCHORED:
        original = getattr(re, name)
        replaced.append((re, name, original))
        setattr(re, name, _module_function(counter, name, original))
    previous = sys.gettrace()
    counter.active = True
    sys.settrace(counter._trace)
    try:
        yield counter
    finally:
        sys.settrace(previous)
        counter.active = False
        for holder, attribute, original in reversed(replaced):
            setattr(holder, attribute, original)
