"""Endpoints of OpenID4VCI (see ``wallets.oid4vci``): metadata, credential offer, token, nonce,
credential. Errors are OAuth error objects with the specification's codes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from ..signing import NoActiveKeyError
from ..wallets import oid4vci
from ..wallets.exchanges import ExchangeError
from .wallet_http import BodyError, json_answer, oauth_error, read_json, wallet_endpoint

_METADATA_CACHE = "public, max-age=300"
_FORM = "application/x-www-form-urlencoded"


@wallet_endpoint("GET", "HEAD")
def wallet_oid4vci_issuer_metadata(request: HttpRequest) -> HttpResponse:
    """Credential issuer metadata, at both spellings of its well-known URL."""
    return json_answer(oid4vci.issuer_metadata(), cache=_METADATA_CACHE)


@wallet_endpoint("GET", "HEAD")
def wallet_oid4vci_authorization_server(request: HttpRequest) -> HttpResponse:
    """RFC 8414 authorization server metadata, at both spellings of its well-known URL."""
    return json_answer(oid4vci.authorization_server_metadata(), cache=_METADATA_CACHE)


@wallet_endpoint("GET", "HEAD")
def wallet_oid4vci_offer(request: HttpRequest, code: str) -> HttpResponse:
    """The credential offer behind ``credential_offer_uri``."""
    try:
        return json_answer(oid4vci.credential_offer(code))
    except ExchangeError as exc:
        status = 404 if exc.reason == "unknown" else 410
        return oauth_error(status, "invalid_credential_offer", str(exc))


@wallet_endpoint("POST")
def wallet_oid4vci_token(request: HttpRequest) -> HttpResponse:
    if request.content_type != _FORM:
        return oauth_error(400, "invalid_request", f"the token request must be {_FORM}")
    try:
        return json_answer(oid4vci.token(request.POST))
    except oid4vci.Oid4vciError as exc:
        return oauth_error(exc.status, exc.error, exc.description)


@wallet_endpoint("POST")
def wallet_oid4vci_nonce(request: HttpRequest) -> HttpResponse:
    return json_answer(oid4vci.nonce())


@wallet_endpoint("POST")
def wallet_oid4vci_credential(request: HttpRequest) -> HttpResponse:
    try:
        body = read_json(request)
        return json_answer(oid4vci.credential(request.headers.get("Authorization"), body))
    except BodyError as exc:
        return oauth_error(400, "invalid_credential_request", str(exc))
    except oid4vci.Oid4vciError as exc:
        return oauth_error(exc.status, exc.error, exc.description)
    except NoActiveKeyError:
        return oauth_error(503, "temporarily_unavailable", "the issuer cannot sign at the moment")
