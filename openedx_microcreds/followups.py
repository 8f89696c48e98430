"""Work that must start once a transaction commits: pending evaluations to run, outbox messages
to send. Services record the work durably in their transaction and name it here; the task layer
starts it. So no service imports the task layer: ``tasks.py`` registers the dispatcher when it is
imported, and a batch (a backfill) may hold the work back and start it all at once.

Work named when no dispatcher is registered (a script that never imported the tasks) is not
lost: its rows are in the database and the sweep starts them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

log = logging.getLogger(__name__)


@dataclass
class FollowUps:
    """Keys of pending evaluations (``pending.PendingKey``), ids of outbox messages, and
    (award id, event) pairs whose outbox messages are to be sent (looked up when started)."""

    evaluations: list[Any] = field(default_factory=list)
    messages: list[int] = field(default_factory=list)
    outbox_events: list[tuple[int, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.evaluations or self.messages or self.outbox_events)

    def extend(self, other: FollowUps) -> None:
        self.evaluations.extend(other.evaluations)
        self.messages.extend(other.messages)
        self.outbox_events.extend(other.outbox_events)


Dispatcher = Callable[[FollowUps], None]
_dispatcher: Dispatcher | None = None
_held: ContextVar[FollowUps | None] = ContextVar("held_follow_ups", default=None)


def set_dispatcher(dispatch: Dispatcher) -> None:
    """Called by the task layer: how to start follow-up work."""
    global _dispatcher
    _dispatcher = dispatch


def after_commit(
    *,
    evaluations: list[Any] = (),
    messages: list[int] = (),
    outbox_events: list[tuple[int, str]] = (),
) -> None:
    """Start this work once the current transaction commits (now, outside one), or hold it for
    the batch that asked (:func:`held`)."""
    work = FollowUps(list(evaluations), list(messages), list(outbox_events))
    if not work:
        return
    held_work = _held.get()
    if held_work is not None:
        held_work.extend(work)
        return
    transaction.on_commit(lambda: dispatch(work))


def dispatch(work: FollowUps) -> None:
    if not work:
        return
    if _dispatcher is None:
        log.info("microcreds: no task layer loaded; the sweep will start %s", work)
        return
    _dispatcher(work)


@contextmanager
def held() -> Iterator[FollowUps]:
    """Collect the follow-up work named in this block instead of starting it; the caller starts
    it with :func:`dispatch` once its own transaction has committed."""
    work = FollowUps()
    token = _held.set(work)
    try:
        yield work
    finally:
        _held.reset(token)
