"""A batch of work in one transaction (a backfill's learners): what every item would look up
again is looked up once for the batch, and released when it ends.

Outside a batch everything is looked up afresh, as before. Inside one, :func:`memo` returns the
value computed first in this batch (the issuer's active key, course titles), and
:func:`on_exit` registers what to do when the batch ends, still inside its transaction (give
back the status list slots it reserved and did not use).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class _Batch:
    values: dict[Any, Any] = field(default_factory=dict)
    exits: list[Callable[[], None]] = field(default_factory=list)


_current: ContextVar[_Batch | None] = ContextVar("microcreds_batch", default=None)


@contextmanager
def scope() -> Iterator[None]:
    """Open a batch. Enter it inside the batch's transaction, so that its exits run there."""
    batch = _Batch()
    token = _current.set(batch)
    try:
        yield
        for finish in batch.exits:
            finish()
    finally:
        _current.reset(token)


def active() -> bool:
    return _current.get() is not None


def memo(key: Any, compute: Callable[[], T]) -> T:
    """``compute()`` once per batch for ``key`` (every time outside a batch)."""
    batch = _current.get()
    if batch is None:
        return compute()
    if key not in batch.values:
        batch.values[key] = compute()
    return batch.values[key]


def on_exit(finish: Callable[[], None]) -> None:
    """Run ``finish`` when the current batch ends normally (nothing outside a batch)."""
    batch = _current.get()
    if batch is not None:
        batch.exits.append(finish)
