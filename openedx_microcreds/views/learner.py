"""The signed-in learner's pages: their credentials (``me/``), the downloads of each, adding one
to a wallet, their e-mail choice, and a page per course (the ``openedx.course_tool``).

LMS login required everywhere (anonymous visitors are sent to the login page). Every page and
download shows the signed-in learner's own data only: an award is looked up by its id *and* its
owner, so another learner's id gets the same 404 as an unknown one, whoever asks (course staff
included).
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from .. import api, wallets
from ..backpacks import status as backpack_status
from ..learner import credentials, preferences, progress
from ..learner.names import DisplayNames
from ..platform import CourseNotFoundError, get_platform, parse_course_key
from ..settings import get_setting
from . import http

log = logging.getLogger(__name__)

# Private pages: no caching anywhere, forms post back to this site only.
_PAGE_CSP = (
    "default-src 'none'; img-src https: data:; style-src '{style}'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    css, style_hash = http.stylesheet()
    body = render_to_string(template, {**context, "css": css}, request=request)
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = _PAGE_CSP.format(style=style_hash)
    response = http.secure(response)
    # Its forms post back here: with "no-referrer" browsers send "Origin: null" on a POST, which
    # Django's CSRF check refuses. "same-origin" still tells other sites nothing.
    response["Referrer-Policy"] = "same-origin"
    return _private(response)


def _private(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "private, no-store"
    return response


def _learner(request: HttpRequest):
    learner = get_platform().get_user(request.user.pk)
    if learner is None:  # a session for a user the platform no longer has
        raise Http404
    return learner


@require_GET
@login_required
def my_credentials(request: HttpRequest) -> HttpResponse:
    learner = _learner(request)
    held = api.learner_awards(learner.id)
    _add_backpack_deliveries(learner.id, held)
    from .backpack import pop_notice

    context = {
        "learner": learner,
        "held": held,
        "progress": api.learner_progress(learner.id),
        "wallets_available": bool(wallets.protocols()),
        "emails_on": preferences.wants_emails(learner.id),
        "emails_site_wide": get_setting("MICROCREDS_LEARNER_EMAILS_ENABLED"),
        "saved": request.GET.get("saved") == "1",
        "backpacks": backpack_status.page(learner.id),
        "notice": pop_notice(request),
    }
    return _page(request, "openedx_microcreds/learner/credentials.html", context)


def _add_backpack_deliveries(user_id: int, held: list[credentials.HeldCredential]) -> None:
    found = backpack_status.deliveries(user_id, [item.award.pk for item in held])
    for item in held:
        item.backpacks = found.get(item.award.pk, [])


@require_POST
@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The e-mail choice of the credentials page (a checkbox: absent means off)."""
    preferences.set_wants_emails(request.user.pk, request.POST.get("email_notifications") == "on")
    url = reverse("openedx_microcreds:learner_credentials") + "?saved=1#notifications"
    return _private(HttpResponseRedirect(url))


_DOWNLOADS = {
    "json": ("application/vc+ld+json", "json"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
}


@require_GET
@login_required
def download(request: HttpRequest, award_id: str, kind: str) -> HttpResponse:
    award = credentials.own_award(request.user.pk, award_id)
    if award is None or kind not in _DOWNLOADS:
        raise Http404
    content_type, extension = _DOWNLOADS[kind]
    if kind == "json":
        body: bytes | str = award.credential_json
    elif kind == "png":
        body = credentials.baked_png(award)
    else:
        body = credentials.baked_svg(award)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{credentials.filename(award, extension)}"'
    )
    return _private(http.secure(response))


@require_GET
@login_required
def wallet(request: HttpRequest, award_id: str) -> HttpResponse:
    """Fresh offers of an active credential, one per wallet protocol, each as a link and a QR
    code; and where it was delivered already."""
    award = credentials.own_award(request.user.pk, award_id)
    if award is None:
        raise Http404
    found = api.learner_awards(request.user.pk, award_pk=award.pk)
    if not found:  # superseded by a renewal: the renewed one is on the learner's page
        raise Http404
    held = found[0]
    offers = []
    problems = []
    if held.is_active:
        for protocol in wallets.protocols():
            try:
                offer = protocol.offer(award, request)
            except Exception:  # noqa: BLE001 - one broken protocol must not hide the others
                log.exception("microcreds: %s could not make an offer", protocol.name)
                problems.append(protocol.label or protocol.name)
                continue
            offers.append({"offer": offer, "qr": qr_data_uri(offer.qr)})
    context = {
        "learner": _learner(request),
        "item": held,
        "offers": offers,
        "problems": problems,
        "wallets_available": bool(wallets.protocols()),
        "now": timezone.now(),
    }
    return _page(request, "openedx_microcreds/learner/wallet.html", context)


def qr_data_uri(text: str) -> str:
    """``text`` as a QR code (an SVG data: URI): medium error correction, a 4-module quiet
    zone, black on white, large enough for a phone camera from a laptop screen."""
    import segno

    code = segno.make(text, error="m", micro=False)
    return code.svg_data_uri(scale=5, border=4, dark="#000000", light="#ffffff")


@require_GET
@login_required
def course(request: HttpRequest, course_id: str) -> HttpResponse:
    """What this course awards, the learner's progress, and what they hold from it. Nothing
    for someone neither enrolled in the course nor holding a credential of it."""
    try:
        course_key = str(parse_course_key(course_id))
    except CourseNotFoundError:
        raise Http404 from None
    learner = _learner(request)
    platform = get_platform()
    enrolled = course_key in platform.enrolled_courses(learner.id)
    definitions = [definition for definition, _ccx in progress.definitions_in(course_key)]
    keys = sorted({d.course_key for d in definitions if d.course_key} | {course_key})
    offered_here = {d.pk for d in definitions}
    held_here = [
        item
        for item in api.learner_awards(learner.id)
        if item.award.definition_id in offered_here or item.award.definition.course_key in keys
    ]
    if not enrolled and not held_here:
        raise Http404
    _add_backpack_deliveries(learner.id, held_here)
    names = DisplayNames()
    earnable = api.learner_progress(learner.id, course_key) if enrolled else []
    context = {
        "learner": learner,
        "course_key": course_key,
        "course_name": names.course(course_key),
        "enrolled": enrolled,
        "held": held_here,
        "progress": earnable,
        "offered": definitions,
        "wallets_available": bool(wallets.protocols()),
    }
    return _page(request, "openedx_microcreds/learner/course.html", context)
