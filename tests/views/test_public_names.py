"""The public credential page names things for people: other credentials by their names, the
course of the evidence by its title; and it always shows a badge image."""

from __future__ import annotations

import base64
import html
import re

import pytest

from openedx_microcreds.models import Award, CredentialDefinition
from sandbox import scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def pathway_award(catalogue, learner, django_capture_on_commit_callbacks):
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.grade_visualizer(learner, exam=0.9, percent=0.9)
    with django_capture_on_commit_callbacks(execute=True):
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
        scenario.send_passing_status(learner, scenario.VIZ_COURSE)
    return Award.objects.get(user_id=learner.id, definition__slug="data-pathway")


def visible(body: str) -> str:
    body = re.sub(r"<style\b.*?</style>", " ", body, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_other_credentials_are_named_by_their_names(client, pathway_award):
    narrative = pathway_award.credential["credentialSubject"]["achievement"]["criteria"]
    assert "Hold the credential **Data Analyst**." in narrative["narrative"]
    assert "data-analyst" not in narrative["narrative"]
    body = client.get(f"/microcreds/credentials/{pathway_award.uuid}/").content.decode()
    assert "Hold the credential <strong>Data Analyst</strong>." in body
    assert "Hold the credential <strong>Data Visualizer</strong>." in body
    text = visible(body)
    assert "data-analyst" not in text and "data-visualizer" not in text


def test_the_evidence_names_the_course_by_its_title(client, award):
    evidence = award.credential["evidence"]
    assert evidence[0]["name"] == "Data Analysis with Python"
    assert evidence[0]["id"] == f"https://lms.example.edu/courses/{scenario.DATA_COURSE}/about"
    body = client.get(f"/microcreds/credentials/{award.uuid}/").content.decode()
    text = visible(body)
    assert "Evidence Data Analysis with Python Course Capstone project Capstone" in text
    assert "Course course-v1:" not in text


def test_the_page_shows_the_badge_image(client, award):
    body = client.get(f"/microcreds/credentials/{award.uuid}/").content.decode()
    [src] = re.findall(r'<img class="mc-image" src="([^"]+)"', body)
    assert src.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(src.split(",", 1)[1]).decode()
    assert "<title>Data Analyst</title>" in svg and ">DA</text>" in svg


def test_an_authored_https_image_is_shown_as_it_is(client, learner, catalogue, make_award):
    CredentialDefinition.objects.filter(slug="data-analyst").update(
        image_url="https://img.example.edu/analyst.png"
    )
    award = make_award(learner)
    body = client.get(f"/microcreds/credentials/{award.uuid}/").content.decode()
    assert '<img class="mc-image" src="https://img.example.edu/analyst.png"' in body
