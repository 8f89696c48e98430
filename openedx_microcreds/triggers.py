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
