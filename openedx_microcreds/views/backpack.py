"""The learner's backpacks (Open Badges 3.0 hosts): connect one, come back from its consent
page, disconnect it. The section of ``me/`` that lists them is rendered with that page.

These views talk to the host over HTTP, so they run outside the request's transaction (the LMS
wraps requests in one): a slow host never holds database locks. Every outcome comes back to the
credentials page as a one-time notice in the learner's session, in plain words.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ..backpacks import connecting
from .learner import _learner, _page, _private

NOTICE_KEY = "microcreds_backpack_notice"


def _back(request: HttpRequest, kind: str, text: str) -> HttpResponse:
    request.session[NOTICE_KEY] = {"kind": kind, "text": text}
    url = reverse("openedx_microcreds:learner_credentials") + "#backpacks"
    return _private(HttpResponseRedirect(url))


def pop_notice(request: HttpRequest) -> dict | None:
    """The notice of the last backpack action, shown once on the credentials page."""
    return request.session.pop(NOTICE_KEY, None)


@transaction.non_atomic_requests
@require_POST
@login_required
def connect(request: HttpRequest) -> HttpResponse:
    """Discovery, registration and a fresh authorization, then on to the host's consent page.

    The page sends the browser on with a refresh rather than a redirect: browsers apply the
    credentials page's ``form-action 'self'`` to redirects after a form, and the host is
    elsewhere."""
    learner = _learner(request)
    connection_id = request.POST.get("connection", "")
    try:
        started = connecting.start(
            learner.id,
            url=request.POST.get("url", "").strip() or request.POST.get("host", ""),
            connection_id=int(connection_id) if connection_id.isdigit() else None,
        )
    except connecting.ConnectError as exc:
        return _back(request, "error", str(exc))
    response = _page(
        request,
        "openedx_microcreds/learner/backpack_continue.html",
        {"learner": learner, "started": started},
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


@transaction.non_atomic_requests
@require_GET
@login_required
def callback(request: HttpRequest) -> HttpResponse:
    """Where the host sends the learner back (the registered redirect URI)."""
    learner = _learner(request)
    try:
        connection = connecting.finish(learner.id, request.GET)
    except connecting.ConnectError as exc:
        return _back(request, "error", str(exc))
    text = _(
        "Your backpack at %(host)s is connected. Your credentials are on their way there, and "
        "new ones will follow by themselves."
    )
    return _back(request, "success", text % {"host": connection.host.label})


@transaction.non_atomic_requests
@require_POST
@login_required
def disconnect(request: HttpRequest, connection_id: int) -> HttpResponse:
    learner = _learner(request)
    gone = connecting.disconnect(learner.id, connection_id)
    if gone is None:
        raise Http404
    text = _(
        "Your backpack at %(host)s is disconnected: this site no longer sends it anything and "
        "has deleted its access. What it holds already stays there."
    )
    return _back(request, "success", text % {"host": gone.host.label})
