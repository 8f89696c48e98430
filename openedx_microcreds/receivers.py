"""Receivers for openedx-events. They run inside the LMS's grading code, so they only translate
the event and record the work (one upsert, see :mod:`openedx_microcreds.pending`): no grade
reads, no signing, no network here.

No receiver ever raises. With ``DEBUG = True`` openedx-events sends with ``send`` rather than
``send_robust``, so an exception here would break the LMS's grading; every failure is logged
(and, where the event is malformed, recorded) instead.

Event bus copies: a receiver gets ``from_event_bus=True`` for an event that came over the bus.
When this deployment also produces that event type to the bus (``EVENT_BUS_PRODUCER_CONFIG``),
the in-process receivers have already handled it where it was sent, so the copy is ignored
(``MICROCREDS_IGNORE_EVENT_BUS_COPIES`` overrides this). Handling it twice would be harmless
(the work coalesces and awards are unique) but wasteful.

Certificates (lms/djangoapps/certificates/models.py, GeneratedCertificate): CERTIFICATE_CREATED
is sent on *every* save of a certificate whose status is passing (``downloadable`` or
``generating``), so it is only a trigger to evaluate, like a grade change.
CERTIFICATE_REVOKED is sent when a certificate becomes ``unavailable`` (invalidated),
``notpassing`` (the grade fell below passing) or ``unverified`` (identity verification missing);
only the statuses in ``MICROCREDS_CERTIFICATE_REVOKING_STATUSES`` (by default the first two)
revoke the awards of definitions that opted in.
"""

from __future__ import annotations

import logging
from typing import Any

from .settings import get_setting
from .translation import MalformedEventError, event_name, record_malformed_event

log = logging.getLogger(__name__)


def on_course_passing_status_updated(
    signal=None, sender=None, course_passing_status=None, metadata=None, **kwargs: Any
) -> None:
    _handle("course_passing_status", course_passing_status, metadata, kwargs)


def on_ccx_course_passing_status_updated(
    signal=None, sender=None, course_passing_status=None, metadata=None, **kwargs: Any
) -> None:
    _handle("ccx_course_passing_status", course_passing_status, metadata, kwargs)


def on_persistent_grade_summary_changed(
    signal=None, sender=None, grade=None, metadata=None, **kwargs: Any
) -> None:
    _handle("persistent_grade", grade, metadata, kwargs)


def on_certificate_created(
    signal=None, sender=None, certificate=None, metadata=None, **kwargs: Any
) -> None:
    _handle("certificate_created", certificate, metadata, kwargs)


def on_certificate_revoked(
    signal=None, sender=None, certificate=None, metadata=None, **kwargs: Any
) -> None:
    """Revoke awards of definitions that opted in, after the LMS transaction commits."""
    _handle("certificate_revoked", certificate, metadata, kwargs)


def _handle(kind: str, data: Any, metadata: Any, extra: dict[str, Any]) -> None:
    try:
        _handle_or_raise(kind, data, metadata, bool(extra.get("from_event_bus", False)))
    except Exception:  # noqa: BLE001 - never break the LMS's grading code
        log.exception(
            "microcreds: the %s receiver failed on event %s",
            kind,
            getattr(metadata, "id", "?"),
        )


def _handle_or_raise(kind: str, data: Any, metadata: Any, from_event_bus: bool) -> None:
    from . import tasks
    from .translation import trigger_from_event

    if not get_setting("MICROCREDS_ENABLED"):
        return
    if from_event_bus and ignore_bus_copy(event_name(metadata, "")):
        return
    if kind.startswith("certificate_") and not _certificate_status_counts(kind, data):
        return
    try:
        trigger = trigger_from_event(kind, data, metadata)
    except MalformedEventError as exc:
        _record_malformed(kind, data, metadata, exc)
        return
    if kind == "certificate_revoked":
        tasks.schedule_certificate_revocation(trigger)
    else:
        tasks.schedule_evaluation(trigger)


def _certificate_status_counts(kind: str, data: Any) -> bool:
    status = str(getattr(data, "current_status", "") or "")
    setting = (
        "MICROCREDS_CERTIFICATE_REVOKING_STATUSES"
        if kind == "certificate_revoked"
        else "MICROCREDS_CERTIFICATE_TRIGGER_STATUSES"
    )
    wanted = set(get_setting(setting) or ())
    if status not in wanted:
        log.debug("microcreds: %s with status %r ignored (%s)", kind, status, setting)
        return False
    return True


def ignore_bus_copy(event_type: str) -> bool:
    """Whether a copy of ``event_type`` from the event bus is ignored here (see the module)."""
    choice = get_setting("MICROCREDS_IGNORE_EVENT_BUS_COPIES")
    if choice is not None:
        return bool(choice)
    return produced_here(event_type)


def produced_here(event_type: str) -> bool:
    """Whether this deployment sends ``event_type`` to the bus itself (some topic enabled)."""
    from django.conf import settings

    config = getattr(settings, "EVENT_BUS_PRODUCER_CONFIG", None) or {}
    topics = config.get(event_type) or {}
    return any(
        isinstance(topic, dict) and topic.get("enabled") is True for topic in topics.values()
    )


def _record_malformed(kind: str, data: Any, metadata: Any, error: Exception) -> None:
    from .pending import savepoint_if_needed

    try:
        with savepoint_if_needed():
            record_malformed_event(kind, data, metadata, error)
    except Exception:  # noqa: BLE001 - logged with what is known; never raised into the LMS
        log.exception(
            "microcreds: could not record the malformed %s event %s (%s)",
            kind,
            getattr(metadata, "id", "?"),
            error,
        )
