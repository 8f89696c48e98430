"""Step 2: OAuth 2.0 dynamic client registration (RFC 7591) at the host's
``x-imssf-registrationUrl``, with the properties OB 3.0 section 7.1.1.2 asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from . import http
from .discovery import ServiceDescription
from .errors import BadAnswer, HostTrouble, RegistrationRefused, printable

# Identifies this software (not one site) to hosts, as RFC 7591's software_id does.
SOFTWARE_ID = "6f0f7d2a-5a53-4d54-9a53-6f70656e6564"


@dataclass(frozen=True)
class ClientMetadata:
    client_name: str
    client_uri: str
    logo_uri: str
    tos_uri: str
    policy_uri: str
    redirect_uri: str
    scope: str
    software_version: str
    contacts: tuple[str, ...] = field(default_factory=tuple)

    def body(self) -> dict:
        body = {
            "client_name": self.client_name,
            "client_uri": self.client_uri,
            "logo_uri": self.logo_uri,
            "tos_uri": self.tos_uri,
            "policy_uri": self.policy_uri,
            "software_id": SOFTWARE_ID,
            "software_version": self.software_version,
            "redirect_uris": [self.redirect_uri],
            "token_endpoint_auth_method": "client_secret_basic",
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "scope": self.scope,
        }
        if self.contacts:
            body["contacts"] = list(self.contacts)
        return body


@dataclass(frozen=True)
class Client:
    client_id: str
    client_secret: str = field(repr=False)
    secret_expires_at: datetime | None = None


def register(service: ServiceDescription, metadata: ClientMetadata, policy: http.Policy) -> Client:
    import json

    host = urlsplit(service.registration_url).hostname or service.registration_url
    answer = http.request(
        "POST",
        service.registration_url,
        policy,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        data=json.dumps(metadata.body()).encode("utf-8"),
    )
    if answer.status >= 500:
        raise HostTrouble(f"{host} could not register this site just now ({answer.status})")
    if answer.status not in (200, 201):
        raise RegistrationRefused(f"{host} refused to register this site: {_why(answer)}")
    try:
        data = answer.json()
    except BadAnswer:
        data = None
    if not isinstance(data, dict):
        raise RegistrationRefused(f"{host} answered the registration with no JSON object")
    client_id, secret = data.get("client_id"), data.get("client_secret")
    if not isinstance(client_id, str) or not client_id:
        raise RegistrationRefused(f"{host} answered the registration without a client_id")
    if not isinstance(secret, str) or not secret:
        raise RegistrationRefused(f"{host} gave no client_secret (client_secret_basic needs one)")
    expires = data.get("client_secret_expires_at")
    expires_at = None
    if isinstance(expires, int) and expires > 0:  # 0: never (RFC 7591, 3.2.1)
        expires_at = datetime.fromtimestamp(expires, tz=UTC)
    return Client(client_id[:255], secret, expires_at)


def _why(answer: http.Answer) -> str:
    """The host's own words (RFC 7591 error / error_description), shortened."""
    try:
        data = answer.json()
    except BadAnswer:
        data = None
    if isinstance(data, dict):
        words = data.get("error_description") or data.get("error")
        if isinstance(words, str) and words.strip():
            return printable(words)
    return f"it answered {answer.status}"
