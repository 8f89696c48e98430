"""Running recorded work (:mod:`openedx_microcreds.pending`): evaluate, mark done only if no
newer request arrived meanwhile (``token``), retry failures with exponential backoff, give up
after the configured attempts. Several rows run together share what they read.

Plain service code: the task layer (``tasks.py``) calls it and starts the follow-up work it
names.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from . import retrying
from .awarding import Prefetched, process_trigger
from .models import Evaluation, PendingEvaluation
from .pending import Kind, PendingKey, State
from .platform import get_platform
from .retrying import Attempt
from .revocation import revoke_for_certificate
from .settings import get_setting
from .triggers import Trigger

log = logging.getLogger(__name__)

RunResult = Attempt


NOTHING_TO_DO = "nothing to do"
DONE = "done"
SUPERSEDED = "superseded"  # a newer request arrived while we worked: the row stays pending
RETRY = "retry later"
GAVE_UP = "failed"


def run(key: PendingKey) -> RunResult:
    """Do the work of one row if it is pending, and record the result on it."""
    return run_many([key]).get(key, RunResult(NOTHING_TO_DO))


def run_many(keys: list[PendingKey]) -> dict[PendingKey, RunResult]:
    """Do the work of several rows: their learners, what they hold and the definitions they
    concern are read once for all of them (a backfill's follow-ups, the sweep)."""
    rows = _rows(keys)
    results = {key: RunResult(NOTHING_TO_DO) for key in keys}
    todo = [row for row in rows if row.state == State.PENDING]
    prefetched = None
    if len(todo) > 1:
        prefetched = Prefetched.for_users(get_platform(), [row.user_id for row in todo])
    finished = []
    for row in todo:
        trigger = Trigger.from_dict(row.trigger)
        if row.kind == Kind.CERTIFICATE_REVOKED:
            errors, failed = _revoke_for_certificate(trigger), []
        else:
            failed = _evaluate(row, trigger, prefetched)
            errors = [f"{e.definition.slug if e.definition else '-'}: {e.error}" for e in failed]
        if errors:
            error = "; ".join(errors)[:2000]
            results[_key(row)] = _defer(row, row.token, error, [e.pk for e in failed if e.pk])
        else:
            finished.append(row)
    results.update(_finish(finished))
    return results


def _key(row: PendingEvaluation) -> PendingKey:
    return PendingKey(row.user_id, row.kind, row.scope)


def _rows(keys: list[PendingKey]) -> list[PendingEvaluation]:
    found: list[PendingEvaluation] = []
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        matches = Q()
        for key in chunk:
            matches |= Q(user_id=key.user_id, kind=key.kind, scope=key.scope)
        # The IN on the unique index's first column lets the database narrow the rows down
        # before it tries the alternatives (SQLite would otherwise test them on every row).
        learners = {key.user_id for key in chunk}
        found.extend(PendingEvaluation.objects.filter(user_id__in=learners).filter(matches))
    return found


# Keys per query when rows are read or finished together.
_CHUNK = 200


def _evaluate(row: PendingEvaluation, trigger: Trigger, prefetched: Any) -> list[Evaluation]:
    """Evaluate the trigger; the failed Evaluations (to retry). Earlier failures of this row are
    updated in place rather than adding a row per attempt."""
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
    evaluations = process_trigger(trigger, retrying=earlier, prefetched=prefetched)
    # A failure of the whole trigger (no such user, no course) will not heal by waiting: it is
    # recorded as a failed Evaluation for an operator's --retry-failed, and the row is done.
    return [
        e
        for e in evaluations
        if e.outcome == Evaluation.Outcome.FAILED and e.definition_id is not None
    ]


def _revoke_for_certificate(trigger: Trigger) -> list[str]:
    revoke_for_certificate(trigger.user_id, trigger.course_key or "")
    return []


def _finish(rows: list[PendingEvaluation]) -> dict[PendingKey, RunResult]:
    """Mark rows done, each only if its token is still the one read (one statement per chunk);
    a row whose token changed got a newer request meanwhile and stays pending."""
    results: dict[PendingKey, RunResult] = {}
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        same_request = Q()
        for row in chunk:
            same_request |= Q(pk=row.pk, token=row.token)
        chosen = PendingEvaluation.objects.filter(pk__in=[row.pk for row in chunk])
        changed = chosen.filter(same_request, state=State.PENDING).update(
            state=State.DONE,
            finished_at=timezone.now(),
            attempts=0,
            last_error="",
            failed_evaluations=[],
        )
        superseded: set[int] = set()
        if changed < len(chunk):
            superseded = set(
                PendingEvaluation.objects.filter(
                    pk__in=[row.pk for row in chunk], state=State.PENDING
                ).values_list("pk", flat=True)
            )
        for row in chunk:
            results[_key(row)] = RunResult(SUPERSEDED if row.pk in superseded else DONE)
    return results


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
    return retrying.backoff_seconds(
        attempts,
        base=float(get_setting("MICROCREDS_PENDING_RETRY_BASE_SECONDS")),
        cap=float(get_setting("MICROCREDS_PENDING_RETRY_MAX_SECONDS")),
        factor=4,
    )
