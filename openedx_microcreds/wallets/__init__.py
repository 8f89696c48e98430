"""Claiming a credential into a wallet: the interface between the learner's pages and the
wallet protocols (the DCC Learner Credential Wallet's VC-API exchange, OpenID4VCI...).

A protocol makes *offers*: a link and a QR code the signed-in learner opens with their wallet,
single use and short-lived. Each protocol also says where an award was delivered (which wallet
received a copy, bound to which DID, when), for the learner's page and the audit.

Protocols in use are listed in ``MICROCREDS_WALLET_PROTOCOLS`` (dotted paths).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import Award


@dataclass(frozen=True)
class WalletOffer:
    """What the learner's page shows for one protocol."""

    protocol: str  # the protocol's name, e.g. "lcw" or "oid4vci"
    label: str  # for people: "Learner Credential Wallet"
    url: str  # the link to open on the phone (a deep link or an offer URI)
    qr: str  # what the QR code encodes (often the same as ``url``)
    expires_at: datetime
    instructions: str = ""
    # Other ways to open the same offer, as (label, URL): e.g. an older wallet's deep link.
    links: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class WalletDelivery:
    """A copy of an award that reached a wallet."""

    protocol: str
    label: str
    holder: str  # the DID the copy is bound to
    delivered_at: datetime
    credential_id: str = ""


class WalletProtocol(abc.ABC):
    name: str = ""
    label: str = ""

    @abc.abstractmethod
    def offer(self, award: Award, request: Any) -> WalletOffer:
        """A fresh offer of ``award`` for the signed-in learner who holds it (the caller has
        checked that ``request.user`` owns the award)."""

    @abc.abstractmethod
    def deliveries(self, award: Award) -> list[WalletDelivery]:
        """Where copies of ``award`` went through this protocol, oldest first."""

    def deliveries_of_many(self, awards: list[Award]) -> dict[int, list[WalletDelivery]]:
        """:meth:`deliveries` for several awards, by award id (a page listing a learner's
        credentials). Override it to read them in one query; this asks award by award."""
        return {award.pk: self.deliveries(award) for award in awards}


def protocols() -> list[WalletProtocol]:
    """The protocols named by MICROCREDS_WALLET_PROTOCOLS, in order."""
    from ..registry import instances
    from ..settings import get_setting

    return list(instances(get_setting("MICROCREDS_WALLET_PROTOCOLS"), WalletProtocol))


def deliveries(award: Award) -> list[WalletDelivery]:
    """Every wallet delivery of ``award``, across protocols, oldest first."""
    return deliveries_of_many([award]).get(award.pk, [])


def deliveries_of_many(awards: list[Award]) -> dict[int, list[WalletDelivery]]:
    """:func:`deliveries` of several awards, by award id: one look per protocol, whatever the
    number of awards."""
    found: dict[int, list[WalletDelivery]] = {award.pk: [] for award in awards}
    if not awards:
        return found
    for protocol in protocols():
        for award_id, delivered in protocol.deliveries_of_many(awards).items():
            found[award_id].extend(delivered)
    for delivered in found.values():
        delivered.sort(key=lambda delivery: delivery.delivered_at)
    return found
