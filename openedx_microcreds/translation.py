"""Turn an openedx-events payload into a Trigger, or say precisely what is wrong with it."""

from __future__ import annotations

import logging
from typing import Any

from .triggers import Trigger

log = logging.getLogger(__name__)


class MalformedEventError(ValueError):
    """The event lacks what an evaluation needs (a user, a course, a CCX's master course)."""


def _event_name(metadata: Any, fallback: str) -> str:
    return str(getattr(metadata, "event_type", None) or fallback)


def _event_id(metadata: Any) -> str:
    return str(getattr(metadata, "id", "") or "")


def _course_key(course: Any, where: str) -> str:
    key = getattr(course, "course_key", None)
    if not key:
        raise MalformedEventError(f"{where}.course_key is missing")
    return str(key)


def _user_id(user: Any, where: str) -> int:
    user_id = getattr(user, "id", None)
    if user_id is None:
        raise MalformedEventError(f"{where}.id is missing")
    try:
        return int(user_id)
    except (TypeError, ValueError):
        raise MalformedEventError(f"{where}.id is not an integer: {user_id!r}") from None


def trigger_from_event(kind: str, data: Any, metadata: Any) -> Trigger:
    event_type, event_id = _event_name(metadata, kind), _event_id(metadata)
    if data is None:
        raise MalformedEventError(f"{event_type}: the event carries no data")
    if kind == "course_passing_status":
        return Trigger(
            event_type, _user_id(data.user, "user"), _course_key(data.course, "course"), event_id
        )
    if kind == "ccx_course_passing_status":
        ccx_key = getattr(data.course, "ccx_course_key", None)
        master = getattr(data.course, "master_course_key", None)
        if not ccx_key:
            raise MalformedEventError(f"{event_type}: course.ccx_course_key is missing")
        if not master:
            raise MalformedEventError(
                f"{event_type}: CCX {ccx_key} has no master_course_key; cannot find its definitions"
            )
        return Trigger(
            event_type, _user_id(data.user, "user"), str(master), event_id, ccx_key=str(ccx_key)
        )
    if kind == "persistent_grade":
        user_id = getattr(data, "user_id", None)
        if user_id is None:
            raise MalformedEventError(f"{event_type}: grade.user_id is missing")
        return Trigger(event_type, int(user_id), _course_key(data.course, "grade.course"), event_id)
    if kind == "certificate_created":
        return Trigger(
            event_type,
            _user_id(data.user, "certificate.user"),
            _course_key(data.course, "certificate.course"),
            event_id,
        )
    raise MalformedEventError(f"unknown event kind {kind!r}")


def record_malformed_event(kind: str, data: Any, metadata: Any, error: Exception) -> None:
    """Log and keep a failed Evaluation holding the raw event, so it is never silently lost."""
    from .models import Evaluation

    event_type, event_id = _event_name(metadata, kind), _event_id(metadata)
    log.error("microcreds: malformed %s event %s: %s", event_type, event_id, error)
    user = getattr(data, "user", None)
    Evaluation.objects.create(
        user=None,
        event_user_id=str(getattr(user, "id", "") or getattr(data, "user_id", "") or ""),
        event_id=event_id,
        event_type=event_type,
        outcome=Evaluation.Outcome.FAILED,
        error=f"malformed event: {error}",
        explanation={"event": repr(data)[:4000]},
    )
