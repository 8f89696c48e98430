"""Backpacks against other people's code: an Open Badges 3.0 host built on panva's oidc-provider
(dynamic client registration, PKCE required, rotating refresh tokens) with a resource server
that verifies every upserted credential with Digital Bazaar's stack (tests/interop/ob3_host.mjs).

The learner's steps are driven over HTTP as a browser makes them (sign in to the sandbox LMS,
connect, sign in and consent at the host, come back), then in a real browser (Chromium through
Playwright), whose screenshots show the connect form, the host's consent page and the connection
states. What the host holds is read from its control port."""

from __future__ import annotations

import html
import re
import time

import pytest
import requests
from django.contrib.auth import get_user_model

from openedx_microcreds.backpacks.models import BackpackConnection, BackpackHost
from openedx_microcreds.models import Award, OutboxMessage
from openedx_microcreds.revocation import revoke
from sandbox import scenario

from .ob3_host import NodeBackpack

pytestmark = pytest.mark.django_db(transaction=True)
CHANNEL = "openedx_microcreds.delivery.ob3.BackpackChannel"


@pytest.fixture
def backpack(tmp_path):
    with NodeBackpack(verify=True, access_token_ttl=2, log_path=tmp_path / "host.log") as host:
        yield host


@pytest.fixture
def site(live_server, settings, backpack):
    settings.LMS_ROOT_URL = live_server.url
    settings.MICROCREDS_OB3_HOSTS = [{"name": "Loopback test backpack", "url": backpack.base}]
    settings.MICROCREDS_OB3_ALLOW_LOOPBACK = True
    settings.MICROCREDS_OB3_ALLOW_ANY_HOST = False
    settings.MICROCREDS_DELIVERY_CHANNELS = [CHANNEL]
    return live_server.url


def learner(fake_platform, username: str, *, analyst: bool = False, viz: bool = True):
    person = fake_platform.add_user(username, f"{username}@example.edu", username.title())
    user = get_user_model().objects.get(pk=person.id)
    user.set_password("demo")
    user.save()
    if viz:
        scenario.grade_visualizer(person, exam=0.85, percent=0.86)
        scenario.send_passing_status(person, scenario.VIZ_COURSE)
    if analyst:
        earn_analyst(person)
    return person


def earn_analyst(person):
    scenario.grade_analyst(person, capstone=0.95, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(person, scenario.DATA_COURSE)
    return Award.objects.active().get(user_id=person.id, definition__slug="data-analyst")


def sign_in(site: str, username: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{site}/login/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(
        f"{site}/login/?next=/microcreds/me/",
        data={"username": username, "password": "demo", "csrfmiddlewaretoken": token},
        timeout=10,
    )
    assert answer.url == f"{site}/microcreds/me/", answer.url
    return session


def press_connect(session: requests.Session, site: str, host_url: str) -> str:
    """The connect form as the page shows it; returns the continue page's link to the host."""
    page = session.get(f"{site}/microcreds/me/", timeout=10).text
    assert "Connect a backpack" in page and f'value="{host_url}"' in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    answer = session.post(
        f"{site}/microcreds/me/backpacks/connect/",
        data={"host": host_url, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{site}/microcreds/me/"},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text[:1000]
    return html.unescape(re.search(r'id="continue" href="([^"]+)"', answer.text).group(1))


def come_back(session: requests.Session, callback: str) -> str:
    answer = session.get(callback, timeout=30)
    return answer.text


def test_a_learner_connects_over_http_and_the_host_holds_each_credential_once(
    site, backpack, fake_platform, catalogue
):
    ada = learner(fake_platform, "ada", analyst=True)  # viz, analyst and the pathway
    held = {a.credential_id for a in Award.objects.active().filter(user_id=ada.id)}
    assert len(held) == 3
    session = sign_in(site, "ada")
    to_host = press_connect(session, site, backpack.base)
    callback = backpack.consent(session, to_host, "ada-at-the-backpack")
    assert callback.startswith(f"{site}/microcreds/me/backpacks/callback/?code=")
    page = come_back(session, callback)
    assert "Your backpack at Loopback test backpack is connected." in page
    assert "Connected" in page and "Sent to Loopback test backpack" in page

    stored = backpack.holdings("ada-at-the-backpack")
    assert {entry["id"] for entry in stored} == held
    assert all(entry["upserts"] == 1 for entry in stored)
    stats = backpack.stats()
    assert stats["refused"] == 0 and stats["created"] == 3  # every one verified by the host

    # Revocation re-sends the same credential: the host replaces its copy (one entry still).
    analyst = Award.objects.active().get(user_id=ada.id, definition__slug="data-analyst")
    revoke(analyst, reason="regraded")
    stored = {entry["id"]: entry for entry in backpack.holdings("ada-at-the-backpack")}
    assert set(stored) == held and stored[analyst.credential_id]["upserts"] == 2

    # The access token lives 2 s: each later send refreshes it first (rotated refresh tokens).
    time.sleep(2.2)
    again = earn_analyst(ada)
    message = OutboxMessage.objects.get(award=again, event="issued")
    assert message.state == "sent", message.last_error
    assert again.credential_id in {e["id"] for e in backpack.holdings("ada-at-the-backpack")}
    assert backpack.stats()["unauthorized"] == 0


def test_denying_consent_and_a_host_that_forgot_this_site(site, backpack, fake_platform, catalogue):
    learner(fake_platform, "grace")
    session = sign_in(site, "grace")
    callback = backpack.consent(
        session, press_connect(session, site, backpack.base), "grace", allow=False
    )
    assert "error=access_denied" in callback
    page = come_back(session, callback)
    assert "You did not allow this site to add credentials to Loopback test backpack." in page
    assert backpack.holdings("grace") == []

    first = BackpackHost.objects.get().client_id
    assert backpack.forget_clients() == 1
    callback = backpack.consent(session, press_connect(session, site, backpack.base), "grace")
    assert "is connected" in come_back(session, callback)
    assert BackpackHost.objects.get().client_id != first  # registered again
    assert len(backpack.holdings("grace")) == 1


def test_a_revoked_grant_asks_the_learner_to_reconnect(site, backpack, fake_platform, catalogue):
    ada = learner(fake_platform, "ada")
    session = sign_in(site, "ada")
    come_back(
        session, backpack.consent(session, press_connect(session, site, backpack.base), "ada")
    )
    assert backpack.revoke("ada") == 1
    award = earn_analyst(ada)
    message = OutboxMessage.objects.get(award=award, event="issued")
    assert (message.state, message.attempts) == ("skipped", 1)
    connection = BackpackConnection.objects.get()
    assert connection.state == "reconnect"
    assert "no longer accepts this site's access" in connection.problem
    page = session.get(f"{site}/microcreds/me/", timeout=10).text
    assert "Needs reconnecting" in page and "Reconnect</button>" in page
    assert backpack.stats()["unauthorized"] == 0  # the refresh failed first: no upsert tried


def test_the_connect_form_and_connection_states_in_a_browser(
    site, backpack, fake_platform, catalogue, tmp_path
):
    """Chromium connects Mary's backpack through the pages as she sees them: the connect form,
    the host's sign-in and consent pages, the connected state with the deliveries, and the
    reconnect state once the host revoked this site's access."""
    from tests.learner.test_browser import browser_page, check_accessibility, shots_dir

    mary = learner(fake_platform, "mary")
    shots = shots_dir(tmp_path)
    me = f"{site}/microcreds/me/"
    with browser_page() as page:
        page.goto(f"{site}/login/?next=/microcreds/me/")
        page.fill("#id_username", "mary")
        page.fill("#id_password", "demo")
        page.click("input[type=submit]")
        page.wait_for_url(me)
        form = page.locator("form.mc-connect")
        assert "Loopback test backpack" in form.inner_text()
        check_accessibility(page)
        form.screenshot(path=shots / "backpack-connect-form.png")
        page.click("form.mc-connect button[type=submit]")
        page.wait_for_selector("#username")  # the continue page refreshed on to the host
        page.fill("#username", "mary-at-the-backpack")
        page.click("button[type=submit]")
        page.wait_for_selector("#allow")
        page.screenshot(path=shots / "backpack-host-consent.png", full_page=True)
        page.click("#allow")
        page.wait_for_url(f"{me}#backpacks")
        text = page.inner_text("#backpacks")
        assert "Your backpack at Loopback test backpack is connected." in text
        assert "Connected" in text
        assert "Sent to Loopback test backpack" in page.inner_text("main")
        check_accessibility(page)
        page.locator("#backpacks").screenshot(path=shots / "backpack-connected.png")
        page.screenshot(path=shots / "backpack-me-connected.png", full_page=True)
    assert len(backpack.holdings("mary-at-the-backpack")) == 1

    backpack.revoke("mary-at-the-backpack")
    earn_analyst(mary)  # outside the browser: Django refuses database calls in its loop
    with browser_page() as page:
        page.goto(f"{site}/login/?next=/microcreds/me/")
        page.fill("#id_username", "mary")
        page.fill("#id_password", "demo")
        page.click("input[type=submit]")
        page.wait_for_url(me)
        text = page.inner_text("#backpacks")
        assert "Needs reconnecting" in text and "Reconnect" in text
        assert "Not sent to Loopback test backpack" in page.inner_text("main")
        check_accessibility(page)
        page.locator("#backpacks").screenshot(path=shots / "backpack-reconnect.png")
        page.screenshot(path=shots / "backpack-me-reconnect.png", full_page=True)
