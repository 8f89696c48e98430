"""Connecting a learner's backpack, step by step, and disconnecting it.

1. :func:`start`: discovery (every time: hosts move their endpoints), this site's client
   registration (once per host; again when the host forgot it, its secret expired, or this
   site's URL changed), then a fresh ``state`` and PKCE verifier stored with the learner's
   connection, and the URL of the host's consent page.
2. :func:`finish`: the host sends the learner back with a code (or an error). The ``state`` is
   looked up among the signed-in learner's own connections only, and consumed (single use)
   before anything else happens; the code is exchanged for tokens with the verifier; the tokens
   are stored encrypted; then every active credential of the learner is queued for the host.
3. :func:`disconnect`: the tokens and the connection are deleted; messages still waiting for it
   are skipped.

Each failure is a :class:`ConnectError` whose text is written for the learner. HTTP calls are
made outside database transactions, except the registration, which holds the host's row so
that two learners connecting at once register once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .. import followups
from ..models import Award, OutboxMessage
from ..ob3 import SCOPE_UPSERT, discovery, oauth, registration
from ..ob3.discovery import ServiceDescription
from ..ob3.errors import (
    ClientUnknown,
    GrantInvalid,
    HostError,
    HostTrouble,
    NotABackpack,
    NotAllowed,
    RegistrationRefused,
    TokenRefused,
    Unreachable,
    printable,
)
from ..ob3.registration import Client
from ..secrets import encrypt_text
from ..wallets.codes import code_hash
from . import hosts
from .models import BackpackConnection, BackpackHost

log = logging.getLogger(__name__)

#: How long the learner has at the host's consent page before the attempt expires.
AUTHORIZATION_LIFETIME = timedelta(minutes=15)
Msg = OutboxMessage


class ConnectError(Exception):
    """A step failed; the text is for the learner (plain words, no secret)."""


@dataclass(frozen=True)
class Started:
    connection: BackpackConnection
    host_name: str
    authorization_url: str


def start(user_id: int, *, url: str = "", connection_id: int | None = None) -> Started:
    """Begin connecting ``user_id`` to the host at ``url`` (or reconnecting their connection
    ``connection_id``): the URL of the host's consent page to send the learner to."""
    base_url = _chosen_base_url(user_id, url, connection_id)
    policy = hosts.policy()
    try:
        service = discovery.discover(base_url, policy)
    except NotAllowed as exc:
        raise ConnectError(_say("This address cannot be used: %(why)s.", why=exc)) from None
    except NotABackpack as exc:
        raise ConnectError(
            _say("This is not an Open Badges 3.0 backpack: %(why)s.", why=exc)
        ) from None
    except HostError as exc:
        raise ConnectError(_unreachable(base_url, exc)) from None
    host, _created = BackpackHost.objects.get_or_create(base_url=base_url)
    host.name = hosts.offered_name(base_url) or service.name
    host.endpoints = service.as_dict()
    host.discovered_at = timezone.now()
    host.save(update_fields=["name", "endpoints", "discovered_at", "modified"])
    client = _registered_client(host, service)
    pkce, state = oauth.new_pkce(), oauth.new_state()
    connection, _created = BackpackConnection.objects.get_or_create(user_id=user_id, host=host)
    connection.pending_state_hash = code_hash(state)
    connection.encrypted_code_verifier = encrypt_text(pkce.verifier)
    connection.authorization_started_at = timezone.now()
    connection.save(
        update_fields=[
            "pending_state_hash",
            "encrypted_code_verifier",
            "authorization_started_at",
            "modified",
        ]
    )
    url = oauth.authorization_url(
        service, client.client_id, hosts.redirect_uri(), hosts.SCOPE, state, pkce.challenge
    )
    return Started(connection, host.label, url)


def _chosen_base_url(user_id: int, url: str, connection_id: int | None) -> str:
    if connection_id is not None:
        own = (
            BackpackConnection.objects.select_related("host")
            .filter(pk=connection_id, user_id=user_id)
            .first()
        )
        if own is None:
            raise ConnectError(_say("This backpack connection does not exist (any more)."))
        base_url = own.host.base_url
    else:
        try:
            base_url = hosts.normalize(url)
        except NotAllowed as exc:
            raise ConnectError(_say("This address cannot be used: %(why)s.", why=exc)) from None
    if not hosts.is_allowed(base_url):
        raise ConnectError(_say("This site does not send credentials to %(url)s.", url=base_url))
    return base_url


def _registered_client(host: BackpackHost, service: ServiceDescription) -> Client:
    """This site's client at ``host``: the stored one while the host still knows it, else a
    new registration. The host's row is locked meanwhile (one registration per host)."""
    policy = hosts.policy()
    metadata = hosts.client_metadata()
    with transaction.atomic():
        locked = BackpackHost.objects.select_for_update().get(pk=host.pk)
        if _still_usable(locked, metadata.redirect_uri):
            client = Client(locked.client_id, locked.client_secret())
            try:
                if oauth.client_is_known(service, client, policy):
                    return client
            except HostError as exc:
                raise ConnectError(_unreachable(locked.label, exc)) from None
            log.info("microcreds: %s forgot this site's client; registering again", host)
            locked.forget_client()
        try:
            client = registration.register(service, metadata, policy)
        except RegistrationRefused as exc:  # its text names the host and gives its words
            raise ConnectError(f"{exc}.") from None
        except HostError as exc:
            raise ConnectError(_unreachable(locked.label, exc)) from None
        locked.store_client(
            client.client_id, client.client_secret, client.secret_expires_at, metadata.redirect_uri
        )
        locked.save()
    log.info("microcreds: registered with backpack host %s as client %s", host, client.client_id)
    return client


def _still_usable(host: BackpackHost, redirect_uri: str) -> bool:
    if not host.is_registered or host.redirect_uri != redirect_uri:
        return False
    expires = host.client_secret_expires_at
    return expires is None or expires > timezone.now() + timedelta(minutes=5)


def finish(user_id: int, params: Any) -> BackpackConnection:
    """The learner is back from the host with ``params`` (the callback's query): check and
    consume the ``state``, exchange the code, store the tokens, send every active credential."""
    state = params.get("state") or ""
    connection = (
        BackpackConnection.objects.select_related("host")
        .filter(user_id=user_id, pending_state_hash=code_hash(state))
        .first()
        if state
        else None
    )
    if connection is None:
        raise ConnectError(
            _say(
                "This answer from a backpack does not belong to a connection you started, or it "
                "was used already. Please connect again."
            )
        )
    verifier = connection.code_verifier()
    started_at = connection.authorization_started_at
    consumed = BackpackConnection.objects.filter(
        pk=connection.pk, pending_state_hash=connection.pending_state_hash
    ).update(pending_state_hash="", encrypted_code_verifier="", authorization_started_at=None)
    if not consumed:  # another request used it first
        raise ConnectError(
            _say("This answer from a backpack was used already. Please connect again.")
        )
    host = connection.host
    if started_at is None or timezone.now() - started_at > AUTHORIZATION_LIFETIME:
        raise _problem(connection, _say("The connection attempt expired. Please connect again."))
    error = params.get("error")
    if error:
        if error == "access_denied":
            raise _problem(
                connection,
                _say(
                    "You did not allow this site to add credentials to %(host)s.", host=host.label
                ),
            )
        words = printable(str(params.get("error_description") or error))
        raise _problem(
            connection, _say("%(host)s did not connect: %(why)s.", host=host.label, why=words)
        )
    code = params.get("code")
    if not code:
        raise _problem(
            connection,
            _say("%(host)s sent you back without an authorization code.", host=host.label),
        )
    tokens = _exchange(connection, host, code, verifier)
    granted = tokens.scope.split()
    if granted and SCOPE_UPSERT not in granted:
        raise _problem(
            connection,
            _say(
                "%(host)s did not give this site permission to add credentials. Please connect "
                "again and allow it.",
                host=host.label,
            ),
        )
    return _connected(connection.pk, tokens, host.client_id)


def _exchange(
    connection: BackpackConnection, host: BackpackHost, code: str, verifier: str
) -> oauth.Tokens:
    if not host.is_registered:
        raise _problem(connection, _forgotten(host))
    service = ServiceDescription.from_dict(host.endpoints)
    client = Client(host.client_id, host.client_secret())
    try:
        return oauth.exchange_code(
            service, client, code, hosts.redirect_uri(), verifier, hosts.SCOPE, hosts.policy()
        )
    except ClientUnknown:
        host.forget_client()
        host.save()
        raise _problem(connection, _forgotten(host)) from None
    except GrantInvalid:
        raise _problem(
            connection,
            _say(
                "%(host)s did not accept the authorization (it expired or was used). Please "
                "connect again.",
                host=host.label,
            ),
        ) from None
    except TokenRefused as exc:
        raise _problem(connection, f"{exc}.") from None
    except (Unreachable, HostTrouble, HostError) as exc:
        raise _problem(
            connection, _say("%(host)s could not be reached: %(why)s.", host=host.label, why=exc)
        ) from None


def _connected(connection_pk: int, tokens: oauth.Tokens, client_id: str) -> BackpackConnection:
    now = timezone.now()
    expires_at = tokens.expires_at(now)
    with transaction.atomic():
        # The first statement of the transaction is this locking read: an award being issued
        # for this learner right now holds these rows (the channel's targets() locks them), so
        # this waits for it to commit, and the awards read below see it. Either that award's
        # transaction saw this connection connected (and queued a message for it), or this one
        # sees the award.
        connection = BackpackConnection.objects.select_for_update().get(pk=connection_pk)
        connection.store_tokens(
            tokens.access_token, tokens.refresh_token or "", expires_at, tokens.scope
        )
        connection.state = BackpackConnection.State.CONNECTED
        connection.client_id = client_id
        connection.connected_at = now
        connection.problem = ""
        connection.problem_at = None
        connection.save()
        send_everything(connection)
    return connection


def send_everything(connection: BackpackConnection) -> list[int]:
    """Queue every active credential of the learner for this (re)connected backpack, and send
    again what waited for it while it needed reconnecting. Runs in the caller's transaction."""
    now = timezone.now()
    channel = connection.channel
    active = list(
        Award.objects.active()
        .filter(user_id=connection.user_id)
        .exclude(credential_json="")
        .values_list("pk", flat=True)
    )
    Msg.objects.bulk_create(
        [Msg(award_id=pk, event=Msg.Event.CONNECTED, channel=channel) for pk in active],
        ignore_conflicts=True,
    )
    again = {
        "state": Msg.State.PENDING,
        "due_at": now,
        "attempts": 0,
        "created": now,
        "last_error": "",
    }
    # Sent to an earlier connection of the same row (a reconnect): send again.
    Msg.objects.filter(award_id__in=active, event=Msg.Event.CONNECTED, channel=channel).exclude(
        state__in=[Msg.State.PENDING, Msg.State.SENDING]
    ).update(**again)
    # Held back while the backpack needed reconnecting (a revocation, say).
    Msg.objects.filter(channel=channel, state__in=[Msg.State.SKIPPED, Msg.State.FAILED]).exclude(
        award_id__in=active
    ).update(**again)
    ids = list(
        Msg.objects.filter(channel=channel, state=Msg.State.PENDING).values_list("pk", flat=True)
    )
    followups.after_commit(messages=ids)
    return ids


def _say(text: str, **values: object) -> str:
    """``text`` in the learner's language, with ``values`` (a host's own words stay as they are)."""
    translated = gettext(text)
    return (
        translated % {name: str(value) for name, value in values.items()} if values else translated
    )


def _unreachable(where: str, exc: Exception) -> str:
    return _say("The backpack at %(host)s could not be reached: %(why)s.", host=where, why=exc)


def _forgotten(host: BackpackHost) -> str:
    return _say("%(host)s no longer knows this site. Please connect again.", host=host.label)


def _problem(connection: BackpackConnection, text: str) -> ConnectError:
    """Record what went wrong on the connection (its page shows it) and make the error."""
    BackpackConnection.objects.filter(pk=connection.pk).update(
        problem=text, problem_at=timezone.now()
    )
    return ConnectError(text)


def disconnect(user_id: int, connection_id: int) -> BackpackConnection | None:
    """Delete the learner's connection and its tokens; None when it is not theirs."""
    with transaction.atomic():
        connection = (
            BackpackConnection.objects.select_for_update()
            .filter(pk=connection_id, user_id=user_id)
            .first()
        )
        if connection is None:
            return None
        Msg.objects.filter(channel=connection.channel, state=Msg.State.PENDING).update(
            state=Msg.State.SKIPPED, last_error="the learner disconnected this backpack"
        )
        host = connection.host
        connection.delete()
    connection.host = host
    return connection
