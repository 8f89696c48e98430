"""Fixtures for wallet claims: a real award (made by the event flow) and its learner, signed in."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

BASE_URL = "https://lms.example.edu"


@pytest.fixture(autouse=True)
def _issuer_base_url(settings):
    settings.MICROCREDS_ISSUER_BASE_URL = BASE_URL


@pytest.fixture
def learner(fake_platform):
    return fake_platform.add_user("ada_w", "ada.wallet@example.edu", "Ada Lovelace")


@pytest.fixture
def award(catalogue, learner, django_capture_on_commit_callbacks):
    """The Data Analyst credential, awarded to ``learner`` through real openedx-events."""
    from openedx_microcreds.models import Award
    from sandbox import scenario

    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    with django_capture_on_commit_callbacks(execute=True):
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
    return Award.objects.select_related("definition__issuer").get(
        user_id=learner.id, definition__slug="data-analyst"
    )


@pytest.fixture
def signed_in(learner):
    """What offer() reads of the request: the signed-in learner."""
    from django.contrib.auth import get_user_model

    return SimpleNamespace(user=get_user_model().objects.get(pk=learner.id))


@pytest.fixture
def api(client):
    """JSON calls to the wallet endpoints, as a wallet makes them (no session, no CSRF token)."""
    from django.test import Client

    wallet = Client(enforce_csrf_checks=True)

    class Api:
        def get(self, url, **headers):
            return wallet.get(_path(url), headers={"Accept": "application/json", **headers})

        def post(self, url, body=None, **headers):
            data = "" if body is None else __import__("json").dumps(body)
            return wallet.post(
                _path(url), data=data, content_type="application/json", headers=headers
            )

        def form(self, url, fields, **headers):
            from urllib.parse import urlencode

            return wallet.post(
                _path(url),
                data=urlencode(fields),
                content_type="application/x-www-form-urlencoded",
                headers=headers,
            )

        def options(self, url, **headers):
            return wallet.options(_path(url), headers=headers)

    return Api()


def _path(url: str) -> str:
    assert url.startswith(BASE_URL), url
    return url[len(BASE_URL) :]
