"""Evaluating a course's learners against its definitions, for real (awarding, as an event
would) or as a dry run (who would get what, and why; nothing written): the one loop that
``microcreds_evaluate``, the API and the dry-run jobs share.

Learners are read in batches (their accounts and what they hold: one query each per batch), so
the work per learner is its grade reads and the rule engine's.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import awarding
from .models import CredentialDefinition, DryRunJob, DryRunResult, Evaluation
from .platform import PlatformAdapter, get_platform
from .triggers import Trigger, master_of_ccx

log = logging.getLogger(__name__)

EVENT_TYPE = "microcreds.evaluate"
Outcome = Evaluation.Outcome
#: What a dry run calls the outcome of awarding.
WOULD_AWARD = "would_award"
BATCH = 200


@dataclass(frozen=True)
class Row:
    """One learner and one definition: the outcome, the reason in one line, the explanation."""

    user_id: int
    username: str
    definition: str  # the slug
    outcome: str  # an Evaluation outcome; "would_award" in a dry run
    reason: str
    explanation: dict[str, Any] = field(default_factory=dict)


def failing_summaries(tree: dict[str, Any] | None) -> list[str]:
    """The summaries of the clauses that made ``tree`` fail: its deepest failing clauses."""
    if not tree or tree.get("passed", True):
        return []
    failing = [child for child in tree.get("children") or () if not child.get("passed", True)]
    if not failing:
        return [str(tree.get("summary", ""))]
    return [summary for child in failing for summary in failing_summaries(child)]


def _row(
    learner: Any, definition: CredentialDefinition, evaluation: Evaluation, outcome: str
) -> Row:
    tree = (evaluation.explanation or {}).get("explanation") or None
    if outcome == Outcome.FAILED:
        reason = evaluation.error
    elif outcome == Outcome.NOT_MET:
        reason = "; ".join(failing_summaries(tree)) or "criteria not met"
    elif outcome in (Outcome.AWARDED, WOULD_AWARD) and tree:
        reason = str(tree.get("summary", ""))
    else:
        reason = ""
    return Row(
        learner.id,
        learner.username,
        definition.slug,
        outcome,
        " ".join(reason.split()),
        tree or {},
    )


def evaluate(
    course_key: str,
    definitions: list[CredentialDefinition],
    user_ids: Iterable[int],
    *,
    dry_run: bool,
    platform: PlatformAdapter | None = None,
    on_batch: Callable[[list[Row], int], None] | None = None,
) -> Iterator[Row]:
    """Rows of ``definitions`` for each learner of ``user_ids`` in ``course_key`` (a CCX key
    reads the CCX's grades for its master's definitions). Without ``dry_run`` learners who meet
    a rule are awarded, exactly as by an event. ``on_batch(rows, learners)`` after each batch."""
    platform = platform or get_platform()
    master = master_of_ccx(course_key)
    event_id = f"evaluate:{uuid.uuid4()}"
    batch: list[int] = []
    for user_id in user_ids:
        batch.append(user_id)
        if len(batch) >= BATCH:
            yield from _batch(
                platform, course_key, master, definitions, batch, dry_run, event_id, on_batch
            )
            batch = []
    if batch:
        yield from _batch(
            platform, course_key, master, definitions, batch, dry_run, event_id, on_batch
        )


def _batch(platform, course_key, master, definitions, user_ids, dry_run, event_id, on_batch):
    prefetched = awarding.Prefetched.for_users(platform, user_ids)
    rows: list[Row] = []
    for user_id in user_ids:
        learner = prefetched.users.get(user_id)
        if learner is None:
            rows.extend(
                Row(user_id, f"#{user_id}", d.slug, Outcome.FAILED, f"no user with id {user_id}")
                for d in definitions
            )
            continue
        trigger = Trigger(
            event_type=EVENT_TYPE,
            user_id=user_id,
            course_key=master or course_key,
            event_id=event_id,
            ccx_key=course_key if master else None,
        )
        held = prefetched.held[user_id]
        for definition in definitions:
            # A dry run evaluates held credentials too (awarding skips them only for real), and
            # says they are held.
            evaluation = awarding.evaluate_and_award(
                definition, learner, trigger, platform, dry_run=dry_run, held=set(held)
            )
            outcome = evaluation.outcome
            if dry_run and definition.slug in held:
                outcome = Outcome.ALREADY_HELD
            elif dry_run and outcome == Outcome.AWARDED:
                outcome = WOULD_AWARD
            rows.append(_row(learner, definition, evaluation, outcome))
    if on_batch is not None:
        on_batch(rows, len(user_ids))
    return rows


def counts(tally: Mapping[str, int]) -> dict[str, int]:
    """How many would get it (of outcomes counted in ``tally``), would not, hold it already,
    and could not be evaluated."""
    tally = Counter(tally)
    return {
        WOULD_AWARD: tally[WOULD_AWARD] + tally[Outcome.AWARDED],
        "not_met": tally[Outcome.NOT_MET],
        "already_held": tally[Outcome.ALREADY_HELD],
        "errors": tally[Outcome.FAILED],
    }


# --- jobs -----------------------------------------------------------------------------------


def job_definition(job: DryRunJob) -> CredentialDefinition:
    """What the job tries: the saved definition, or the draft it was given (unsaved)."""
    if job.draft:
        draft = job.draft
        return CredentialDefinition(
            slug=draft.get("slug") or "draft",
            name=draft.get("name") or "Draft",
            course_key=draft.get("course_key"),
            rule=draft.get("rule") or {},
            state=CredentialDefinition.State.DRAFT,
        )
    return job.definition


class _Superseded(Exception):
    """The job was restarted elsewhere (this worker was taken for dead): stop writing."""


# A job restarted this many times without finishing is failed rather than started again.
MAX_ATTEMPTS = 3


def run_job(job_id: int, *, platform: PlatformAdapter | None = None) -> DryRunJob:
    """Run a queued dry-run job: every enrolled learner, results stored as they come, progress
    counted after each batch. A job already started (a duplicate message) is left alone; a job
    restarted while this run was still going (see :func:`restart_stalled`) stops this run at
    its next batch, with nothing of this run's left in it."""
    platform = platform or get_platform()
    now = timezone.now()
    started = DryRunJob.objects.filter(pk=job_id, state=DryRunJob.State.QUEUED).update(
        state=DryRunJob.State.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempt=F("attempt") + 1,
    )
    job = DryRunJob.objects.select_related("definition").get(pk=job_id)
    if not started:
        return job
    mine = DryRunJob.objects.filter(pk=job.pk, state=DryRunJob.State.RUNNING, attempt=job.attempt)
    try:
        user_ids = sorted(platform.enrolled_learners(job.course_key))
        if not mine.update(total=len(user_ids), heartbeat_at=timezone.now()):
            raise _Superseded
        tally: Counter[str] = Counter()

        def store(rows: list[Row], learners: int) -> None:
            rows_tally = Counter(row.outcome for row in rows)
            after = tally + rows_tally
            with transaction.atomic():
                if not mine.update(
                    processed=F("processed") + learners,
                    counts=counts(after),
                    heartbeat_at=timezone.now(),
                ):
                    raise _Superseded
                DryRunResult.objects.bulk_create(
                    [
                        DryRunResult(
                            job_id=job.pk,
                            user_id=row.user_id,
                            username=row.username,
                            outcome=row.outcome,
                            reason=row.reason,
                            explanation=row.explanation,
                        )
                        for row in rows
                    ]
                )
            tally.update(rows_tally)

        rows = evaluate(
            job.course_key,
            [job_definition(job)],
            user_ids,
            dry_run=True,
            platform=platform,
            on_batch=store,
        )
        for _stored in rows:  # stored batch by batch (store)
            continue
        mine.update(state=DryRunJob.State.DONE, finished_at=timezone.now(), counts=counts(tally))
    except _Superseded:
        log.warning("microcreds: dry run %s was restarted elsewhere; this run stops", job.uuid)
    except Exception as exc:  # recorded on the job, which the author polls
        log.exception("microcreds: dry run %s failed", job.uuid)
        mine.update(
            state=DryRunJob.State.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}",
        )
    job.refresh_from_db()
    return job


def restart_stalled(stale_seconds: float) -> list[int]:
    """
    Jobs left behind: running with no progress for ``stale_seconds`` (their worker died: an
    acknowledged-late message comes back only after the broker's visibility timeout, and its
    second delivery would find the job running), or queued that long without starting (the
    message was lost). A running one is reset (its partial results deleted) and queued again,
    up to :data:`MAX_ATTEMPTS` starts, then failed with the reason; a queued one is sent again
    at most once per ``stale_seconds``, and failed when no worker took it within a day.
    Returns the ids to send to a worker.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds)
    again = []
    running = DryRunJob.objects.filter(state=DryRunJob.State.RUNNING, heartbeat_at__lt=cutoff)
    for job in running.only("pk", "attempt", "heartbeat_at", "uuid"):
        same = DryRunJob.objects.filter(
            pk=job.pk,
            state=DryRunJob.State.RUNNING,
            attempt=job.attempt,
            heartbeat_at=job.heartbeat_at,
        )
        with transaction.atomic():
            if job.attempt >= MAX_ATTEMPTS:
                same.update(
                    state=DryRunJob.State.FAILED,
                    finished_at=now,
                    error=f"its worker stopped {job.attempt} times before it finished",
                )
            elif same.update(
                state=DryRunJob.State.QUEUED, processed=0, counts={}, heartbeat_at=now
            ):
                DryRunResult.objects.filter(job_id=job.pk).delete()
                again.append(job.pk)
                log.warning("microcreds: dry run %s stalled; started again", job.uuid)
    waiting = DryRunJob.objects.filter(state=DryRunJob.State.QUEUED).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created__lt=cutoff)
    )
    for job in waiting.only("pk", "created", "heartbeat_at"):
        if job.created < now - timedelta(days=1):
            DryRunJob.objects.filter(pk=job.pk, state=DryRunJob.State.QUEUED).update(
                state=DryRunJob.State.FAILED,
                finished_at=now,
                error="no worker took it within a day",
            )
        elif DryRunJob.objects.filter(
            pk=job.pk, state=DryRunJob.State.QUEUED, heartbeat_at=job.heartbeat_at
        ).update(heartbeat_at=now):
            again.append(job.pk)  # a second message is harmless: only one run can start it
    return again
