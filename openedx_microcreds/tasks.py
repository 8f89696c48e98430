"""Celery tasks. Receivers only call :func:`schedule_evaluation`; the work happens here.

The LMS fires grade events on every recompute, so events come in floods of duplicates. After
the LMS transaction commits we take a short-lived cache mark per learner and course: while one
evaluation is queued, further events for the same pair are covered by it and not queued again.
The task clears the mark *before* it reads grades, so an event committed after that point
queues a fresh evaluation: no grade change is ever missed.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache
from django.db import transaction

from .settings import get_setting
from .triggers import Trigger

log = logging.getLogger(__name__)

# Long enough to absorb a recompute flood; short enough that a lost task only delays the next.
COALESCE_SECONDS = 60


def coalesce_key(trigger: Trigger) -> str:
    scope = trigger.awarded_slug or trigger.ccx_key or trigger.course_key or "-"
    return f"microcreds:pending:{trigger.user_id}:{scope}"


def schedule_evaluation(trigger: Trigger) -> None:
    """Queue an evaluation once the current transaction commits (now, outside one)."""
    if not get_setting("MICROCREDS_ENABLED"):
        return
    transaction.on_commit(lambda: _enqueue(trigger))


def coalescing_is_safe() -> bool:
    """Coalesce only when the task that clears the mark can see it: tasks run in this process
    (eager), or the cache is shared between processes (memcached, Redis, database). With a
    per-process cache and a real broker the worker could never clear the LMS's mark, and a
    later grade change would be skipped, so every event is queued instead."""
    from django.conf import settings

    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    per_process = backend.endswith(("LocMemCache", "DummyCache"))
    return not per_process or bool(evaluate_learner.app.conf.task_always_eager)


def _enqueue(trigger: Trigger) -> None:
    if not coalescing_is_safe():
        evaluate_learner.apply_async(args=[trigger.to_dict()], **_queue())
        return
    if not cache.add(coalesce_key(trigger), trigger.event_id or "-", timeout=COALESCE_SECONDS):
        log.debug("microcreds: %s covered by a queued evaluation", trigger.event_id)
        return
    try:
        evaluate_learner.apply_async(args=[trigger.to_dict()], **_queue())
    except Exception:
        cache.delete(coalesce_key(trigger))  # let the next event try again
        raise


@shared_task(name="openedx_microcreds.evaluate_learner", acks_late=True)
def evaluate_learner(trigger_data: dict) -> list[str]:
    """Evaluate one learner for every definition the trigger concerns; returns the outcomes."""
    from .awarding import process_trigger

    trigger = Trigger.from_dict(trigger_data)
    cache.delete(coalesce_key(trigger))
    return [evaluation.outcome for evaluation in process_trigger(trigger)]


def schedule_certificate_revocation(user_id: int, course_key: str) -> None:
    if not get_setting("MICROCREDS_ENABLED"):
        return
    transaction.on_commit(
        lambda: revoke_for_certificate.apply_async(args=[user_id, course_key], **_queue())
    )


def _queue() -> dict:
    queue = get_setting("MICROCREDS_CELERY_QUEUE")
    return {"queue": queue} if queue else {}


@shared_task(name="openedx_microcreds.revoke_for_certificate", acks_late=True)
def revoke_for_certificate(user_id: int, course_key: str) -> int:
    from .revocation import revoke_for_certificate as revoke

    return sum(result.changed for result in revoke(user_id, course_key))


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
