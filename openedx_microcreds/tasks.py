"""Celery tasks, and the scheduling that receivers and services call.

Work is recorded durably first (:mod:`openedx_microcreds.pending`: one upsert in the caller's
transaction), then a worker is woken after commit. The message carries only the row's key, so
losing it loses nothing: the sweep re-queues rows left pending.

Grade events come in floods of duplicates. The pending row coalesces them in the database; the
wake-up messages are coalesced too, through a short-lived cache mark per row, when the cache is
shared with the workers. The task clears the mark *before* it reads the row and the grades, so
an event committed after that point sends a fresh wake-up: no grade change is ever missed.
"""

from __future__ import annotations

import hashlib
import logging
import time
from typing import Any

from celery import shared_task
from celery.signals import worker_ready
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, transaction

from . import followups, pending, runner
from .pending import PendingKey
from .settings import get_setting
from .triggers import Trigger

log = logging.getLogger(__name__)

# Long enough to absorb a recompute flood; short enough that a lost wake-up only delays the next.
COALESCE_SECONDS = 60
# Backoff retries sooner than this get their own delayed wake-up; later ones are left to the
# sweep (long ETAs outlive a Redis broker's visibility timeout and come back as duplicates).
_ETA_WAKE_UP_LIMIT = 15 * 60
# Database errors the task retries with backoff (a lost connection, a deadlock, a lock timeout).
_TRANSIENT_DB_ERRORS = (OperationalError, InterfaceError)
_DB_RETRIES = 10


def coalesce_key(key: PendingKey) -> str:
    # Course keys can hold characters memcached refuses in keys; hash the scope.
    scope = hashlib.sha1(key.scope.encode("utf-8")).hexdigest()[:20]  # noqa: S324 - not security
    return f"microcreds:wake:{key.user_id}:{key.kind}:{scope}"


def schedule_evaluation(trigger: Trigger, kind: str = pending.Kind.EVALUATE) -> None:
    """Record the work in the current transaction and wake a worker once it commits.

    Never raises: receivers call this inside the LMS's grading code. When the record cannot be
    written (the database refused it), the trigger itself is sent to a worker after commit,
    which records it there; when that fails too, the error is logged with the ids to replay.
    """
    if not get_setting("MICROCREDS_ENABLED"):
        return
    try:
        with pending.guard_for_the_upsert():
            key = pending.request(trigger, kind)
    except Exception:  # noqa: BLE001 - never break the LMS's transaction
        log.exception(
            "microcreds: could not record %s for user %s (%s); sending it to a worker instead",
            kind,
            trigger.user_id,
            trigger.event_id,
        )
        transaction.on_commit(lambda: _send_trigger(trigger, kind))
        return
    followups.after_commit(evaluations=[key])


def schedule_certificate_revocation(trigger: Trigger) -> None:
    schedule_evaluation(trigger, pending.Kind.CERTIFICATE_REVOKED)


def dispatch(work: followups.FollowUps) -> None:
    """Start follow-up work (registered with :mod:`followups`, which services call): one task
    per pending evaluation, or one task for a batch of them; one task per outbox message."""
    keys = list(dict.fromkeys(work.evaluations))
    if len(keys) == 1:
        wake(keys[0])
    elif keys:
        wake_all(keys)
    messages = list(work.messages)
    if work.outbox_events:
        from .delivery import outbox

        messages += outbox.pending_ids(list(dict.fromkeys(work.outbox_events)))
    wake_delivery(list(dict.fromkeys(messages)))


followups.set_dispatcher(dispatch)


def wake_all(keys: list[PendingKey]) -> None:
    """Send held wake-ups together: one task for the lot, whose work reads what the rows share
    once (with eager tasks it runs here, in one transaction)."""
    keys = list(dict.fromkeys(keys))
    if len(keys) <= 1:
        for key in keys:
            wake(key, countdown=0)  # past any coalescing mark: it may be a lost one's
        return
    for start in range(0, len(keys), _BATCH):
        chunk = keys[start : start + _BATCH]
        try:
            with transaction.atomic():
                run_pending_batch.apply_async(
                    args=[[key.as_args() for key in chunk]], **task_options()
                )
        except Exception:  # noqa: BLE001 - the rows are durable; the sweep picks them up
            log.exception("microcreds: could not queue %s pending evaluations", len(chunk))


# Pending evaluations one batch task runs at most (a backfill batch's follow-ups, a sweep).
_BATCH = 100


def wake(key: PendingKey, *, countdown: float | None = None) -> None:
    """Send a wake-up for ``key``; a refused message is logged, never raised (the row stays
    pending and the sweep re-queues it)."""
    coalesce = countdown is None and coalescing_is_safe()
    try:
        if coalesce and not cache.add(coalesce_key(key), 1, timeout=COALESCE_SECONDS):
            log.debug("microcreds: %s is covered by a queued wake-up", key)
            return
        options = task_options()
        if countdown is not None:
            options["countdown"] = countdown
        run_pending.apply_async(args=key.as_args(), **options)
    except Exception:  # noqa: BLE001 - the row is durable; the sweep picks it up
        log.exception("microcreds: could not queue %s; the sweep will", key)
        if coalesce:
            _forget_mark(key)


def _forget_mark(key: PendingKey) -> None:
    try:
        cache.delete(coalesce_key(key))
    except Exception:  # noqa: BLE001 - the mark expires on its own
        log.warning("microcreds: could not clear the wake-up mark of %s", key)


def _send_trigger(trigger: Trigger, kind: str) -> None:
    try:
        record_and_run.apply_async(args=[trigger.to_dict(), kind], **task_options())
    except Exception:  # noqa: BLE001 - last resort: say what to replay
        log.exception(
            "microcreds: LOST %s for user %s in %s (event %s): neither recorded nor queued; "
            "replay with microcreds_evaluate %s --user <username>",
            kind,
            trigger.user_id,
            trigger.ccx_key or trigger.course_key,
            trigger.event_id,
            trigger.ccx_key or trigger.course_key,
        )


def coalescing_is_safe() -> bool:
    """Coalesce wake-ups only when the task that clears the mark can see it: tasks run in this
    process (eager), or the cache is shared between processes (memcached, Redis, database).
    With a per-process cache and a real broker a worker could never clear the LMS's mark, so
    every request sends its wake-up instead."""
    from django.conf import settings

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    per_process = backend.endswith(("LocMemCache", "DummyCache"))
    return not per_process or _eager()


def _eager() -> bool:
    return bool(run_pending.app.conf.task_always_eager)


def task_options() -> dict[str, Any]:
    """Where the plugin's tasks go. They read grades, so they must run on LMS workers: a task
    queued in Studio (an admin action, a stacking follow-up, ``manage.py cms ...``) is sent to
    the LMS's queue explicitly, or Studio's workers would take it."""
    queue = get_setting("MICROCREDS_CELERY_QUEUE")
    if queue:
        return {"queue": queue}
    if running_in_studio():
        return {"queue": lms_queue()}
    return {}


def running_in_studio() -> bool:
    """Studio's default queue is ``edx.cms.core.default`` (cms/envs/common.py names its queues
    ``edx.cms.core.*``; the LMS's are ``edx.lms.core.*``)."""
    default = run_pending.app.conf.task_default_queue or ""
    return ".cms." in default


def lms_queue() -> str:
    configured = get_setting("MICROCREDS_LMS_CELERY_QUEUE")
    if configured:
        return configured
    # As the platform's own router does for tasks it sends from Studio to the LMS
    # (openedx/core/lib/celery/routers.py, ensure_queue_env): the first queue named ".lms.".
    for name in run_pending.app.conf.task_queues or _queue_names():
        name = getattr(name, "name", name)
        if ".lms." in str(name):
            return str(name)
    return "edx.lms.core.default"


def _queue_names() -> list[str]:
    from django.conf import settings

    return list(getattr(settings, "CELERY_QUEUES", None) or [])


@shared_task(
    name="openedx_microcreds.run_pending",
    bind=True,
    acks_late=True,
    # A pool child killed mid-task (OOM, SIGKILL) gives the message back instead of acking it.
    reject_on_worker_lost=True,
    ignore_result=True,
)
def run_pending(self, user_id: int, kind: str, scope: str) -> str:
    """Do the recorded work of one learner and scope."""
    key = PendingKey(int(user_id), str(kind), str(scope))
    _forget_mark(key)  # before reading the row: a later request must send a new wake-up
    try:
        result = runner.run(key)
    except _TRANSIENT_DB_ERRORS as exc:
        return _retry_after_database_error(self, key, exc)
    if not _eager():
        if result.outcome == runner.RETRY and (result.retry_in or 0) <= _ETA_WAKE_UP_LIMIT:
            wake(key, countdown=result.retry_in)
        maybe_sweep()
    return result.outcome


def _retry_after_database_error(task: Any, key: PendingKey, exc: DatabaseError) -> str:
    """The database failed under us: the row is still pending, so nothing is lost; try again
    with backoff (and the sweep re-queues it if these retries run out)."""
    log.warning("microcreds: database error while running %s: %s", key, exc)
    if task.request.is_eager:
        return "database error (left pending for the sweep)"
    attempt = task.request.retries + 1
    if attempt > _DB_RETRIES:
        return "database error (retries exhausted; left pending for the sweep)"
    countdown = min(300.0, 2.0 * 2 ** (attempt - 1))
    raise task.retry(exc=exc, countdown=countdown, max_retries=_DB_RETRIES, **task_options())


@shared_task(
    name="openedx_microcreds.run_pending_batch",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def run_pending_batch(self, keys: list[list]) -> dict[str, int]:
    """Do the recorded work of several learners and scopes at once (see runner.run_many)."""
    batch = [PendingKey(int(user_id), str(kind), str(scope)) for user_id, kind, scope in keys]
    try:
        results = runner.run_many(batch)
    except _TRANSIENT_DB_ERRORS as exc:
        return {"database error": len(batch), **_retry_batch_after_database_error(self, exc)}
    outcomes: dict[str, int] = {}
    for key, result in results.items():
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
        if (
            not _eager()
            and result.outcome == runner.RETRY
            and (result.retry_in or 0) <= _ETA_WAKE_UP_LIMIT
        ):
            wake(key, countdown=result.retry_in)
    if not _eager():
        maybe_sweep()
    return outcomes


def _retry_batch_after_database_error(task: Any, exc: DatabaseError) -> dict[str, int]:
    log.warning("microcreds: database error while running a batch: %s", exc)
    if task.request.is_eager or task.request.retries >= _DB_RETRIES:
        return {}  # left pending for the sweep
    raise task.retry(
        exc=exc, countdown=min(300.0, 2.0 * 2**task.request.retries), **task_options()
    ) from exc


@shared_task(
    name="openedx_microcreds.record_and_run",
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def record_and_run(trigger_data: dict, kind: str = pending.Kind.EVALUATE) -> str:
    """For a trigger the LMS could not record: record it here, then wake a worker for it.
    (A database error here fails the task and Celery keeps no record; the LMS logged the
    trigger's ids when it sent it.)"""
    key = pending.request(Trigger.from_dict(trigger_data), kind)
    wake(key, countdown=0)
    return "recorded"


@shared_task(name="openedx_microcreds.evaluate_learner", acks_late=True, ignore_result=True)
def evaluate_learner(trigger_data: dict) -> str:
    """Messages queued by earlier versions of the plugin, still in a broker during an upgrade."""
    return record_and_run(trigger_data)


@shared_task(name="openedx_microcreds.revoke_for_certificate", acks_late=True)
def revoke_for_certificate(user_id: int, course_key: str) -> str:
    """Messages queued by earlier versions of the plugin, still in a broker during an upgrade."""
    trigger = Trigger("microcreds.certificate_revoked", int(user_id), course_key)
    return record_and_run(trigger.to_dict(), pending.Kind.CERTIFICATE_REVOKED)


@shared_task(name="openedx_microcreds.sweep_pending", ignore_result=True)
def sweep_pending() -> int:
    """Periodic (Celery beat, and after a worker starts): re-queue work left pending."""
    return sweep()


def sweep() -> int:
    """Wake a worker for every evaluation and outbox message left behind; returns how many."""
    from . import dryrun
    from .delivery import outbox

    keys = pending.overdue()
    wake_all(keys)
    messages = outbox.overdue()
    wake_delivery(messages)
    dry_runs = dryrun.restart_stalled(float(get_setting("MICROCREDS_PENDING_STALE_SECONDS")))
    for job_id in dry_runs:
        queue_dry_run(job_id)
    if keys or messages or dry_runs:
        log.info(
            "microcreds: the sweep re-queued %s pending evaluation(s), %s message(s) and "
            "%s dry run(s)",
            len(keys),
            len(messages),
            len(dry_runs),
        )
    return len(keys) + len(messages) + len(dry_runs)


def wake_delivery(message_ids: list[int], *, countdown: float | None = None) -> None:
    """Send a task per outbox message; a refused one is logged (the sweep finds it)."""
    options = task_options()
    if countdown is not None:
        options["countdown"] = countdown
    for message_id in message_ids:
        try:
            deliver.apply_async(args=[message_id], **options)
        except Exception:  # noqa: BLE001 - the row is durable; the sweep picks it up
            log.exception("microcreds: could not queue outbox message %s", message_id)


@shared_task(
    name="openedx_microcreds.deliver",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
)
def deliver(self, message_id: int) -> str:
    """Send one outbox message (claimed first: a second run sends nothing)."""
    from .delivery import outbox

    try:
        result = outbox.deliver(int(message_id))
    except _TRANSIENT_DB_ERRORS as exc:
        log.warning("microcreds: database error while sending message %s: %s", message_id, exc)
        if self.request.is_eager or self.request.retries >= _DB_RETRIES:
            return "database error (left for the sweep)"
        raise self.retry(
            exc=exc, countdown=min(300.0, 2.0 * 2**self.request.retries), **task_options()
        ) from exc
    if not _eager():
        if result.outcome == outbox.RETRY and (result.retry_in or 0) <= _ETA_WAKE_UP_LIMIT:
            wake_delivery([message_id], countdown=result.retry_in)
        maybe_sweep()
    return result.outcome


_last_sweep = 0.0


def maybe_sweep() -> None:
    """Sweep at most once per interval per worker process, so that work left behind is found
    even where no beat process runs (Tutor runs none by default)."""
    global _last_sweep
    interval = float(get_setting("MICROCREDS_SWEEP_INTERVAL_SECONDS"))
    now = time.monotonic()
    if now - _last_sweep < interval:
        return
    _last_sweep = now
    try:
        if cache.add("microcreds:sweep", 1, timeout=max(1, int(interval))):
            sweep()
    except Exception:  # noqa: BLE001 - the next sweep tries again
        log.exception("microcreds: the sweep failed")


@worker_ready.connect
def _sweep_when_a_worker_starts(sender: Any = None, **kwargs: Any) -> None:
    """A worker that starts may replace one that was killed with messages in flight: sweep once
    the rows they held are overdue, without waiting for the broker's visibility timeout."""
    try:
        stale = float(get_setting("MICROCREDS_PENDING_STALE_SECONDS"))
        sweep_pending.apply_async(countdown=0, **task_options())
        sweep_pending.apply_async(countdown=stale + 1, **task_options())
    except Exception:  # noqa: BLE001
        log.exception("microcreds: could not schedule the start-up sweep")


@shared_task(name="openedx_microcreds.renew_expiring")
def renew_expiring(window_days: int | None = None) -> dict:
    """Periodic (Celery beat): renew credentials expiring soon, expire lapsed ones."""
    from .renewal import renew_expiring as renew

    window = (
        window_days if window_days is not None else get_setting("MICROCREDS_RENEWAL_WINDOW_DAYS")
    )
    summary = renew(window)
    return {
        "renewed": len(summary.renewed),
        "not_renewed": len(summary.not_renewed),
        "expired": len(summary.expired),
        "failed": len(summary.failed),
    }


def queue_dry_run(job_id: int) -> None:
    """Send a dry-run job to a worker; a job the broker refused is marked failed (its author
    sees why when polling) rather than left queued."""
    try:
        run_dry_run.apply_async(args=[job_id], **task_options())
    except Exception as exc:  # noqa: BLE001 - said on the job
        log.exception("microcreds: could not queue dry run %s", job_id)
        from django.utils import timezone

        from .models import DryRunJob

        DryRunJob.objects.filter(pk=job_id, state=DryRunJob.State.QUEUED).update(
            state=DryRunJob.State.FAILED,
            finished_at=timezone.now(),
            error=f"could not be queued: {type(exc).__name__}",
        )


@shared_task(name="openedx_microcreds.run_dry_run", acks_late=True, ignore_result=True)
def run_dry_run(job_id: int) -> str:
    """A dry run over a large course (see dryrun.run_job); progress is on the job."""
    from . import dryrun

    return dryrun.run_job(int(job_id)).state
