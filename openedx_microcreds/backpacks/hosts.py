"""Which backpack hosts learners may connect, read from the operator's settings, and the
settings the protocol client works with (its safety policy, this site's client metadata)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.urls import reverse

from .. import __version__
from ..ob3 import DISCOVERY_PATH, OFFLINE_ACCESS, SCOPE_UPSERT, http
from ..ob3.registration import ClientMetadata
from ..settings import get_setting

#: What this site asks hosts for: to upsert credentials, and refresh tokens to go on doing it.
SCOPE = f"{SCOPE_UPSERT} {OFFLINE_ACCESS}"


@dataclass(frozen=True)
class OfferedHost:
    """A host of MICROCREDS_OB3_HOSTS, as the connect form lists it."""

    name: str
    url: str  # normalized base URL


class HostSettingError(ValueError):
    """MICROCREDS_OB3_HOSTS is malformed (the system check reports it)."""


def policy() -> http.Policy:
    return http.Policy(
        allow_loopback=bool(get_setting("MICROCREDS_OB3_ALLOW_LOOPBACK")),
        timeout=float(get_setting("MICROCREDS_OB3_TIMEOUT_SECONDS")),
        max_bytes=int(get_setting("MICROCREDS_OB3_MAX_RESPONSE_BYTES")),
    )


def normalize(url: str) -> str:
    """A base URL as stored and compared: scheme and host in lower case, no default port, no
    trailing slash, no query or fragment. ``https://`` is assumed when none is typed, and a
    pasted discovery URL is cut back to its base. Raises :class:`http.NotAllowed` for what the
    client would refuse anyway (another scheme, user info, a refused IP literal)."""
    text = (url or "").strip()
    if not text:
        raise http.NotAllowed("no address was given")
    if "://" not in text:
        text = "https://" + text
    parts = http.check_url(text, policy())
    if parts.query or parts.fragment:
        raise http.NotAllowed("a backpack address has no query (?) or fragment (#)")
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default_port = {"https": 443, "http": 80}[parts.scheme.lower()]
    netloc = host if parts.port in (None, default_port) else f"{host}:{parts.port}"
    path = parts.path.rstrip("/")
    if path.endswith(DISCOVERY_PATH):
        path = path[: -len(DISCOVERY_PATH)]
    return urlunsplit((parts.scheme.lower(), netloc, path, "", ""))


def offered() -> list[OfferedHost]:
    """The operator's hosts, in their order (malformed entries raise HostSettingError)."""
    entries = get_setting("MICROCREDS_OB3_HOSTS") or []
    if not isinstance(entries, list | tuple):
        raise HostSettingError("MICROCREDS_OB3_HOSTS must be a list of {'name': ..., 'url': ...}")
    hosts = []
    for position, entry in enumerate(entries):
        where = f"MICROCREDS_OB3_HOSTS[{position}]"
        if not isinstance(entry, dict) or not entry.get("url") or not entry.get("name"):
            raise HostSettingError(f"{where} must be a dict with a 'name' and a 'url'")
        try:
            url = normalize(str(entry["url"]))
        except http.NotAllowed as exc:
            raise HostSettingError(f"{where}: {exc}") from None
        hosts.append(OfferedHost(str(entry["name"]), url))
    return hosts


def typing_allowed() -> bool:
    return bool(get_setting("MICROCREDS_OB3_ALLOW_ANY_HOST"))


def enabled() -> bool:
    """Whether learners can connect backpacks at all on this site."""
    return typing_allowed() or bool(get_setting("MICROCREDS_OB3_HOSTS"))


def is_allowed(base_url: str) -> bool:
    """Whether this site connects and delivers to ``base_url`` (listed, or any host allowed)."""
    if typing_allowed():
        return True
    try:
        return base_url in _offered_urls(_settings_key())
    except HostSettingError:
        return False


def _settings_key() -> tuple[bool, str]:
    entries = get_setting("MICROCREDS_OB3_HOSTS") or []
    return bool(get_setting("MICROCREDS_OB3_ALLOW_LOOPBACK")), repr(entries)


@functools.lru_cache(maxsize=8)
def _offered_urls(_key: tuple) -> frozenset[str]:
    """The normalized URLs of the operator's hosts, parsed once per value of the settings."""
    return frozenset(host.url for host in offered())


def offered_name(base_url: str) -> str:
    try:
        return next((host.name for host in offered() if host.url == base_url), "")
    except HostSettingError:
        return ""


def lms_root() -> str:
    root = getattr(settings, "LMS_ROOT_URL", "") or get_setting("MICROCREDS_ISSUER_BASE_URL")
    return str(root).rstrip("/")


def redirect_uri() -> str:
    """Where hosts send the learner back: the LMS's own URL (their session lives there)."""
    return lms_root() + reverse("openedx_microcreds:backpack_callback")


def client_metadata() -> ClientMetadata:
    root = lms_root()
    chosen = dict(get_setting("MICROCREDS_OB3_CLIENT_METADATA") or {})
    contacts = chosen.get("contacts") or ()
    return ClientMetadata(
        client_name=str(
            chosen.get("client_name")
            or getattr(settings, "PLATFORM_NAME", "")
            or urlsplit(root).hostname
            or "Open edX"
        ),
        client_uri=str(chosen.get("client_uri") or root + "/"),
        logo_uri=str(chosen.get("logo_uri") or root + "/favicon.ico"),
        tos_uri=str(chosen.get("tos_uri") or root + "/tos"),
        policy_uri=str(chosen.get("policy_uri") or root + "/privacy"),
        redirect_uri=redirect_uri(),
        scope=SCOPE,
        software_version=__version__,
        contacts=tuple(str(contact) for contact in contacts),
    )
