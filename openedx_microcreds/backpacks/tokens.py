"""Access tokens of a connection for the workers that deliver: the stored one while it lives,
else a refreshed one. A refresh holds the connection's row, so that two workers never refresh
with the same refresh token at once (hosts that rotate refresh tokens would take the second use
for a stolen token and revoke the grant); the second worker takes the first one's token.

When the host no longer accepts this site's access (the refresh token was revoked or expired,
the host forgot the client), the connection is marked "needs reconnecting" with the reason in
words, and :class:`NeedsReconnect` is raised: a state the learner fixes, not something to retry.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from ..ob3 import oauth
from ..ob3.discovery import ServiceDescription
from ..ob3.errors import ClientUnknown, GrantInvalid, TokenRefused
from ..ob3.registration import Client
from . import hosts
from .models import BackpackConnection, BackpackHost

#: A token that expires sooner than this is refreshed before use.
REFRESH_MARGIN = timedelta(seconds=60)


class NeedsReconnect(Exception):
    """The learner must connect this backpack again; the text says why (for them)."""


class Disconnected(Exception):
    """The connection is gone (the learner disconnected it)."""


def _fresh(connection: BackpackConnection) -> bool:
    expires = connection.access_token_expires_at
    return bool(connection.encrypted_access_token) and (
        expires is None or expires > timezone.now() + REFRESH_MARGIN
    )


def access_token(connection: BackpackConnection, *, refused: str | None = None) -> str:
    """A token to send with; ``refused`` is a token the host just answered 401 to, which is
    then replaced even if it looks fresh."""
    if refused is None and _fresh(connection):
        return connection.access_token()
    reconnect_reason = ""
    forget_host = False
    with transaction.atomic():
        locked = BackpackConnection.objects.select_for_update().filter(pk=connection.pk).first()
        if locked is None:
            raise Disconnected
        current = locked.access_token()
        if locked.state != BackpackConnection.State.CONNECTED:  # marked already
            raise NeedsReconnect(locked.problem or "Please reconnect this backpack.")
        if _fresh(locked) and current != refused:  # another worker refreshed it meanwhile
            _copy_tokens(locked, connection)
            return current
        host = BackpackHost.objects.get(pk=locked.host_id)
        reconnect_reason, forget_host = _refresh(locked, host)
        if not reconnect_reason:
            _copy_tokens(locked, connection)
            return locked.access_token()
    if forget_host:
        host.forget_client()
        host.save()
    mark_reconnect(connection, reconnect_reason)
    raise NeedsReconnect(reconnect_reason)


def _refresh(connection: BackpackConnection, host: BackpackHost) -> tuple[str, bool]:
    """Refresh in place (saved); returns ("", False), or the reason to reconnect and whether the
    host forgot this site's client. Transport failures propagate (worth retrying)."""
    refresh_token = connection.refresh_token()
    if not refresh_token:
        return f"{host.label} gave no way to renew this site's access, which has ended", False
    if not host.is_registered or host.client_id != connection.client_id:
        return f"this site's registration with {host.label} changed", False
    service = ServiceDescription.from_dict(host.endpoints)
    client = Client(host.client_id, host.client_secret())
    try:
        tokens = oauth.refresh(service, client, refresh_token, hosts.policy())
    except ClientUnknown:
        return f"{host.label} no longer knows this site", True
    except GrantInvalid:
        return (
            f"{host.label} no longer accepts this site's access (it was revoked or expired)",
            False,
        )
    except TokenRefused as exc:
        return str(exc), False
    now = timezone.now()
    expires_at = tokens.expires_at(now)
    connection.store_tokens(tokens.access_token, tokens.refresh_token, expires_at, tokens.scope)
    connection.save(
        update_fields=[
            "encrypted_access_token",
            "encrypted_refresh_token",
            "access_token_expires_at",
            "scope",
            "modified",
        ]
    )
    return "", False


def _copy_tokens(source: BackpackConnection, target: BackpackConnection) -> None:
    target.encrypted_access_token = source.encrypted_access_token
    target.encrypted_refresh_token = source.encrypted_refresh_token
    target.access_token_expires_at = source.access_token_expires_at


def mark_reconnect(connection: BackpackConnection, reason: str) -> None:
    """The tokens are of no more use: drop them, and say why on the learner's page."""
    text = f"Please reconnect: {reason}."
    BackpackConnection.objects.filter(pk=connection.pk).update(
        state=BackpackConnection.State.RECONNECT,
        encrypted_access_token="",
        encrypted_refresh_token="",
        access_token_expires_at=None,
        problem=text,
        problem_at=timezone.now(),
    )
    connection.state = BackpackConnection.State.RECONNECT
    connection.problem = text
