"""A learner sees only their own data: another learner, an anonymous visitor and a course staff
member of another course get nothing from any page or download of theirs."""

from __future__ import annotations

import pytest

from openedx_microcreds.models import LearnerPreference
from sandbox import scenario

from . import wallet_protocols
from .conftest import login

pytestmark = pytest.mark.django_db
ME = "/microcreds/me/"


@pytest.fixture(autouse=True)
def protocols(settings):
    settings.MICROCREDS_WALLET_PROTOCOLS = [wallet_protocols.LCW]


def award_urls(awards) -> list[str]:
    urls = []
    for award in awards.values():
        base = f"{ME}credentials/{award.uuid}/"
        urls += [base + "credential.json", base + "badge.png", base + "badge.svg", base + "wallet/"]
    return urls


def secrets_of(awards, learner) -> list[str]:
    """What must never reach anyone but the learner."""
    found = [learner.full_name, learner.email]
    for award in awards.values():
        found += [str(award.uuid), award.credential_id]
    return found


def assert_nothing_of(response, secrets):
    body = response.content.decode("utf-8", "replace")
    for secret in secrets:
        assert secret not in body, secret


def test_anonymous_visitors_are_sent_to_the_login_page(client, mary, awards):
    course_page = f"/microcreds/courses/{scenario.DATA_COURSE}/"
    for url in [ME, course_page, *award_urls(awards)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
        assert_nothing_of(response, secrets_of(awards, mary))
    response = client.post(f"{ME}notifications/", {})
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not LearnerPreference.objects.exists()
    assert wallet_protocols.FakeLcw.made == []  # no offer made for anyone


@pytest.mark.parametrize("intruder", ["bob", "viz_staff"])
def test_another_learner_or_staff_of_another_course_gets_nothing(
    client, mary, awards, intruder, request
):
    other = request.getfixturevalue(intruder)
    login(client, other)
    secrets = secrets_of(awards, mary)
    for url in award_urls(awards):
        response = client.get(url)
        assert response.status_code == 404, url
        assert_nothing_of(response, secrets)
    mine = client.get(ME)
    assert mine.status_code == 200
    assert_nothing_of(mine, secrets)
    course = client.get(f"/microcreds/courses/{scenario.DATA_COURSE}/")
    # Bob is enrolled: he gets his own page of the course, with nothing of Mary's in it.
    assert course.status_code == (200 if intruder == "bob" else 404)
    assert_nothing_of(course, secrets)
    assert wallet_protocols.FakeLcw.made == []


def test_staff_of_a_course_see_no_learners_page_of_it(client, mary, viz_staff):
    """Course staff are not learners of the course: its learner page has nothing for them
    (the page shows the visitor's own progress and credentials only)."""
    response = login(client, viz_staff).get(f"/microcreds/courses/{scenario.VIZ_COURSE}/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "spelling",
    [
        lambda award: str(award.uuid).upper(),
        lambda award: award.uuid.hex,
        lambda award: f"urn:uuid:{award.uuid}",
        lambda award: "not-a-uuid",
    ],
)
def test_only_the_canonical_id_finds_the_learners_award(client, mary, awards, spelling):
    award = awards["data-visualizer"]
    response = login(client, mary).get(f"{ME}credentials/{spelling(award)}/credential.json")
    assert response.status_code == 404


def test_unknown_and_malformed_courses_are_not_found(client, mary):
    login(client, mary)
    assert client.get("/microcreds/courses/course-v1:Nobody+Here+2026/").status_code == 404
    assert client.get("/microcreds/courses/not a course/").status_code == 404


def test_pages_answer_get_only(client, mary, awards):
    login(client, mary)
    assert client.post(ME).status_code == 405
    award = awards["data-visualizer"]
    assert client.post(f"{ME}credentials/{award.uuid}/badge.png").status_code == 405
    assert client.get(f"{ME}notifications/").status_code == 405
