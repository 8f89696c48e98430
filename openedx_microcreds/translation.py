"""Turn an openedx-events payload into a Trigger, or say precisely what is wrong with it.

openedx-events checks only the type of the top-level data object, not of its fields: a
``PersistentCourseGradeData(user_id="abc")`` is sent as readily as a good one. So every id is
validated here, strictly: a float such as 1.7 is refused rather than truncated to user 1.
"""

from __future__ import annotations

import logging
from typing import Any

from .triggers import Trigger

log = logging.getLogger(__name__)

# Fields of openedx-events data classes that hold personal data; never stored with a record.
_PERSONAL_FIELDS = {"pii", "email", "username", "name", "download_url"}
_MAX_TEXT = 120
_MAX_DEPTH = 4


class MalformedEventError(ValueError):
    """The event lacks what an evaluation needs (a user, a course, a CCX's master course)."""


def event_name(metadata: Any, fallback: str) -> str:
    return str(getattr(metadata, "event_type", None) or fallback)


def _event_id(metadata: Any) -> str:
    return str(getattr(metadata, "id", "") or "")


def _course_key(course: Any, where: str) -> str:
    key = getattr(course, "course_key", None)
    if not key:
        raise MalformedEventError(f"{where}.course_key is missing")
    return str(key)


def _course_trigger(event_type: str, user_id: int, course_key: str, event_id: str) -> Trigger:
    try:
        return Trigger.for_course(event_type, user_id, course_key, event_id)
    except ValueError as exc:
        raise MalformedEventError(str(exc)) from None


def parse_user_id(value: Any, where: str) -> int:
    """A positive integer id; anything else (a bool, a float, text, a list) is an error."""
    if value is None:
        raise MalformedEventError(f"{where} is missing")
    if isinstance(value, bool):
        raise MalformedEventError(f"{where} must be an integer user id, got a boolean")
    if isinstance(value, int):
        user_id = value
    elif isinstance(value, str) and value.isascii() and value.isdigit():
        user_id = int(value)
    else:
        raise MalformedEventError(
            f"{where} must be an integer user id, got {_describe_value(value)}"
        )
    if user_id <= 0:
        raise MalformedEventError(f"{where} must be a positive user id, got {user_id}")
    return user_id


def trigger_from_event(kind: str, data: Any, metadata: Any) -> Trigger:
    event_type, event_id = event_name(metadata, kind), _event_id(metadata)
    if data is None:
        raise MalformedEventError(f"{event_type}: the event carries no data")
    if kind == "course_passing_status":
        return _course_trigger(
            event_type,
            parse_user_id(getattr(getattr(data, "user", None), "id", None), "user.id"),
            _course_key(getattr(data, "course", None), "course"),
            event_id,
        )
    if kind == "ccx_course_passing_status":
        course = getattr(data, "course", None)
        ccx_key = getattr(course, "ccx_course_key", None)
        master = getattr(course, "master_course_key", None)
        if not ccx_key:
            raise MalformedEventError(f"{event_type}: course.ccx_course_key is missing")
        if not master:
            raise MalformedEventError(
                f"{event_type}: CCX {ccx_key} has no master_course_key; cannot find its definitions"
            )
        return Trigger(
            event_type,
            parse_user_id(getattr(getattr(data, "user", None), "id", None), "user.id"),
            str(master),
            event_id,
            ccx_key=str(ccx_key),
        )
    if kind == "persistent_grade":
        return _course_trigger(
            event_type,
            parse_user_id(getattr(data, "user_id", None), "grade.user_id"),
            _course_key(getattr(data, "course", None), "grade.course"),
            event_id,
        )
    if kind in ("certificate_created", "certificate_revoked"):
        return _course_trigger(
            event_type,
            parse_user_id(getattr(getattr(data, "user", None), "id", None), "certificate.user.id"),
            _course_key(getattr(data, "course", None), "certificate.course"),
            event_id,
        )
    raise MalformedEventError(f"unknown event kind {kind!r}")


def record_malformed_event(kind: str, data: Any, metadata: Any, error: Exception) -> None:
    """Log and keep a failed Evaluation describing the event, so it is never silently lost.

    What is kept is what diagnosing needs (event type and id, source, time, the ids and keys
    as sent, the shape of the data) and no personal data: usernames, e-mails and names in the
    payload are left out.
    """
    from .models import Evaluation

    event_type, event_id = event_name(metadata, kind), _event_id(metadata)
    log.error("microcreds: malformed %s event %s: %s", event_type, event_id, error)
    Evaluation.objects.create(
        user=None,
        event_user_id=_user_id_as_sent(data),
        event_id=event_id[:255],
        event_type=event_type[:255],
        outcome=Evaluation.Outcome.FAILED,
        error=f"malformed event: {error}"[:2000],
        explanation={"event": describe_event(data), "metadata": _describe_metadata(metadata)},
    )


def _user_id_as_sent(data: Any) -> str:
    user = getattr(data, "user", None)
    value = getattr(user, "id", None) if user is not None else getattr(data, "user_id", None)
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)[:64]
    return _describe_value(value)[:64]


def describe_event(data: Any, depth: int = 0) -> Any:
    """The event's shape and non-personal values, JSON-ready."""
    if depth > _MAX_DEPTH:
        return "..."
    fields = getattr(type(data), "__attrs_attrs__", None)
    if fields is None:
        return _describe_value(data)
    described: dict[str, Any] = {"_type": type(data).__name__}
    for attribute in fields:
        if attribute.name in _PERSONAL_FIELDS:
            described[attribute.name] = "(personal data, not kept)"
        else:
            described[attribute.name] = describe_event(
                getattr(data, attribute.name, None), depth + 1
            )
    return described


def _describe_value(value: Any) -> str:
    """A short description that keeps ids and keys readable and hides anything like an e-mail."""
    if value is None or isinstance(value, bool | int | float):
        text = repr(value)
    elif isinstance(value, str):
        text = "(text that looks like an e-mail address)" if "@" in value else repr(value)
    else:
        text = f"a {type(value).__name__}"
        if isinstance(value, list | tuple | set | dict):
            text += f" of {len(value)} item(s)"
        else:
            text = f"{text}: {value!s}" if "@" not in str(value) else text
    if len(text) > _MAX_TEXT:
        text = text[:_MAX_TEXT] + "..."
    return text


def _describe_metadata(metadata: Any) -> dict[str, str]:
    found = {}
    for name in ("id", "event_type", "minorversion", "source", "sourcehost", "time"):
        value = getattr(metadata, name, None)
        if value is not None:
            found[name] = str(value)[:_MAX_TEXT]
    return found
