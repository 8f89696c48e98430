"""Revocation and reinstatement: flip the credential's status bit, record who, when and why,
announce it.

Idempotent: revoking a revoked award says so and changes nothing. A revoked learner can earn the
credential again: the next award is a new credential with a new id and a new status index, and
the revoked one stays in the history.

Reinstating undoes a revocation made in error: the status bit goes back to 0 and the *same*
credential (its id, its signed document, its status entry) is valid again, as it was issued,
under the definition's version of then, whatever the definition says now: a credential is a
signed statement about what happened, so it is never rewritten, and copies the learner put in
wallets verify again. So a credential is reinstated only when that makes it valid: not when the
learner holds a newer award of the same credential (one active award per learner and
definition), not when it expired meanwhile, not when its signing key was retired (it would no
longer verify). In those cases the learner can earn it again instead. Every revocation and
reinstatement is kept in AwardStatusChange.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import followups, pending
from .delivery import outbox
from .models import Award, AwardStatusChange, SigningKey
from .status import set_status
from .triggers import Trigger

log = logging.getLogger(__name__)


class RevocationError(ValueError):
    """The award cannot be found or cannot be revoked."""


@dataclass(frozen=True)
class RevocationResult:
    award: Award
    changed: bool
    message: str


# What revoking or reinstating an award changes on its row.
_REVOCATION_FIELDS = [
    "state",
    "active_marker",
    "revoked_at",
    "revoked_by",
    "revocation_reason",
    "modified",
]


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
        locked.save(update_fields=_REVOCATION_FIELDS)

        _history(locked, AwardStatusChange.Action.REVOKED, by, reason)
        outbox.record(locked, "revoked", again=True)

        def announce() -> None:
            from .events import emit_badge_revoked

            emit_badge_revoked(locked)

        transaction.on_commit(announce)
    log.info("microcreds: revoked award %s (%s)", locked.uuid, reason)
    return RevocationResult(locked, True, f"revoked: {reason}")


def reinstate(award: Award, *, reason: str, by: object | None = None) -> RevocationResult:
    """Undo the revocation of ``award`` (see the module's docstring for what that means);
    ``by`` is the Django user who did it. RevocationError when it cannot be reinstated."""
    reason = (reason or "").strip()
    if not reason:
        raise RevocationError("a reinstatement needs a reason")
    with transaction.atomic():
        locked = (
            Award.objects.select_for_update()
            .select_related("definition", "signing_key")
            .get(pk=award.pk)
        )
        if locked.state != Award.State.REVOKED:
            return RevocationResult(locked, False, f"not revoked (it is {locked.state})")
        newer = (
            Award.objects.active()
            .filter(user_id=locked.user_id, definition_id=locked.definition_id)
            .first()
        )
        if newer is not None:
            raise RevocationError(
                f"the learner holds a newer award of this credential ({newer.uuid}, issued "
                f"{newer.issued_at:%Y-%m-%d}): only one can be active"
            )
        if locked.valid_until is not None and locked.valid_until <= timezone.now():
            raise RevocationError(
                f"it expired on {locked.valid_until:%Y-%m-%d}: reinstated, it would still not be "
                "valid (the learner can earn it again)"
            )
        key = locked.signing_key
        if key is not None and key.state == SigningKey.State.RETIRED:
            raise RevocationError(
                f"its signing key {key.key_id} was retired, so it no longer verifies (the "
                "learner can earn it again)"
            )
        if locked.status_list_id is None or locked.status_index is None:
            raise RevocationError(f"award {locked.uuid} has no status list entry")
        set_status(locked.status_list_id, locked.status_index, False)
        locked.state = Award.State.ACTIVE
        locked.revoked_at = None
        locked.revoked_by = None
        locked.revocation_reason = ""
        locked.save(update_fields=_REVOCATION_FIELDS)
        _history(locked, AwardStatusChange.Action.REINSTATED, by, reason)
        outbox.record(locked, "reinstated", again=True)
        # The learner holds it again: credentials stacked on it are evaluated again.
        stacked = pending.request(
            Trigger(
                event_type="microcreds.award",
                user_id=locked.user_id,
                event_id=f"reinstated:{locked.uuid}",
                awarded_slug=locked.definition.slug,
            )
        )
        followups.after_commit(evaluations=[stacked])

        def announce() -> None:
            from .events import emit_badge_awarded

            emit_badge_awarded(locked)

        transaction.on_commit(announce)
    current = locked.definition.version
    note = (
        f" (issued under version {locked.definition_version}; the definition is now at version "
        f"{current} and the credential stays as issued)"
        if current != locked.definition_version
        else ""
    )
    log.info("microcreds: reinstated award %s (%s)", locked.uuid, reason)
    return RevocationResult(locked, True, f"reinstated: {reason}{note}")


def _history(award: Award, action: str, by: object | None, reason: str) -> None:
    AwardStatusChange.objects.create(
        award=award,
        action=action,
        by=by if getattr(by, "pk", None) else None,
        reason=reason,
        definition_version=award.definition.version,
    )


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
