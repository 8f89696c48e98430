"""
Pages of the sandbox LMS that stand in for the MFEs hosting the plugin's frontend components:
Studio's "Pages & Resources", the learner dashboard and the Learning app's course home.

Each page is an empty shell that loads a bundle of the frontend harness
(``frontend/harness-dist/``, built by ``make ui``) into ``<div id="microcreds-root">``; the bundle
renders the real components (frontend/src) and calls the REST API of this same server with the
browser's session, so the pages ask the visitor to log in and set the ``csrftoken`` cookie that
the API's session authentication checks on writes. Without a built harness they say how to
build it. Sandbox only: in a real installation the components live in the MFEs (Tutor plugin).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.static import serve

from openedx_microcreds.platform import get_platform

# Where the shells find the bundles (fixed names: the harness's build writes them so).
ASSETS_URL = "/sandbox/harness/"
STUDIO_BUNDLE = "studio.js"
LEARNER_BUNDLE = "learner.js"
STYLESHEET = "harness.css"


def harness_dir() -> Path:
    return Path(settings.SANDBOX_HARNESS_DIR)


def _shell(request: Any, *, title: str, bundle: str, root: dict[str, str]) -> HttpResponse:
    directory = harness_dir()
    missing = [name for name in (bundle, STYLESHEET) if not (directory / name).is_file()]
    if missing:
        # 503: the page exists but cannot work until the harness is built.
        context = {"title": title, "directory": directory, "missing": missing}
        return render(request, "sandbox/ui_not_built.html", context, status=503)
    attributes = {
        "data-lms-base-url": request.build_absolute_uri("/").rstrip("/"),
        **root,
    }
    context = {
        "title": title,
        "script": ASSETS_URL + bundle,
        "stylesheet": ASSETS_URL + STYLESHEET,
        "attributes": sorted(attributes.items()),
    }
    response = render(request, "sandbox/ui_shell.html", context)
    response["Cache-Control"] = "no-store"
    return response


def _known_course(course_id: str) -> str:
    if not get_platform().course_exists(course_id):
        raise Http404(f"no course {course_id}")
    return course_id


@login_required
@ensure_csrf_cookie
def studio_pages_and_resources(request: Any, course_id: str) -> HttpResponse:
    """Studio's Pages & Resources of a course, with the Micro-credentials card."""
    course_id = _known_course(course_id)
    return _shell(
        request,
        title=f"Pages & Resources | {course_id} | Sandbox Studio",
        bundle=STUDIO_BUNDLE,
        root={"data-basename": "/sandbox/studio", "data-course-id": course_id},
    )


@login_required
@ensure_csrf_cookie
def learner_dashboard(request: Any) -> HttpResponse:
    """The learner dashboard, with the "My credentials" widget in its sidebar."""
    return _shell(
        request,
        title="Learner dashboard | Sandbox LMS",
        bundle=LEARNER_BUNDLE,
        root={"data-basename": "/sandbox/learner-dashboard", "data-surface": "learner-dashboard"},
    )


@login_required
@ensure_csrf_cookie
def course_home(request: Any, course_id: str) -> HttpResponse:
    """The Learning app's course home, with the course's credentials panel."""
    course_id = _known_course(course_id)
    return _shell(
        request,
        title=f"Course home | {course_id} | Sandbox LMS",
        bundle=LEARNER_BUNDLE,
        root={
            "data-basename": "/sandbox/learning",
            "data-surface": "course-outline",
            "data-course-id": course_id,
        },
    )


def harness_asset(request: Any, asset: str) -> HttpResponse:
    """A file of the built harness (scripts, styles, fonts). Public, like an MFE's assets."""
    if not harness_dir().is_dir():
        raise Http404("the frontend harness is not built (make ui)")
    try:
        response = serve(request, asset, document_root=str(harness_dir()))
    except SuspiciousFileOperation:  # a path leading out of the directory
        raise Http404(asset) from None
    response["Cache-Control"] = "no-cache"  # rebuilt in place by `make ui`
    return response


urlpatterns = [
    path(
        "sandbox/studio/course/<str:course_id>/pages-and-resources",
        studio_pages_and_resources,
        name="sandbox-studio-pages-and-resources",
    ),
    path("sandbox/learner-dashboard/", learner_dashboard, name="sandbox-learner-dashboard"),
    path(
        "sandbox/learning/course/<str:course_id>/home",
        course_home,
        name="sandbox-course-home",
    ),
    path("sandbox/harness/<path:asset>", harness_asset, name="sandbox-harness-asset"),
]
