"""The learner's pages: their credentials (active, revoked with the reason), downloads, progress
with their numbers, e-mail choice, the course page and its course tool, adding to a wallet."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from openedx_microcreds.credentials import verify_credential
from openedx_microcreds.credentials.baking import read_png, read_svg
from openedx_microcreds.models import LearnerPreference
from openedx_microcreds.wallets import WalletDelivery
from sandbox import scenario

from . import wallet_protocols
from .conftest import login

pytestmark = pytest.mark.django_db
ME = "/microcreds/me/"


def text_of(response) -> str:
    """The page's visible text, roughly: tags out, entities decoded, spaces squeezed."""
    body = response.content.decode()
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", body, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_my_credentials_active_revoked_and_in_progress(client, mary, awards):
    response = login(client, mary).get(ME)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert "form-action 'self'" in response["Content-Security-Policy"]
    text = text_of(response)
    assert "Signed in as Mary Somerville" in text
    assert "Your credentials (2)" in text
    # Active, with its actions; revoked, with its reason.
    assert "Data Visualizer Issued by Example University" in text
    assert "Active valid" in text or "Active no expiry" in text
    assert "Revoked revoked on" in text
    assert "Reason: plagiarised capstone; regraded" in text
    # Progress with the learner's numbers, named by titles.
    assert "In progress" in text
    assert "2 of 3 requirements met" in text
    assert "Capstone project 72%, 80% needed" in text
    assert "Pass Data Analysis with Python passed" in text
    assert "Hold the credential Data Analyst not held yet" in text
    assert "Hold the credential Data Visualizer held" in text
    assert "course-v1:" not in text and "data-analyst" not in text
    page = response.content.decode()
    for award in awards.values():
        assert f"/microcreds/me/credentials/{award.uuid}/badge.png" in page
        assert f"/microcreds/credentials/{award.uuid}/" in page
    # No wallet protocol on this site: said plainly, no "Add to wallet" button.
    assert "not set up on this site yet" in text
    assert "/wallet/" not in page


def test_linkedin_add_to_profile_has_the_documented_parameters(client, mary, awards, settings):
    page = login(client, mary).get(ME).content.decode()
    [link] = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    query = parse_qs(urlsplit(html.unescape(link)).query)
    award = awards["data-visualizer"]
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Data Visualizer"]
    assert query["organizationName"] == ["Example University"]
    assert query["issueYear"] == [str(award.issued_at.year)]
    assert query["issueMonth"] == [str(award.issued_at.month)]
    assert query["certUrl"] == [f"https://lms.example.edu/microcreds/credentials/{award.uuid}/"]
    assert query["certId"] == [award.credential_id]
    settings.MICROCREDS_LINKEDIN_ORGANIZATION_ID = "1337"
    page = client.get(ME).content.decode()
    [link] = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    query = parse_qs(urlsplit(html.unescape(link)).query)
    assert query["organizationId"] == ["1337"] and "organizationName" not in query


def test_downloads_json_and_baked_images(client, mary, awards):
    login(client, mary)
    award = awards["data-visualizer"]
    base = f"{ME}credentials/{award.uuid}/"
    response = client.get(base + "credential.json")
    assert response.content.decode() == award.credential_json
    assert response["Content-Disposition"] == (
        f'attachment; filename="data-visualizer-{award.uuid}.json"'
    )
    png = client.get(base + "badge.png")
    assert png["Content-Type"] == "image/png"
    assert png["Content-Disposition"].endswith(f'data-visualizer-{award.uuid}.png"')
    assert read_png(png.content) == award.credential_json
    svg = client.get(base + "badge.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    baked = svg.content.decode()
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    assert read_svg(baked) == award.credential_json
    report = verify_credential(json.loads(read_svg(baked)), status_lists={}, did_documents={})
    assert {check.name: check.status for check in report.checks}["proof"] == "passed"


def test_the_email_choice_is_the_learners_own(client, mary, bob):
    login(client, mary)
    assert 'name="email_notifications" checked' in client.get(ME).content.decode()
    response = client.post(reverse("openedx_microcreds:learner_notifications"), {})
    assert response.status_code == 302 and response["Location"].endswith("?saved=1#notifications")
    assert LearnerPreference.objects.get(user_id=mary.id).email_notifications is False
    assert not LearnerPreference.objects.filter(user_id=bob.id).exists()
    page = client.get(response["Location"]).content.decode()
    assert 'name="email_notifications">' in page and "Saved." in page
    client.post(reverse("openedx_microcreds:learner_notifications"), {"email_notifications": "on"})
    assert LearnerPreference.objects.get(user_id=mary.id).email_notifications is True


def test_the_email_choice_needs_the_csrf_token(mary):
    from django.test import Client

    client = login(Client(enforce_csrf_checks=True), mary)
    response = client.post(reverse("openedx_microcreds:learner_notifications"), {})
    assert response.status_code == 403
    assert not LearnerPreference.objects.filter(user_id=mary.id).exists()


def test_the_course_page(client, mary, awards):
    response = login(client, mary).get(f"/microcreds/courses/{scenario.DATA_COURSE}/")
    assert response.status_code == 200
    text = text_of(response)
    assert "Data Analysis with Python" in text
    assert "What this course awards Data Analyst" in text
    assert "Data Pathway" in text and "(a pathway: this course counts towards it)" in text
    assert "Capstone project 72%, 80% needed" in text
    assert "Reason: plagiarised capstone; regraded" in text  # what they hold from it
    assert "Data Visualizer" not in text.split("What you hold")[1].split("All my credentials")[0]


def test_the_course_tool_entry_point(rf, mary, viz_staff):
    """Driven as CourseToolsPluginManager drives it (openedx/features/course_experience/
    course_tools.py): loaded from the openedx.course_tool entry points, sorted by title()
    with no argument, filtered with is_enabled(request, course_key), linked with url()."""
    from importlib.metadata import entry_points

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import AnonymousUser
    from opaque_keys.edx.keys import CourseKey

    [entry] = [
        e for e in entry_points(group="openedx.course_tool") if e.name == "openedx_microcreds"
    ]
    tool = entry.load()
    assert sorted([tool], key=lambda t: t.title()) == [tool]
    assert tool.title() == "Credentials" and tool.analytics_id() == "openedx_microcreds.credentials"
    assert tool.icon_classes(None)
    key = CourseKey.from_string(scenario.DATA_COURSE)
    request = rf.get("/")
    request.user = get_user_model().objects.get(pk=mary.id)
    assert tool.is_enabled(request, key)
    assert tool.url(key) == f"/microcreds/courses/{scenario.DATA_COURSE}/"
    request.user = AnonymousUser()
    assert not tool.is_enabled(request, key)
    from sandbox.fake_platform import FakePlatform

    FakePlatform.add_course("course-v1:Other+None+2026", "No credentials here")
    request.user = get_user_model().objects.get(pk=mary.id)
    assert not tool.is_enabled(request, CourseKey.from_string("course-v1:Other+None+2026"))


class TestAddToWallet:
    @pytest.fixture(autouse=True)
    def protocols(self, settings):
        settings.MICROCREDS_WALLET_PROTOCOLS = [wallet_protocols.LCW, wallet_protocols.OID4VCI]

    def test_each_protocol_offers_a_link_and_a_qr_code(self, client, mary, awards):
        award = awards["data-visualizer"]
        page = login(client, mary).get(ME).content.decode()
        wallet_url = f"{ME}credentials/{award.uuid}/wallet/"
        assert wallet_url in page
        assert f"{ME}credentials/{awards['data-analyst'].uuid}/wallet/" not in page  # revoked
        response = client.get(wallet_url)
        assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
        body = response.content.decode()
        lcw, oid = wallet_protocols.FakeLcw.made[-1], wallet_protocols.FakeOid4vci.made[-1]
        for offer in (lcw, oid):
            assert f'href="{html.escape(offer.url)}"' in body
            assert f'data-offer-url="{html.escape(offer.qr)}"' in body
        assert body.count('src="data:image/svg+xml;charset=utf-8,') == 2
        text = text_of(response)
        assert "Open in Learner Credential Wallet" in text and "Open in OpenID4VCI wallet" in text
        assert "This credential is not in any wallet yet." in text

    def test_the_deliveries_are_listed(self, client, mary, awards):
        award = awards["data-visualizer"]
        when = timezone.now() - timedelta(days=1)
        wallet_protocols.FakeLcw.delivered[str(award.uuid)] = [
            WalletDelivery("lcw", "Learner Credential Wallet", "did:key:z6MkTest", when)
        ]
        login(client, mary)
        assert "In your wallets: Learner Credential Wallet" in text_of(client.get(ME))
        wallet = text_of(client.get(f"{ME}credentials/{award.uuid}/wallet/"))
        assert "Already in your wallets Learner Credential Wallet added" in wallet
        assert "did:key:z6MkTest" in wallet

    def test_a_revoked_credential_gets_no_offer(self, client, mary, awards):
        award = awards["data-analyst"]
        text = text_of(login(client, mary).get(f"{ME}credentials/{award.uuid}/wallet/"))
        assert "This credential is Revoked: it can no longer be added to a wallet." in text
        assert wallet_protocols.FakeLcw.made == []

    def test_a_broken_protocol_does_not_hide_the_others(self, client, mary, awards, settings):
        settings.MICROCREDS_WALLET_PROTOCOLS = [wallet_protocols.BROKEN, wallet_protocols.LCW]
        award = awards["data-visualizer"]
        text = text_of(login(client, mary).get(f"{ME}credentials/{award.uuid}/wallet/"))
        assert "Broken wallet is not available right now." in text
        assert "Open in Learner Credential Wallet" in text

    def test_no_protocol_says_so_plainly(self, client, mary, awards, settings):
        settings.MICROCREDS_WALLET_PROTOCOLS = []
        award = awards["data-visualizer"]
        text = text_of(login(client, mary).get(f"{ME}credentials/{award.uuid}/wallet/"))
        assert "Adding credentials to a digital wallet is not set up on this site yet." in text


def test_progress_says_when_every_requirement_is_met(client, catalogue, fake_platform):
    """Grades that meet the rule but no award yet (no grade event since): the page says the
    credential comes with the next grade update, not that it was earned."""
    learner = fake_platform.add_user("nia", "nia@example.edu", "Nia Ready")
    scenario.grade_analyst(learner, capstone=0.95, analysis=(0.9, 0.9), percent=0.9)
    text = text_of(login(client, learner).get(ME))
    assert "You have no credentials yet." in text
    assert "Your grades meet every requirement." in text
    assert "Capstone project 95%, 80% needed" in text


def test_progress_that_cannot_be_read_says_so(client, catalogue, fake_platform):
    from openedx_microcreds.platform import PlatformError

    learner = fake_platform.add_user("ola", "ola@example.edu", "Ola Unread")
    scenario.grade_analyst(learner, capstone=0.5, analysis=(0.9, 0.9), percent=0.9)
    scenario.grade_visualizer(learner, exam=0.5, percent=0.6)
    login(client, learner)
    fake_platform.fail_next_grade_read(PlatformError("grades service down"))
    text = text_of(client.get(ME))
    assert "Your progress cannot be read right now." in text
    assert "Exam average in Data Visualization 50%, 70% needed" in text  # the others still show
