"""The interface every delivery channel implements, and the registry of channels in use.

A channel decides which messages an award event needs (``targets``: for example ``email`` when
the learner receives e-mails, ``ob3:12`` for each backpack they connected) and sends one
(``send``). It reports a failure by raising :class:`RetryableDeliveryError` (tried again with
backoff: the host was down, a timeout) or :class:`PermanentDeliveryError` (no use retrying:
the host refused the credential); anything else counts as retryable. A message that must not be
sent after all (the learner opted out, has no address) raises :class:`SkipDelivery`: it is
recorded as skipped, with the reason, and neither retried nor counted as a failure.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models import Award, OutboxMessage


class DeliveryError(Exception):
    """A message could not be sent; the text is shown to operators (never secrets)."""


class RetryableDeliveryError(DeliveryError):
    """Try again later."""


class PermanentDeliveryError(DeliveryError):
    """Retrying would fail the same way."""


class SkipDelivery(DeliveryError):
    """Nothing to send, on purpose: the text says why (shown to operators)."""


class Channel(abc.ABC):
    """One way of delivering: e-mail, a wallet protocol..."""

    #: The prefix of the ``channel`` column of its outbox rows (``email``, ``ob3``...).
    name: str = ""

    @abc.abstractmethod
    def targets(self, award: Award, event: str) -> list[str]:
        """The outbox channels (``name`` or ``name:<target>``) that need a message about
        ``event`` of ``award``; empty when none does (the learner opted out, no wallet)."""

    @abc.abstractmethod
    def send(self, message: OutboxMessage) -> None:
        """Send one message, or raise a :class:`DeliveryError`."""

    def owns(self, channel: str) -> bool:
        return channel == self.name or channel.startswith(f"{self.name}:")


def channels() -> list[Channel]:
    """The channels named by MICROCREDS_DELIVERY_CHANNELS, in order."""
    from ..registry import instances
    from ..settings import get_setting

    return list(instances(get_setting("MICROCREDS_DELIVERY_CHANNELS"), Channel))


def channel_for(channel: str) -> Channel | None:
    return next((c for c in channels() if c.owns(channel)), None)
