"""The durable record of work to do: request it, run it, sweep up what was left behind.

A Celery message can be lost (a broker that refuses it, a worker killed with the message
unacknowledged, a database outage that fails the task); a row in the database cannot. So every
event is first recorded here, in the transaction of the change that caused it, and the message
only says "look at this row". The row is marked done by the task that evaluated it, and only if
no newer request arrived meanwhile (``token``); a transient failure re-schedules it with
exponential backoff; rows left pending too long are re-queued by :func:`sweep`.

Plain service code: no Celery here. The task layer (``tasks.py``) wakes workers and calls
:func:`run`.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .models import Evaluation, PendingEvaluation
from .settings import get_setting
from .triggers import Trigger

log = logging.getLogger(__name__)
State = PendingEvaluation.State
Kind = PendingEvaluation.Kind

# A token is random rather than a counter so that one upsert statement can set it on every
# database (an "increment on conflict" is not expressible portably).
_TOKEN_BITS = 62


@dataclass(frozen=True)
class PendingKey:
    """Identifies one row; what a wake-up message carries."""

    user_id: int
    kind: str
    scope: str

    def as_args(self) -> list:
        return [self.user_id, self.kind, self.scope]


def key_for(trigger: Trigger, kind: str = Kind.EVALUATE) -> PendingKey:
    """The row a trigger belongs to: one per learner and course (or CCX, or stacked credential)."""
    if trigger.awarded_slug:
        scope = f"credential:{trigger.awarded_slug}"
    else:
        scope = trigger.ccx_key or trigger.course_key or ""
    return PendingKey(int(trigger.user_id), str(kind), scope[:255])


def request(trigger: Trigger, kind: str = Kind.EVALUATE) -> PendingKey:
    """Record that ``trigger`` needs handling, in the caller's transaction: one upsert.

    Repeated requests for the same key update the row (new trigger, new token, due now), so a
    flood of grade events leaves one row. Raises on database errors; callers inside the LMS
    catch them (see ``tasks.schedule_evaluation``).
    """
    key = key_for(trigger, kind)
    now = timezone.now()
    # MySQL's ON DUPLICATE KEY UPDATE names no conflict target (any unique key triggers it);
    # SQLite and PostgreSQL need one.
    target = (
        {"unique_fields": ["user_id", "kind", "scope"]}
        if connection.features.supports_update_conflicts_with_target
        else {}
    )
    PendingEvaluation.objects.bulk_create(
        [
            PendingEvaluation(
                user_id=key.user_id,
                kind=key.kind,
                scope=key.scope,
                trigger=trigger.to_dict(),
                token=new_token(),
                state=State.PENDING,
                attempts=0,
                requested_at=now,
                due_at=now,
                finished_at=None,
                last_error="",
            )
        ],
        update_conflicts=True,
        **target,
        update_fields=[
            "trigger",
            "token",
            "state",
            "attempts",
            "requested_at",
            "due_at",
            "finished_at",
            "last_error",
        ],
    )
    return key


def new_token() -> int:
    return random.getrandbits(_TOKEN_BITS)


@dataclass(frozen=True)
class RunResult:
    """What :func:`run` did: ``outcome`` is one of the constants below."""

    outcome: str
    detail: str = ""
    retry_in: float | None = None


NOTHING_TO_DO = "nothing to do"
DONE = "done"
SUPERSEDED = "superseded"  # a newer request arrived while we worked: the row stays pending
RETRY = "retry later"
GAVE_UP = "failed"


def run(key: PendingKey) -> RunResult:
    """Do the work of one row if it is pending, and record the result on it."""
    row = PendingEvaluation.objects.filter(
        user_id=key.user_id, kind=key.kind, scope=key.scope
    ).first()
    if row is None or row.state != State.PENDING:
        return RunResult(NOTHING_TO_DO)
    token = row.token
    trigger = Trigger.from_dict(row.trigger)
    if row.kind == Kind.CERTIFICATE_REVOKED:
        errors = _revoke_for_certificate(trigger)
        failed: list[Evaluation] = []
    else:
        failed = _evaluate(row, trigger)
        errors = [f"{e.definition.slug if e.definition else '-'}: {e.error}" for e in failed]
    if not errors:
        return _finish(row, token)
    return _defer(row, token, "; ".join(errors)[:2000], [e.pk for e in failed if e.pk])


def _evaluate(row: PendingEvaluation, trigger: Trigger) -> list[Evaluation]:
    """Evaluate the trigger; the failed Evaluations (to retry). Earlier failures of this row are
    updated in place rather than adding a row per attempt."""
    from .awarding import process_trigger

    earlier = (
        {
            evaluation.definition_id: evaluation
            for evaluation in Evaluation.objects.filter(
                pk__in=row.failed_evaluations, outcome=Evaluation.Outcome.FAILED
            ).select_related("definition")
        }
        if row.failed_evaluations
        else {}
    )
    evaluations = process_trigger(trigger, retrying=earlier)
    # A failure of the whole trigger (no such user, no course) will not heal by waiting: it is
    # recorded as a failed Evaluation for an operator's --retry-failed, and the row is done.
    return [
        e
        for e in evaluations
        if e.outcome == Evaluation.Outcome.FAILED and e.definition_id is not None
    ]


def _revoke_for_certificate(trigger: Trigger) -> list[str]:
    from .revocation import revoke_for_certificate

    revoke_for_certificate(trigger.user_id, trigger.course_key or "")
    return []


def _finish(row: PendingEvaluation, token: int) -> RunResult:
    changed = PendingEvaluation.objects.filter(pk=row.pk, token=token, state=State.PENDING).update(
        state=State.DONE,
        finished_at=timezone.now(),
        attempts=0,
        last_error="",
        failed_evaluations=[],
    )
    return RunResult(DONE if changed else SUPERSEDED)


def _defer(row: PendingEvaluation, token: int, error: str, failed_ids: list[int]) -> RunResult:
    attempts = row.attempts + 1
    limit = int(get_setting("MICROCREDS_PENDING_MAX_ATTEMPTS"))
    now = timezone.now()
    if attempts >= limit:
        fields = {"state": State.FAILED, "finished_at": now}
        outcome, delay = GAVE_UP, None
    else:
        delay = backoff_seconds(attempts)
        fields = {"due_at": now + timedelta(seconds=delay)}
        outcome = RETRY
    changed = PendingEvaluation.objects.filter(pk=row.pk, token=token, state=State.PENDING).update(
        attempts=attempts, last_error=error, failed_evaluations=failed_ids, **fields
    )
    if not changed:
        return RunResult(SUPERSEDED, error)
    log.warning(
        "microcreds: %s for user %s (%s) failed, attempt %s of %s: %s",
        row.kind,
        row.user_id,
        row.scope,
        attempts,
        limit,
        error,
    )
    return RunResult(outcome, error, delay)


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with jitter: base * 4**(attempts-1), capped, +-20 %."""
    base = float(get_setting("MICROCREDS_PENDING_RETRY_BASE_SECONDS"))
    cap = float(get_setting("MICROCREDS_PENDING_RETRY_MAX_SECONDS"))
    delay = min(cap, base * 4 ** max(0, attempts - 1))
    return delay * random.uniform(0.8, 1.2)


def overdue(now: datetime | None = None, *, limit: int = 500) -> list[PendingKey]:
    """Pending rows whose time came more than the stale delay ago: their wake-up was lost, the
    worker died, or the database failed the task. Marks each as re-queued (due again later)."""
    now = now or timezone.now()
    stale = timedelta(seconds=float(get_setting("MICROCREDS_PENDING_STALE_SECONDS")))
    rows = list(
        PendingEvaluation.objects.filter(state=State.PENDING, due_at__lte=now - stale)
        .order_by("due_at")
        .values_list("pk", "user_id", "kind", "scope")[:limit]
    )
    if rows:
        # Due again in one stale period: if this wake-up is lost too, the next sweep retries.
        PendingEvaluation.objects.filter(pk__in=[pk for pk, *_ in rows]).update(due_at=now)
    return [PendingKey(user_id, kind, scope) for _, user_id, kind, scope in rows]


def requeue_failed(*, limit: int | None = None) -> list[PendingKey]:
    """Rows that gave up, back to pending (an operator's ``--retry-failed``); their keys."""
    rows = PendingEvaluation.objects.filter(state=State.FAILED).order_by("due_at", "pk")
    return mark_due(list(rows.values_list("pk", flat=True)[:limit]))


def mark_due(pks: list[int]) -> list[PendingKey]:
    """Make these rows pending and due now, with a fresh start on attempts; their keys."""
    now = timezone.now()
    keys = []
    for pk, user_id, kind, scope in PendingEvaluation.objects.filter(pk__in=pks).values_list(
        "pk", "user_id", "kind", "scope"
    ):
        PendingEvaluation.objects.filter(pk=pk).update(
            state=State.PENDING, attempts=0, due_at=now, token=new_token(), finished_at=None
        )
        keys.append(PendingKey(user_id, kind, scope))
    return keys


def in_transaction() -> bool:
    return connection.in_atomic_block


def savepoint_if_needed():
    """A savepoint inside the caller's transaction (so a failure here cannot poison it), and
    nothing outside one: a single statement in autocommit mode is atomic on its own."""
    if in_transaction():
        return transaction.atomic()
    from contextlib import nullcontext

    return nullcontext()
