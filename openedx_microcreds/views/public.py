"""The public credential page (no login) and the achievement page.

``credentials/<uuid>/`` shows what the signed credential says and the live result of every
verification check, with the issuer's status list and DID document supplied in-process: the same
checks ``microcreds verify`` runs given those documents. The same URL serves the credential JSON
to clients that ask for it. Unknown and malformed ids get the same 404, so the page tells nothing
about which awards exist.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ..credentials import VerificationReport, verify_credential
from ..issuing import public_credential_url
from ..models import Award, CredentialDefinition
from ..signing import NoActiveKeyError, issuer_did_document
from ..status import signed_status_list, status_list_url
from . import display, http
from .achievements import achievement_document

log = logging.getLogger(__name__)

_CREDENTIAL_TYPES = (http.HTML, http.VC_LD_JSON, http.LD_JSON, http.JSON)
_FORMATS = {"json": http.JSON, "vc": http.VC_LD_JSON, "html": http.HTML}


def _requested_type(request: HttpRequest) -> str:
    wanted = request.GET.get("format")
    if wanted in _FORMATS:
        return _FORMATS[wanted]
    if "download" in request.GET:
        return http.VC_LD_JSON
    return http.preferred_type(request, _CREDENTIAL_TYPES)


def verify_award(award: Award) -> VerificationReport:
    """Verify the award's credential with our own published documents supplied in-process:
    its status list (signed, re-signed only when a bit changed) and, for a did:web issuer, the
    issuer's DID document (every key not retired)."""
    status_lists = {}
    if award.status_list is not None:
        try:
            signed = signed_status_list(award.status_list)
        except NoActiveKeyError:
            # The list needs signing and the issuer has no key to sign with: the status check
            # then fails, saying the list could not be had, as it would for any verifier.
            log.warning("status list %s cannot be signed: no active key", award.status_list.uuid)
        else:
            status_lists[status_list_url(award.status_list)] = signed
    issuer = award.definition.issuer
    did_documents = {}
    if issuer.did.startswith("did:web:"):
        did_documents[issuer.did] = issuer_did_document(issuer)
    return verify_credential(
        award.credential, did_documents=did_documents, status_lists=status_lists
    )


@http.public_view
def credential(request: HttpRequest, award_id: str) -> HttpResponse:
    award_uuid = http.parse_uuid(award_id)
    award = None
    if award_uuid is not None:
        award = (
            Award.objects.select_related("definition__issuer", "status_list")
            .defer("status_list__bits", "evidence")
            .filter(uuid=award_uuid)
            .exclude(credential_json="")
            .first()
        )
    if award is None:
        return http.not_found(request)
    wanted = _requested_type(request)
    if wanted != http.HTML:
        download = "download" in request.GET
        return http.document_response(
            request,
            award.credential_json,
            wanted,
            cache_control="public, max-age=300",
            vary_accept="format" not in request.GET and not download,
            filename=f"{award.definition.slug}-{award.uuid}.json" if download else None,
        )
    return _credential_page(award)


def _credential_page(award: Award) -> HttpResponse:
    document = award.credential
    shown = display.credential_context(document)
    report = verify_award(award)
    now = timezone.now()
    standing = display.standing(award, shown["valid_until"], now)
    public_url = public_credential_url(award)
    issued = shown["awarded"] or shown["valid_from"]
    from ..learner.credentials import image_src

    context = {
        "credential": shown,
        # The credential's own image (https, loaded by the browser), else generated artwork.
        "image_src": image_src(award, shown),
        "standing": standing,
        "report": report,
        "checks": display.checks_of(report.checks),
        "verified": report.ok,
        "public_url": public_url,
        # Relative: same origin as the page, which the download attribute needs.
        "json_url": "?format=json",
        "download_url": "?download=1",
        "linkedin_url": display.linkedin_url_of(shown, issued=issued, public_url=public_url),
        "now": now,
    }
    response = http.html_response("openedx_microcreds/credential.html", context)
    # The verification result is live (revocation, expiry): caches must ask again every time.
    response["Cache-Control"] = "no-cache"
    return response


def _public_definition(definition_id: str) -> CredentialDefinition | None:
    definition_uuid = http.parse_uuid(definition_id)
    if definition_uuid is None:
        return None
    definition = (
        CredentialDefinition.objects.select_related("issuer").filter(uuid=definition_uuid).first()
    )
    if definition is None:
        return None
    # A draft is nobody's business until it has been awarded (then its id is in credentials).
    if definition.state == CredentialDefinition.State.DRAFT and not definition.awards.exists():
        return None
    return definition


@http.public_view
def achievement(request: HttpRequest, definition_id: str) -> HttpResponse:
    definition = _public_definition(definition_id)
    if definition is None:
        return http.not_found(request)
    document = achievement_document(definition)
    wanted = request.GET.get("format") or ""
    if wanted not in _FORMATS:
        wanted = http.preferred_type(request, (http.HTML, http.LD_JSON, http.JSON))
    else:
        wanted = _FORMATS[wanted]
        wanted = http.LD_JSON if wanted == http.VC_LD_JSON else wanted
    if wanted != http.HTML:
        return http.document_response(
            request,
            http.json_body(document),
            wanted,
            cache_control="public, max-age=300",
            vary_accept="format" not in request.GET,
        )
    context = {
        "achievement": display.achievement_of(document),
        "issuer": display.issuer_of(document.get("creator") or {}),
        "json_url": "?format=json",
        "state": definition.state,
    }
    response = http.html_response("openedx_microcreds/achievement.html", context)
    response["Cache-Control"] = "public, max-age=300"
    return response
