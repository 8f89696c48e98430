"""Revocation: flip the credential's status bit, record who, when and why, announce it.

Idempotent: revoking a revoked award says so and changes nothing. A revoked learner can earn the
credential again: the next award is a new credential with a new id and a new status index, and
the revoked one stays in the history.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .delivery import outbox
from .models import Award
from .status import set_status

log = logging.getLogger(__name__)


class RevocationError(ValueError):
    """The award cannot be found or cannot be revoked."""


@dataclass(frozen=True)
class RevocationResult:
    award: Award
    changed: bool
    message: str


def find_award(identifier: str) -> Award:
    """An award by its public uuid or its credential id (``urn:uuid:...``)."""
    text = str(identifier).strip()
    query = Award.objects.select_related("definition", "status_list")
    award = query.filter(credential_id=text).first()
    if award is None:
        try:
            award = query.filter(uuid=uuid.UUID(text.removeprefix("urn:uuid:"))).first()
        except ValueError:
            award = None
    if award is None:
        raise RevocationError(f"no award or credential with id {text!r}")
    return award


def revoke(award: Award, *, reason: str, by: object | None = None) -> RevocationResult:
    """Revoke ``award``; ``by`` is the Django user who did it (None for automatic revocation)."""
    reason = (reason or "").strip()
    if not reason:
        raise RevocationError("a revocation needs a reason")
    with transaction.atomic():
        locked = Award.objects.select_for_update().get(pk=award.pk)
        if locked.state == Award.State.REVOKED:
            when = locked.revoked_at.isoformat() if locked.revoked_at else "earlier"
            return RevocationResult(
                locked, False, f"already revoked at {when}: {locked.revocation_reason}"
            )
        if locked.status_list_id is None or locked.status_index is None:
            raise RevocationError(
                f"award {locked.uuid} has no status list entry; its credential cannot be revoked"
            )
        set_status(locked.status_list_id, locked.status_index, True)
        locked.state = Award.State.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = by if getattr(by, "pk", None) else None
        locked.revocation_reason = reason
        locked.save(
            update_fields=[
                "state",
                "active_marker",
                "revoked_at",
                "revoked_by",
                "revocation_reason",
                "modified",
            ]
        )

        outbox.record(locked, "revoked")

        def announce() -> None:
            from .events import emit_badge_revoked

            emit_badge_revoked(locked)

        transaction.on_commit(announce)
    log.info("microcreds: revoked award %s (%s)", locked.uuid, reason)
    return RevocationResult(locked, True, f"revoked: {reason}")


def revoke_for_certificate(user_id: int, course_key: str) -> list[RevocationResult]:
    """CERTIFICATE_REVOKED: revoke the learner's awards of opted-in definitions of the course."""
    awards = Award.objects.active().filter(
        user_id=user_id,
        definition__course_key=course_key,
        definition__revoke_on_certificate_revoked=True,
    )
    return [
        revoke(award, reason=f"course certificate for {course_key} was revoked") for award in awards
    ]
