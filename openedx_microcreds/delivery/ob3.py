"""The backpack channel: upserts a learner's credential to every Open Badges 3.0 host they
connected (``ob3:<connection id>``, one outbox row per award event and connection).

Issued and renewed credentials are sent as issued; a revocation sends the same credential again
(same id: the host replaces its copy, and its status list entry now says revoked). Expiry sends
nothing: the credential carries its ``validUntil``. A connection made later gets every active
credential through its own rows (see :mod:`openedx_microcreds.backpacks.connecting`).

How a send ends (the outbox records it):
- 201 and 200 (and 304, "the host has it") are success;
- 5xx, 408, 429, timeouts and connection errors: :class:`RetryableDeliveryError` (backoff);
- 401: the token is refreshed and the upsert tried once more; a refresh the host refuses marks
  the connection "needs reconnecting" and the message is skipped with that reason (it is sent
  again when the learner reconnects), so a revoked token never loops;
- any other 4xx: :class:`PermanentDeliveryError` with the host's ``Imsx_StatusInfo``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..backpacks import hosts, tokens
from ..backpacks.models import BackpackConnection, BackpackHost, channel_name, connection_id_of
from ..ob3 import upsert
from ..ob3.errors import HostError, NotAllowed
from .channels import Channel, PermanentDeliveryError, RetryableDeliveryError, SkipDelivery

if TYPE_CHECKING:
    from ..models import Award, OutboxMessage

#: Award events a backpack hears about (expiry is in the credential itself).
EVENTS = frozenset({"issued", "renewed", "revoked"})
_RETRYABLE_4XX = frozenset({408, 425, 429})


# A host's base URL never changes (it is what the row stands for): kept per process, so that an
# award reads it from the database once per host, not once per award.
_known_base_urls: dict[int, str] = {}


def _base_urls(host_ids: set[int]) -> dict[int, str]:
    missing = host_ids - _known_base_urls.keys()
    if missing:
        _known_base_urls.update(
            BackpackHost.objects.filter(pk__in=missing).order_by().values_list("pk", "base_url")
        )
    return {pk: _known_base_urls[pk] for pk in host_ids if pk in _known_base_urls}


class BackpackChannel(Channel):
    name = "ob3"

    def targets(self, award: Award, event: str) -> list[str]:
        if event not in EVENTS or not hosts.enabled():
            return []
        # Locking the learner's connections orders this award against a connection being
        # completed at the same moment (connecting._connected): one of the two sees the other.
        # No join here: MariaDB would lock the joined host rows too (it has no FOR UPDATE OF).
        rows = list(
            BackpackConnection.objects.select_for_update()
            .filter(user_id=award.user_id)
            .order_by()
            .values_list("pk", "state", "host_id")
        )
        usable = [(pk, host_id) for pk, state, host_id in rows if state != "new"]
        if usable and not hosts.typing_allowed():
            urls = _base_urls({host_id for _pk, host_id in usable})
            usable = [(pk, h) for pk, h in usable if hosts.is_allowed(urls.get(h, ""))]
        return [channel_name(pk) for pk, _host in usable]

    def send(self, message: OutboxMessage) -> None:
        connection = (
            BackpackConnection.objects.select_related("host")
            .filter(pk=connection_id_of(message.channel))
            .first()
        )
        if connection is None:
            raise SkipDelivery("the learner disconnected this backpack")
        award = message.award
        host = connection.host
        if connection.user_id != award.user_id:  # never another learner's backpack
            raise PermanentDeliveryError("the connection belongs to another learner")
        if not hosts.is_allowed(host.base_url):
            raise SkipDelivery(f"this site no longer delivers to {host.base_url}")
        if connection.state != BackpackConnection.State.CONNECTED:
            raise SkipDelivery("the backpack needs reconnecting")
        if not award.credential_json:
            raise PermanentDeliveryError("the award has no signed credential")
        try:
            answer = self._upsert(connection, award.credential_json)
        except tokens.Disconnected:
            raise SkipDelivery("the learner disconnected this backpack") from None
        except tokens.NeedsReconnect as exc:
            raise SkipDelivery(f"the backpack needs reconnecting: {exc}") from None
        except NotAllowed as exc:
            raise PermanentDeliveryError(str(exc)) from None
        except HostError as exc:  # unreachable, timed out, a 5xx from the token endpoint...
            raise RetryableDeliveryError(str(exc)) from None
        status = answer.status
        if status in upsert.SUCCESS:
            return
        words = f"{host.label} answered {status}: {upsert.status_info(answer)}"
        if status >= 500 or status in _RETRYABLE_4XX:
            raise RetryableDeliveryError(words)
        raise PermanentDeliveryError(words)

    def _upsert(self, connection: BackpackConnection, credential_json: str):
        policy = hosts.policy()
        base_url = connection.host.base_url
        token = tokens.access_token(connection)
        answer = upsert.upsert(base_url, token, credential_json, policy)
        if answer.status != 401:
            return answer
        token = tokens.access_token(connection, refused=token)
        answer = upsert.upsert(base_url, token, credential_json, policy)
        if answer.status == 401:
            reason = f"{connection.host.label} refused this site's renewed access"
            tokens.mark_reconnect(connection, reason)
            raise tokens.NeedsReconnect(reason)
        return answer
