"""What starts an evaluation: an event, a backfill, a retry, or another award (stacking)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Trigger:
    """Everything needed to evaluate one learner again later: plain values, JSON-safe, so it
    travels through Celery and is recorded on each Evaluation."""

    event_type: str
    user_id: int
    course_key: str | None = None
    event_id: str = ""
    # For CCX events: the CCX key the event named (course_key is then its master course).
    ccx_key: str | None = None
    # For stacking: the definition slug whose award caused this evaluation.
    awarded_slug: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Trigger:
        return cls(**{key: data.get(key) for key in cls.__dataclass_fields__ if key in data})

    @classmethod
    def for_course(cls, event_type: str, user_id: int, course_key: str, event_id: str) -> Trigger:
        """A trigger for a course run. A CCX key (a grade persisted in a CCX, a backfill of a
        CCX) is evaluated as the CCX passing-status event is: its master's definitions (and
        its own) on the CCX's grades. ValueError for a malformed CCX key."""
        master = master_of_ccx(course_key)
        if master is None:
            return cls(event_type, user_id, course_key, event_id)
        return cls(event_type, user_id, master, event_id, ccx_key=course_key)


def master_of_ccx(course_key: str) -> str | None:
    """The master course of a ``ccx-v1:`` key; None for any other key."""
    if not str(course_key).startswith("ccx-v1:"):
        return None
    from opaque_keys import InvalidKeyError
    from opaque_keys.edx.keys import CourseKey

    try:
        key = CourseKey.from_string(str(course_key))
    except InvalidKeyError:
        raise ValueError(f"{course_key!r} is not a valid CCX key") from None
    return str(key.to_course_locator())
