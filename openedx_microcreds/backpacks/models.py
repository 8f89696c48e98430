"""
Backpack hosts and learners' connections to them.

A :class:`BackpackHost` is shared by every learner who connects to it: what its discovery
document said, and this site's OAuth client registration with it (once per host). A
:class:`BackpackConnection` is one learner's authorization at one host: their tokens, and while
they are on their way through the host's consent page, the single-use ``state`` and PKCE verifier
of that attempt. Secrets (the client secret, tokens, the verifier) are encrypted at rest
(:mod:`openedx_microcreds.secrets`) and never shown, logged or put in ``str()``.

Imported by ``openedx_microcreds.models`` so that Django finds them in the app.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BackpackHost(models.Model):
    """
    A host of learners' credentials that implements the Open Badges 3.0 API, and this site's
    client registration with it.

    .. no_pii: A service's endpoints and this site's OAuth client at that service.
    """

    base_url = models.CharField(_("base URL"), max_length=500, unique=True)
    name = models.CharField(_("name"), max_length=255, blank=True)
    # What discovery found: registration_url, authorization_url, token_url, refresh_url, scopes.
    endpoints = models.JSONField(_("endpoints"), default=dict, blank=True)
    discovered_at = models.DateTimeField(_("discovered at"), null=True, blank=True)
    client_id = models.CharField(_("client id"), max_length=255, blank=True)
    encrypted_client_secret = models.TextField(blank=True, editable=False)
    client_secret_expires_at = models.DateTimeField(
        _("client secret expires at"), null=True, blank=True
    )
    # The redirect URI the registration holds: a site whose LMS URL changed registers again.
    redirect_uri = models.CharField(_("registered redirect URI"), max_length=500, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        app_label = "openedx_microcreds"
        ordering = ["name", "base_url"]
        verbose_name = _("backpack host")
        verbose_name_plural = _("backpack hosts")

    def __str__(self) -> str:
        return f"{self.name or self.base_url} ({self.base_url})"

    def __repr__(self) -> str:
        return f"<BackpackHost {self.pk}: {self.base_url} client={self.client_id or '-'}>"

    @property
    def label(self) -> str:
        return self.name or self.base_url

    @property
    def is_registered(self) -> bool:
        return bool(self.client_id and self.encrypted_client_secret)

    def store_client(self, client_id: str, secret: str, expires_at: Any, redirect_uri: str) -> None:
        from ..secrets import encrypt_text

        self.client_id = client_id
        self.encrypted_client_secret = encrypt_text(secret)
        self.client_secret_expires_at = expires_at
        self.redirect_uri = redirect_uri
        self.registered_at = timezone.now()

    def forget_client(self) -> None:
        """The host no longer knows our client: the next connection registers again."""
        self.client_id = ""
        self.encrypted_client_secret = ""
        self.client_secret_expires_at = None
        self.registered_at = None

    def client_secret(self) -> str:
        from ..secrets import decrypt_text

        return decrypt_text(self.encrypted_client_secret)


class BackpackConnection(models.Model):
    """
    One learner's connection to one backpack host: the tokens that let this site upsert their
    credentials there (``ob3:<pk>`` is the outbox channel of its messages), and the pending
    authorization while the learner is at the host's consent page.

    Retirement: a learner's retirement must delete their rows.

    .. pii: The learner (user FK), and tokens that act on their behalf at the host.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        NEW = "new", _("not finished")
        CONNECTED = "connected", _("connected")
        RECONNECT = "reconnect", _("needs reconnecting")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="microcreds_backpacks",
        verbose_name=_("learner"),
    )
    host = models.ForeignKey(
        BackpackHost,
        on_delete=models.CASCADE,
        related_name="connections",
        verbose_name=_("host"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.NEW)
    # The client the tokens were issued to: tokens of an older registration are useless.
    client_id = models.CharField(_("client id"), max_length=255, blank=True)
    encrypted_access_token = models.TextField(blank=True, editable=False)
    encrypted_refresh_token = models.TextField(blank=True, editable=False)
    access_token_expires_at = models.DateTimeField(
        _("access token expires at"), null=True, blank=True
    )
    scope = models.CharField(_("granted scope"), max_length=1000, blank=True)
    # The authorization in progress: SHA-256 of its ``state`` (looked up, never shown) and the
    # encrypted PKCE verifier; both cleared when the learner comes back (single use).
    pending_state_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    encrypted_code_verifier = models.TextField(blank=True, editable=False)
    authorization_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    connected_at = models.DateTimeField(_("connected at"), null=True, blank=True)
    # The last thing that went wrong, in words for the learner (never a secret).
    problem = models.TextField(_("problem"), blank=True)
    problem_at = models.DateTimeField(_("problem at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        app_label = "openedx_microcreds"
        ordering = ["created", "pk"]
        verbose_name = _("backpack connection")
        verbose_name_plural = _("backpack connections")
        constraints = [
            models.UniqueConstraint(fields=["user", "host"], name="microcreds_backpack_once"),
        ]

    def __str__(self) -> str:
        return f"user={self.user_id} -> {self.host_id} ({self.state})"

    def __repr__(self) -> str:
        return (
            f"<BackpackConnection {self.pk}: user={self.user_id} host={self.host_id} {self.state}>"
        )

    @property
    def channel(self) -> str:
        """The outbox channel of this connection's messages."""
        return channel_name(self.pk)

    @property
    def is_connected(self) -> bool:
        return self.state == self.State.CONNECTED

    def store_tokens(
        self, access_token: str, refresh_token: str | None, expires_at: Any, scope: str
    ) -> None:
        from ..secrets import encrypt_text

        self.encrypted_access_token = encrypt_text(access_token)
        if refresh_token is not None:  # a refresh that returns none keeps the old one
            self.encrypted_refresh_token = encrypt_text(refresh_token) if refresh_token else ""
        self.access_token_expires_at = expires_at
        if scope:
            self.scope = scope[:1000]

    def access_token(self) -> str:
        from ..secrets import decrypt_text

        return decrypt_text(self.encrypted_access_token) if self.encrypted_access_token else ""

    def refresh_token(self) -> str:
        from ..secrets import decrypt_text

        return decrypt_text(self.encrypted_refresh_token) if self.encrypted_refresh_token else ""

    def code_verifier(self) -> str:
        from ..secrets import decrypt_text

        return decrypt_text(self.encrypted_code_verifier) if self.encrypted_code_verifier else ""


CHANNEL_PREFIX = "ob3"


def channel_name(connection_id: int) -> str:
    return f"{CHANNEL_PREFIX}:{connection_id}"


def connection_id_of(channel: str) -> int | None:
    """The connection id of an ``ob3:<id>`` channel, or None for any other channel."""
    prefix, _sep, rest = channel.partition(":")
    if prefix != CHANNEL_PREFIX or not rest.isdigit():
        return None
    return int(rest)
