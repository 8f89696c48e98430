"""Step 1: the host's Service Description Document (an OpenAPI 3.0 document at
``{base}/ims/ob/v3p0/discovery``), read for the OAuth 2.0 authorization code scheme:
``components.securitySchemes.*`` of type ``oauth2`` with ``x-imssf-registrationUrl`` and
``flows.authorizationCode.{authorizationUrl, tokenUrl, refreshUrl, scopes}`` (OB 3.0, 7.1.1.1).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from . import CREDENTIALS_PATH, DISCOVERY_PATH, SCOPE_UPSERT, http
from .errors import BadAnswer, NotABackpack, NotAllowed


@dataclass(frozen=True)
class ServiceDescription:
    """What this client needs from a host's discovery document."""

    name: str
    registration_url: str
    authorization_url: str
    token_url: str
    refresh_url: str
    scopes: tuple[str, ...]

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "scopes": list(self.scopes)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ServiceDescription:
        return cls(
            name=str(data.get("name", "")),
            registration_url=data["registration_url"],
            authorization_url=data["authorization_url"],
            token_url=data["token_url"],
            refresh_url=data.get("refresh_url") or data["token_url"],
            scopes=tuple(data.get("scopes", ())),
        )


def discovery_url(base_url: str) -> str:
    return base_url.rstrip("/") + DISCOVERY_PATH


def credentials_url(base_url: str) -> str:
    return base_url.rstrip("/") + CREDENTIALS_PATH


def discover(base_url: str, policy: http.Policy) -> ServiceDescription:
    """Fetch and read the host's discovery document; :class:`NotABackpack` says what is wrong."""
    url = discovery_url(base_url)
    host = urlsplit(url).hostname or url
    answer = http.request("GET", url, policy, headers={"Accept": "application/json"})
    if answer.status != 200:
        raise NotABackpack(
            f"{host} has no Open Badges 3.0 discovery document "
            f"(it answered {answer.status} at {url})"
        )
    try:
        document = answer.json()
    except BadAnswer:
        raise NotABackpack(f"the discovery document of {host} is not JSON") from None
    return read(document, host, policy)


def read(document: Any, host: str, policy: http.Policy) -> ServiceDescription:
    if not isinstance(document, dict):
        raise NotABackpack(f"the discovery document of {host} is not a JSON object")
    schemes = _dig(document, "components", "securitySchemes")
    if not isinstance(schemes, dict):
        raise NotABackpack(f"the discovery document of {host} lists no security schemes")
    chosen = None
    for name, scheme in schemes.items():
        flow = _dig(scheme, "flows", "authorizationCode")
        usable = _dig(scheme, "type") == "oauth2" and isinstance(flow, dict)
        if usable and (name == "OAuth2ACG" or chosen is None):  # the spec's name first
            chosen = (scheme, flow)
    if chosen is None:
        raise NotABackpack(
            f"the discovery document of {host} offers no OAuth 2.0 authorization code flow"
        )
    scheme, flow = chosen
    scopes = flow.get("scopes")
    scope_names = tuple(scopes) if isinstance(scopes, dict) else ()
    if SCOPE_UPSERT not in scope_names:
        raise NotABackpack(f"{host} does not let other sites add credentials (no upsert scope)")
    urls = {
        "registration_url": scheme.get("x-imssf-registrationUrl"),
        "authorization_url": flow.get("authorizationUrl"),
        "token_url": flow.get("tokenUrl"),
        "refresh_url": flow.get("refreshUrl") or flow.get("tokenUrl"),
    }
    for field, value in urls.items():
        label = field.replace("_", " ").removesuffix(" url")
        if not isinstance(value, str) or not value:
            raise NotABackpack(f"the discovery document of {host} gives no {label} URL")
        try:
            http.check_url(value, policy)
        except NotAllowed as exc:
            raise NotABackpack(f"the {label} URL of {host} cannot be used: {exc}") from None
    info = document.get("info") if isinstance(document.get("info"), dict) else {}
    name = scheme.get("x-imssf-name") or info.get("title") or host
    return ServiceDescription(
        name=str(name)[:200],
        scopes=scope_names,
        **urls,  # type: ignore[arg-type]
    )


def _dig(value: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
