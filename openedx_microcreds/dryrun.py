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
from typing import Any

from django.db import transaction
from django.db.models import F
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


def run_job(job_id: int, *, platform: PlatformAdapter | None = None) -> DryRunJob:
    """Run a queued dry-run job: every enrolled learner, results stored as they come, progress
    counted after each batch. A job already started (a duplicate message) is left alone."""
    platform = platform or get_platform()
    started = DryRunJob.objects.filter(pk=job_id, state=DryRunJob.State.QUEUED).update(
        state=DryRunJob.State.RUNNING, started_at=timezone.now()
    )
    job = DryRunJob.objects.select_related("definition").get(pk=job_id)
    if not started:
        return job
    try:
        user_ids = sorted(platform.enrolled_learners(job.course_key))
        DryRunJob.objects.filter(pk=job.pk).update(total=len(user_ids))
        tally: Counter[str] = Counter()

        def store(rows: list[Row], learners: int) -> None:
            with transaction.atomic():
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
                tally.update(row.outcome for row in rows)
                DryRunJob.objects.filter(pk=job.pk).update(
                    processed=F("processed") + learners, counts=counts(tally)
                )

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
        DryRunJob.objects.filter(pk=job.pk).update(
            state=DryRunJob.State.DONE, finished_at=timezone.now(), counts=counts(tally)
        )
    except Exception as exc:  # recorded on the job, which the author polls
        log.exception("microcreds: dry run %s failed", job.uuid)
        DryRunJob.objects.filter(pk=job.pk).update(
            state=DryRunJob.State.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}",
        )
    job.refresh_from_db()
    return job
