"""Offers and their exchanges, whatever the protocol: who may create one, how a code finds its
exchange, when an exchange is over, and the one step that ends it.

Errors are :class:`ExchangeError` with a protocol-neutral ``reason``; each protocol's views say
it in their own vocabulary (VC-API problem details, OAuth error codes).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ..models import Award
from ..settings import get_setting
from .codes import code_hash, new_code
from .models import WalletExchange

log = logging.getLogger(__name__)


class ExchangeError(Exception):
    """``reason``: ``unknown`` (no such code), ``expired``, ``used`` (redeemed already or
    withdrawn) or ``inactive`` (the award was revoked or expired since the offer)."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


def offer_lifetime() -> timedelta:
    return timedelta(seconds=get_setting("MICROCREDS_WALLET_OFFER_TTL_SECONDS"))


def check_owner(award: Award, request: Any) -> None:
    """Only the signed-in learner who holds ``award`` may have it offered to a wallet."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.pk != award.user_id:
        raise PermissionDenied("only the learner who holds this credential can claim it")
    if not award.is_active or not award.credential_json:
        raise PermissionDenied("only an active credential can be claimed into a wallet")


def open_exchange(
    award: Award,
    protocol: str,
    now: datetime | None = None,
    fields: Callable[[str], dict[str, Any]] | None = None,
) -> tuple[WalletExchange, str]:
    """A new exchange for ``award`` and its code (returned once: only its hash is stored).
    ``fields(code)`` gives the protocol's own columns (hashes of values derived from the code).
    Exchanges of the same award and protocol that expired unredeemed are cleared on the way."""
    now = now or timezone.now()
    WalletExchange.objects.filter(
        award=award,
        protocol=protocol,
        state=WalletExchange.State.OFFERED,
        expires_at__lt=now,
    ).delete()
    code = new_code()
    exchange = WalletExchange.objects.create(
        award=award,
        protocol=protocol,
        code_hash=code_hash(code),
        created=now,
        expires_at=now + offer_lifetime(),
        **(fields(code) if fields else {}),
    )
    log.debug("wallet exchange %s opened for award %s (%s)", exchange.pk, award.pk, protocol)
    return exchange, code


def exchange_for(
    protocol: str, *, code: str | None = None, grant: str | None = None, token: str | None = None
) -> WalletExchange:
    """The exchange a wallet's code names (by its hash), or ExchangeError("unknown")."""
    lookup = {
        "code_hash": code_hash(code) if code is not None else None,
        "grant_hash": code_hash(grant) if grant is not None else None,
        "token_hash": code_hash(token) if token is not None else None,
    }
    lookup = {name: value for name, value in lookup.items() if value is not None}
    if len(lookup) != 1:
        raise ValueError("name the exchange by exactly one of code, grant, token")
    found = list(
        WalletExchange.objects.select_related("award__definition__issuer")
        .filter(protocol=protocol, **lookup)
        .order_by()[:1]  # unique: no ordering to compile or sort
    )
    if not found:
        raise ExchangeError("unknown", "no such offer")
    return found[0]


def check_code(protocol: str, code: str, now: datetime) -> None:
    """What :func:`check_open` says of the exchange ``code`` names, from one narrow query: for
    the requests that only look (no award loaded, no credential read)."""
    row = (
        WalletExchange.objects.filter(protocol=protocol, code_hash=code_hash(code))
        .order_by()
        .values_list("state", "expires_at", "award__state")[:1]
    )
    if not row:
        raise ExchangeError("unknown", "no such offer")
    state, expires_at, award_state = row[0]
    _check(
        state, expires_at, award_state == Award.State.ACTIVE, now, (WalletExchange.State.OFFERED,)
    )


def check_open(exchange: WalletExchange, now: datetime, *states: str) -> None:
    """ExchangeError unless ``exchange`` is in one of ``states`` and has not expired, and its
    award is still active."""
    states = states or (WalletExchange.State.OFFERED,)
    _check(exchange.state, exchange.expires_at, exchange.award.is_active, now, states)


def _check(state: str, expires_at: datetime, active: bool, now: datetime, states) -> None:
    if state not in states:
        raise ExchangeError("used", "this offer has been used already")
    if now >= expires_at:
        raise ExchangeError("expired", "this offer has expired: ask for a new one")
    if not active:
        raise ExchangeError("inactive", "the credential is no longer active")


def advance(exchange: WalletExchange, from_state: str, to_state: str, **fields: Any) -> None:
    """Move ``exchange`` from ``from_state`` to ``to_state`` if no one else did first
    (one conditional UPDATE); ExchangeError("used") when another request won."""
    updated = WalletExchange.objects.filter(pk=exchange.pk, state=from_state).update(
        state=to_state, **fields
    )
    if not updated:
        raise ExchangeError("used", "this offer has just been used by another request")
    exchange.state = to_state
    for name, value in fields.items():
        setattr(exchange, name, value)
