"""Endpoints of the Learner Credential Wallet's VC-API exchange (see ``wallets.lcw``).

Errors are RFC 9457 problems: 404 for an unknown offer, 410 for an expired one or a credential
no longer active, 409 for an offer used already, 400 for a presentation that does not
authenticate (``error`` names the failed check: ``invalid_challenge``, ``invalid_domain``,
``invalid_holder``, ``invalid_signature``, ...).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from ..credentials.presentations import PresentationError
from ..signing import NoActiveKeyError
from ..wallets import lcw
from ..wallets.exchanges import ExchangeError
from .wallet_http import BodyError, json_answer, problem, read_json, wallet_endpoint

_EXCHANGE_STATUS = {"unknown": 404, "expired": 410, "inactive": 410, "used": 409}
_EXCHANGE_ERROR = {
    "unknown": "unknown_exchange",
    "expired": "exchange_expired",
    "inactive": "credential_inactive",
    "used": "exchange_used",
}


def _refusal(exc: Exception) -> HttpResponse:
    if isinstance(exc, ExchangeError):
        return problem(_EXCHANGE_STATUS[exc.reason], _EXCHANGE_ERROR[exc.reason], str(exc))
    if isinstance(exc, PresentationError):
        return problem(400, f"invalid_{exc.code}", str(exc))
    if isinstance(exc, BodyError):
        return problem(400, "invalid_request", str(exc))
    if isinstance(exc, NoActiveKeyError):
        return problem(503, "issuer_unavailable", "the issuer cannot sign at the moment")
    raise exc


@wallet_endpoint("GET", "HEAD")
def wallet_lcw_interaction(request: HttpRequest, code: str) -> HttpResponse:
    """The interaction URL: which protocols this offer speaks."""
    try:
        return json_answer(lcw.interaction(code))
    except ExchangeError as exc:
        return _refusal(exc)


@wallet_endpoint("POST")
def wallet_lcw_exchange(request: HttpRequest, code: str) -> HttpResponse:
    """The VC-API exchange: ``{}`` starts it, ``{"verifiablePresentation": ..}`` ends it."""
    try:
        message = read_json(request, empty={})
        if not isinstance(message, dict):
            raise BodyError("the message must be a JSON object")
        if "verifiablePresentation" not in message:
            return json_answer(lcw.presentation_request(code))
        credential = lcw.receive_presentation(code, message["verifiablePresentation"])
        return json_answer(lcw.presentation_of(credential))
    except (ExchangeError, PresentationError, BodyError, NoActiveKeyError) as exc:
        return _refusal(exc)


@wallet_endpoint("POST")
def wallet_lcw_request(request: HttpRequest, code: str) -> HttpResponse:
    """The older credential request flow (``vc_request_url``): the body is the signed
    presentation itself; the answer is the credential."""
    try:
        presentation = read_json(request)
        return json_answer(lcw.receive_presentation(code, presentation, legacy=True))
    except (ExchangeError, PresentationError, BodyError, NoActiveKeyError) as exc:
        return _refusal(exc)
