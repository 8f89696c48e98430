"""Receivers for openedx-events. They run inside the LMS's grading code, so they only translate
the event and schedule an evaluation after commit: no grade reads, no signing, no I/O here."""

from __future__ import annotations

import logging
from typing import Any

from .tasks import schedule_evaluation
from .translation import MalformedEventError, record_malformed_event, trigger_from_event

log = logging.getLogger(__name__)


def _handle(event_type: str, data: Any, metadata: Any) -> None:
    try:
        trigger = trigger_from_event(event_type, data, metadata)
    except MalformedEventError as exc:
        record_malformed_event(event_type, data, metadata, exc)
        return
    schedule_evaluation(trigger)


def on_course_passing_status_updated(
    signal=None, sender=None, course_passing_status=None, metadata=None, **kwargs: Any
) -> None:
    _handle("course_passing_status", course_passing_status, metadata)


def on_ccx_course_passing_status_updated(
    signal=None, sender=None, course_passing_status=None, metadata=None, **kwargs: Any
) -> None:
    _handle("ccx_course_passing_status", course_passing_status, metadata)


def on_persistent_grade_summary_changed(
    signal=None, sender=None, grade=None, metadata=None, **kwargs: Any
) -> None:
    _handle("persistent_grade", grade, metadata)


def on_certificate_created(
    signal=None, sender=None, certificate=None, metadata=None, **kwargs: Any
) -> None:
    _handle("certificate_created", certificate, metadata)


def on_certificate_revoked(
    signal=None, sender=None, certificate=None, metadata=None, **kwargs: Any
) -> None:
    """Revoke awards of definitions that opted in, after the LMS transaction commits."""
    from .tasks import schedule_certificate_revocation

    try:
        trigger = trigger_from_event("certificate_created", certificate, metadata)
    except MalformedEventError as exc:
        record_malformed_event("certificate_revoked", certificate, metadata, exc)
        return
    schedule_certificate_revocation(trigger.user_id, trigger.course_key)
