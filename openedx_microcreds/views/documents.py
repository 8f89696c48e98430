"""Machine-readable documents verifiers fetch: status lists and issuers' DID documents.

Both carry a strong ETag (a hash of the exact body) and answer ``If-None-Match`` with 304, so a
verifier polling a list pays for the body only when a bit changed.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

from ..credentials import KeyFormatError
from ..models import Issuer, StatusList
from ..settings import get_setting, issuer_base_url
from ..signing import NoActiveKeyError, did_for_base_url, issuer_did_document
from ..status import signed_status_list
from . import http

log = logging.getLogger(__name__)

DID_DOCUMENT_MAX_AGE = 300


@http.public_view
def status_list(request: HttpRequest, list_id: str) -> HttpResponse:
    list_uuid = http.parse_uuid(list_id)
    found = None
    if list_uuid is not None:
        # The raw bits are not needed to serve the signed list (re-signing reads them itself).
        found = StatusList.objects.defer("bits").filter(uuid=list_uuid).first()
    if found is None:
        return http.not_found(request)
    try:
        body = http.json_body(signed_status_list(found))
    except NoActiveKeyError:
        # The list needs signing (never signed, or a bit changed) and the issuer has no active
        # key: an operator must generate one. Say "try later" rather than serve a stale list.
        log.error("status list %s cannot be signed: its issuer has no active key", found.uuid)
        response = HttpResponse(
            '{"detail":"The status list is temporarily unavailable."}',
            status=503,
            content_type=http.JSON,
        )
        response["Retry-After"] = "300"
        return http.secure(response)
    max_age = int(get_setting("MICROCREDS_STATUS_LIST_MAX_AGE"))
    return http.document_response(
        request, body, http.VC_LD_JSON, cache_control=f"public, max-age={max_age}"
    )


@http.public_view
def site_issuer_did(request: HttpRequest) -> HttpResponse:
    """``issuer/did.json``: the issuer whose did:web names this site's ``/microcreds/issuer``."""
    try:
        did = did_for_base_url(issuer_base_url())
    except KeyFormatError:  # a base URL did:web cannot name (plain http on a public host)
        return http.not_found(request)
    issuer = Issuer.objects.filter(did=did).order_by("pk").first()
    return _did_response(request, issuer)


@http.public_view
def issuer_did(request: HttpRequest, issuer_id: str) -> HttpResponse:
    pk = http.parse_id(issuer_id)
    return _did_response(request, Issuer.objects.filter(pk=pk).first() if pk else None)


def _did_response(request: HttpRequest, issuer: Issuer | None) -> HttpResponse:
    if issuer is None or not issuer.did.startswith("did:web:"):
        return http.not_found(request)
    body = http.json_body(issuer_did_document(issuer))
    return http.document_response(
        request, body, http.DID_JSON, cache_control=f"public, max-age={DID_DOCUMENT_MAX_AGE}"
    )
