"""A learner's backpack on loopback (tests/backpacks/peer.py), this site's settings for it, and
the learner's browser steps over HTTP: connect, consent at the host, come back."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
import requests

from sandbox import scenario

from .peer import PeerHost

CONNECT = "/microcreds/me/backpacks/connect/"
ME = "/microcreds/me/"
CHANNEL = "openedx_microcreds.delivery.ob3.BackpackChannel"


@pytest.fixture
def peer(settings):
    with PeerHost() as host:
        settings.MICROCREDS_OB3_HOSTS = [{"name": "Peer backpack", "url": host.base}]
        settings.MICROCREDS_OB3_ALLOW_LOOPBACK = True
        settings.MICROCREDS_OB3_ALLOW_ANY_HOST = False
        settings.MICROCREDS_OB3_TIMEOUT_SECONDS = 5
        settings.MICROCREDS_DELIVERY_CHANNELS = [CHANNEL]
        settings.LMS_ROOT_URL = "http://testserver"
        yield host


@pytest.fixture
def mary(catalogue, fake_platform):
    """Holds Data Visualizer (active) and Data Analyst (revoked)."""
    from openedx_microcreds.models import Award
    from openedx_microcreds.revocation import revoke

    learner = fake_platform.add_user("mary", "mary@example.edu", "Mary Somerville")
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    revoke(
        Award.objects.get(user_id=learner.id, definition__slug="data-analyst"),
        reason="plagiarised capstone",
    )
    scenario.grade_visualizer(learner, exam=0.85, percent=0.86)
    scenario.send_passing_status(learner, scenario.VIZ_COURSE)
    return learner


@pytest.fixture
def bob(catalogue, fake_platform):
    return fake_platform.add_user("bob", "bob@example.edu", "Bob Builder")


def login(client, platform_user):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(pk=platform_user.id))
    return client


def start(client, **form):
    """Press "Connect": the page that sends the browser on to the host."""
    response = client.post(CONNECT, form)
    return response


def to_host(response) -> str:
    """The host's authorization URL the continue page links to."""
    assert response.status_code == 200, response.content[:500]
    return response.context["started"].authorization_url


def consent(authorization_url: str) -> str:
    """The learner at the host (which consents at once, or denies): where it sends them back,
    as a path and query on this site."""
    answer = requests.get(authorization_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.netloc == "testserver", back
    return f"{back.path}?{back.query}"


def connect(client, url: str):
    """The whole round: connect, consent at the host, come back; the page's notice."""
    back = consent(to_host(start(client, host=url)))
    response = client.get(back)
    assert response.status_code == 302
    return notice(client)


def notice(client) -> dict | None:
    return client.session.get("microcreds_backpack_notice")
