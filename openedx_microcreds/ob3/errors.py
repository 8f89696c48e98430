"""What can go wrong at a backpack host, each kind in words a learner understands. The
transport's own errors (unreachable, not allowed, unusable answer) are in :mod:`.http`."""

from __future__ import annotations

from .http import BadAnswer, HostError, NotAllowed, Unreachable

__all__ = [
    "BadAnswer",
    "ClientUnknown",
    "GrantInvalid",
    "HostError",
    "HostTrouble",
    "NotABackpack",
    "NotAllowed",
    "RegistrationRefused",
    "TokenRefused",
    "Unreachable",
    "printable",
]


class NotABackpack(HostError):
    """The address answers, but not as an Open Badges 3.0 host (no usable discovery document)."""


class RegistrationRefused(HostError):
    """The host refused this site's client registration."""


class HostTrouble(HostError):
    """The host answered with a server error (5xx): worth trying again later."""


class TokenRefused(HostError):
    """The token endpoint refused the request (an OAuth error other than the two below)."""

    def __init__(self, message: str, error: str = ""):
        super().__init__(message)
        self.error = error


class ClientUnknown(TokenRefused):
    """``invalid_client``: the host no longer knows this site's registration."""


class GrantInvalid(TokenRefused):
    """``invalid_grant``: the code or refresh token was revoked, expired or used already."""


def printable(text: str, limit: int = 300) -> str:
    """A host's own words made safe to show: one line of printable characters, shortened."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
