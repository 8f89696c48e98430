"""The outbox: messages about award events, written with the award change, sent once.

:func:`record` runs in the transaction that issues, renews, expires or revokes an award and
writes one row per channel target; once it commits, a task per row calls :func:`deliver`, which
*claims* the row before sending (a second task finds nothing to claim) and records the outcome:
sent, or retried with exponential backoff and jitter until the retry horizon has passed, then
failed with the channel's reason. :func:`overdue` finds rows whose wake-up was lost and claims
whose worker died (their lease ran out), for the sweep.

Plain service code: the task layer (``tasks.py``) wakes workers (see :mod:`..followups`).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from .. import followups, retrying
from ..models import Award, OutboxMessage
from ..retrying import Attempt, new_token
from ..settings import get_setting
from .channels import (
    PermanentDeliveryError,
    RetryableDeliveryError,
    SkipDelivery,
    channel_for,
    channels,
)

log = logging.getLogger(__name__)
State = OutboxMessage.State
Event = OutboxMessage.Event


def record(award: Award, event: str) -> list[int]:
    """Write the messages ``event`` of ``award`` needs, in the caller's transaction, and wake a
    sender for each once it commits. Returns the ids of the rows written (none when no channel
    wants a message). A row that exists already for the same event is kept as it is."""
    rows = [
        OutboxMessage(award=award, event=event, channel=target)
        for channel in channels()
        for target in channel.targets(award, event)
    ]
    if not rows:
        return []
    ids = _insert(rows) or list(
        OutboxMessage.objects.filter(
            award=award, event=event, channel__in=[row.channel for row in rows], state=State.PENDING
        ).values_list("pk", flat=True)
    )
    followups.after_commit(messages=ids)
    return ids


def _insert(rows: list[OutboxMessage]) -> list[int]:
    """Insert the rows; their ids when the database returns them (SQLite 3.35+, MariaDB 10.5+,
    PostgreSQL) and none existed already. Otherwise (a row of the same event exists: kept as it
    is) the rows are inserted around the existing ones and [] is returned for the caller to
    read the pending ids: a query saved on every award in the common case."""
    if connection.features.can_return_rows_from_bulk_insert:
        try:
            with transaction.atomic():  # a savepoint: a conflict leaves the caller's usable
                return [row.pk for row in OutboxMessage.objects.bulk_create(rows)]
        except IntegrityError:
            for row in rows:
                row.pk = None
    OutboxMessage.objects.bulk_create(rows, ignore_conflicts=True)
    return []


Delivered = Attempt


NOTHING_TO_DO = "nothing to do"
SENT = "sent"
SKIPPED = "skipped"
RETRY = "retry later"
FAILED = "failed"


def deliver(message_id: int, now: datetime | None = None) -> Delivered:
    """Claim the message and send it through its channel; record what happened."""
    now = now or timezone.now()
    token = new_token()
    claimed = OutboxMessage.objects.filter(
        pk=message_id, state=State.PENDING, due_at__lte=now
    ).update(state=State.SENDING, claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:  # sent, being sent, not due yet, or gone
        return Delivered(NOTHING_TO_DO)
    message = OutboxMessage.objects.select_related(
        "award", "award__definition", "award__definition__issuer"
    ).get(pk=message_id)
    channel = channel_for(message.channel)
    try:
        if channel is None:
            raise PermanentDeliveryError(f"no delivery channel handles {message.channel!r}")
        channel.send(message)
    except SkipDelivery as exc:
        return _skip(message, token, str(exc))
    except PermanentDeliveryError as exc:
        return _give_up(message, token, str(exc))
    except RetryableDeliveryError as exc:  # its text is written for operators already
        return _retry(message, token, str(exc))
    except Exception as exc:  # noqa: BLE001 - anything else is worth another try
        return _retry(message, token, f"{type(exc).__name__}: {exc}")
    OutboxMessage.objects.filter(pk=message.pk, claim_token=token).update(
        state=State.SENT, sent_at=timezone.now(), last_error=""
    )
    return Delivered(SENT)


def _skip(message: OutboxMessage, token: int, reason: str) -> Delivered:
    OutboxMessage.objects.filter(pk=message.pk, claim_token=token).update(
        state=State.SKIPPED, last_error=reason[:2000]
    )
    log.info(
        "microcreds: %s of award %s via %s skipped: %s",
        message.event,
        message.award_id,
        message.channel,
        reason,
    )
    return Delivered(SKIPPED, reason)


def _retry(message: OutboxMessage, token: int, error: str) -> Delivered:
    now = timezone.now()
    horizon = timedelta(seconds=float(get_setting("MICROCREDS_OUTBOX_RETRY_HORIZON_SECONDS")))
    delay = backoff_seconds(message.attempts)
    if now + timedelta(seconds=delay) > message.created + horizon:
        return _give_up(message, token, f"{error} (still failing after {message.attempts} tries)")
    OutboxMessage.objects.filter(pk=message.pk, claim_token=token).update(
        state=State.PENDING, due_at=now + timedelta(seconds=delay), last_error=error[:2000]
    )
    log.warning(
        "microcreds: %s of award %s via %s failed (attempt %s), retrying in %.0f s: %s",
        message.event,
        message.award_id,
        message.channel,
        message.attempts,
        delay,
        error,
    )
    return Delivered(RETRY, error, delay)


def _give_up(message: OutboxMessage, token: int, error: str) -> Delivered:
    OutboxMessage.objects.filter(pk=message.pk, claim_token=token).update(
        state=State.FAILED, last_error=error[:2000]
    )
    log.error(
        "microcreds: %s of award %s via %s failed for good: %s",
        message.event,
        message.award_id,
        message.channel,
        error,
    )
    return Delivered(FAILED, error)


def backoff_seconds(attempts: int) -> float:
    """base * 2**(attempts-1), capped, with +-20 % jitter so that a host coming back up is not
    hit by every retry at once."""
    return retrying.backoff_seconds(
        attempts,
        base=float(get_setting("MICROCREDS_OUTBOX_RETRY_BASE_SECONDS")),
        cap=float(get_setting("MICROCREDS_OUTBOX_RETRY_MAX_SECONDS")),
        factor=2,
    )


def overdue(now: datetime | None = None, *, limit: int = 500) -> list[int]:
    """Messages to wake again: pending ones whose time came more than the stale delay ago, and
    claims older than the lease (their worker died), given back first."""
    now = now or timezone.now()
    lease = timedelta(seconds=float(get_setting("MICROCREDS_OUTBOX_LEASE_SECONDS")))
    OutboxMessage.objects.filter(state=State.SENDING, claimed_at__lte=now - lease).update(
        state=State.PENDING, due_at=now - lease, last_error="its worker stopped while sending"
    )
    stale = timedelta(seconds=float(get_setting("MICROCREDS_PENDING_STALE_SECONDS")))
    ids = list(
        OutboxMessage.objects.filter(state=State.PENDING, due_at__lte=now - stale)
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    if ids:
        OutboxMessage.objects.filter(pk__in=ids).update(due_at=now)
    return ids


def retry(ids: list[int] | None = None, *, failed: bool = False) -> list[int]:
    """Operators: make these messages (or every failed one) due now again; their ids."""
    rows = OutboxMessage.objects.exclude(state__in=[State.SENT, State.SENDING])
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    elif failed:
        rows = rows.filter(state=State.FAILED)
    else:
        return []
    chosen = list(rows.values_list("pk", flat=True))
    OutboxMessage.objects.filter(pk__in=chosen).update(state=State.PENDING, due_at=timezone.now())
    return chosen
