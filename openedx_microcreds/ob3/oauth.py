"""Step 3: the authorization code grant with PKCE (S256) and ``state``, the token request with
HTTP Basic client authentication, and refreshing (OB 3.0, 7.1.2 and 7.2; RFC 6749, RFC 7636)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import quote_plus, urlencode, urlsplit

from . import http
from .discovery import ServiceDescription
from .errors import (
    BadAnswer,
    ClientUnknown,
    GrantInvalid,
    HostTrouble,
    TokenRefused,
    printable,
)
from .registration import Client


@dataclass(frozen=True)
class Pkce:
    verifier: str = field(repr=False)
    challenge: str


@dataclass(frozen=True)
class Tokens:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)  # None: the host sent none
    expires_in: int | None
    scope: str

    def expires_at(self, now: datetime) -> datetime | None:
        """When the access token expires, counted from ``now`` (None: the host did not say)."""
        return now + timedelta(seconds=self.expires_in) if self.expires_in else None


def new_pkce() -> Pkce:
    """A fresh verifier (64 characters of base64url, within RFC 7636's 43-128) and its S256
    challenge."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return Pkce(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


def new_state() -> str:
    return secrets.token_urlsafe(32)


def authorization_url(
    service: ServiceDescription,
    client_id: str,
    redirect_uri: str,
    scope: str,
    state: str,
    challenge: str,
) -> str:
    """Where the learner's browser goes to sign in at the host and consent. ``prompt=consent``:
    OpenID Connect hosts issue refresh tokens (``offline_access``) only with it; plain OAuth 2.0
    hosts ignore parameters they do not know (RFC 6749, 3.1)."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "scope": scope,
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "prompt": "consent",
        }
    )
    separator = "&" if urlsplit(service.authorization_url).query else "?"
    return f"{service.authorization_url}{separator}{query}"


def exchange_code(
    service: ServiceDescription,
    client: Client,
    code: str,
    redirect_uri: str,
    verifier: str,
    scope: str,
    policy: http.Policy,
) -> Tokens:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "scope": scope,
        "code_verifier": verifier,
    }
    return _token_request(service.token_url, client, form, policy)


def refresh(
    service: ServiceDescription, client: Client, refresh_token: str, policy: http.Policy
) -> Tokens:
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    return _token_request(service.refresh_url or service.token_url, client, form, policy)


def client_is_known(service: ServiceDescription, client: Client, policy: http.Policy) -> bool:
    """Whether the host still knows this site's registration, asked without any learner's
    token: a refresh with a made-up token fails with ``invalid_grant`` for a known client and
    ``invalid_client`` for an unknown one (client authentication comes first, RFC 6749 5.2)."""
    try:
        _token_request(
            service.refresh_url or service.token_url,
            client,
            {"grant_type": "refresh_token", "refresh_token": "probe-" + secrets.token_hex(8)},
            policy,
        )
    except ClientUnknown:
        return False
    except TokenRefused:
        return True
    return True


def _token_request(url: str, client: Client, form: dict, policy: http.Policy) -> Tokens:
    host = urlsplit(url).hostname or url
    # RFC 6749 2.3.1: both are form-encoded before they go into the Basic credentials.
    auth = (quote_plus(client.client_id, safe=""), quote_plus(client.client_secret, safe=""))
    answer = http.request(
        "POST", url, policy, data=form, auth=auth, headers={"Accept": "application/json"}
    )
    if answer.status >= 500:
        raise HostTrouble(f"{host} could not issue a token just now ({answer.status})")
    try:
        data = answer.json()
    except BadAnswer:
        data = None
    if answer.status != 200:
        error, words = "", f"it answered {answer.status}"
        if isinstance(data, dict):
            error = str(data.get("error") or "")
            description = data.get("error_description")
            words = printable(str(description or error or words))
        message = f"{host} refused the token request: {words}"
        if error == "invalid_client" or (answer.status == 401 and not error):
            raise ClientUnknown(message, "invalid_client")
        if error == "invalid_grant":
            raise GrantInvalid(message, error)
        raise TokenRefused(message, error)
    if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
        raise TokenRefused(f"{host} answered the token request without an access token")
    token_type = str(data.get("token_type", "")).lower()
    if token_type != "bearer":  # noqa: S105 - a token type's name, not a secret
        raise TokenRefused(f"{host} issued a {token_type or 'typeless'} token, not a Bearer token")
    expires_in = data.get("expires_in")
    refresh_token = data.get("refresh_token")
    return Tokens(
        access_token=data["access_token"],
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        expires_in=int(expires_in) if isinstance(expires_in, int | float) else None,
        scope=str(data.get("scope") or ""),
    )
