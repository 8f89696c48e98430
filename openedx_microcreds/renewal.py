"""Expiry and renewal of time-limited credentials.

A periodic job looks at active awards that expire within a window. When the learner still meets
the rule (fresh grades), a renewed credential is issued and the old award becomes ``superseded``;
otherwise nothing changes until it lapses, and a lapsed award becomes ``expired``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .delivery import outbox
from .models import Award, Evaluation
from .platform import get_platform
from .triggers import Trigger

log = logging.getLogger(__name__)


@dataclass
class RenewalSummary:
    renewed: list[Award] = field(default_factory=list)
    not_renewed: list[Award] = field(default_factory=list)
    expired: list[Award] = field(default_factory=list)
    failed: list[tuple[Award, str]] = field(default_factory=list)


def expire_lapsed(now: datetime | None = None) -> list[Award]:
    """Mark active awards whose validUntil has passed as expired."""
    now = now or timezone.now()
    lapsed = list(Award.objects.active().filter(valid_until__lte=now))
    for award in lapsed:
        with transaction.atomic():
            award.state = Award.State.EXPIRED
            award.save(update_fields=["state", "active_marker", "modified"])
            outbox.record(award, "expired")
    return lapsed


def renew_expiring(window_days: int = 30, now: datetime | None = None) -> RenewalSummary:
    from .awarding import explain, held_slugs
    from .issuing import issue

    now = now or timezone.now()
    summary = RenewalSummary()
    platform = get_platform()
    due = (
        Award.objects.active()
        .filter(valid_until__isnull=False, valid_until__lte=now + timedelta(days=window_days))
        .select_related("definition", "definition__issuer")
    )
    for award in due:
        definition = award.definition
        trigger = Trigger(
            "microcreds.renewal", award.user_id, definition.course_key, f"renewal:{award.uuid}"
        )
        try:
            learner = platform.get_user(award.user_id)
            if learner is None:
                raise LookupError(f"no user with id {award.user_id}")
            explanation, details = explain(
                definition,
                learner,
                platform,
                held_slugs(learner.id),
                ccx_key=(award.evidence or {}).get("ccx_key"),  # earned in a CCX: read it again
            )
            details["renews"] = str(award.uuid)
            if not explanation.passed:
                Evaluation.objects.create(
                    user_id=learner.id,
                    definition=definition,
                    event_id=trigger.event_id,
                    event_type=trigger.event_type,
                    course_key=definition.course_key or "",
                    outcome=Evaluation.Outcome.NOT_MET,
                    explanation=details,
                )
                summary.not_renewed.append(award)
                continue
            with transaction.atomic():
                award.state = Award.State.SUPERSEDED
                award.save(update_fields=["state", "active_marker", "modified"])
                renewed = issue(
                    definition,
                    learner,
                    explanation,
                    event_id=trigger.event_id,
                    evidence=details,
                    now=now,
                    event="renewed",
                )
                Evaluation.objects.create(
                    user_id=learner.id,
                    definition=definition,
                    award=renewed.award,
                    event_id=trigger.event_id,
                    event_type=trigger.event_type,
                    course_key=definition.course_key or "",
                    outcome=Evaluation.Outcome.AWARDED,
                    explanation=details,
                )
            summary.renewed.append(renewed.award)
        except Exception as exc:  # one learner's failure never stops the run
            log.exception("microcreds: renewing award %s failed", award.uuid)
            summary.failed.append((award, f"{type(exc).__name__}: {exc}"))
    summary.expired = expire_lapsed(now)
    return summary
