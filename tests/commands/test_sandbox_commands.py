"""The sandbox's own commands for the UI: sandbox_seed_ui (the data the end-to-end tests and
the UI pages start from) and sandbox_grade (a grade change with the LMS's events)."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management.base import CommandError

from openedx_microcreds import api
from openedx_microcreds.models import Award, Evaluation
from openedx_microcreds.platform import get_platform
from sandbox import scenario, ui_seed
from sandbox.models import FakeCourseGrade

pytestmark = pytest.mark.django_db(transaction=True)

COURSE = scenario.DATA_COURSE
CAPSTONE_RULE = {
    "type": "all",
    "of": [
        {"type": "block_score", "block": scenario.CAPSTONE, "min": 0.8},
        {
            "type": "competency",
            "id": "data-analysis",
            "name": "Data analysis",
            "url": "https://frameworks.example.org/competencies/data-analysis",
            "framework": "Example Skills Framework",
            "code": "DA-1",
            "blocks": [{"block": scenario.ANALYSIS_1}, {"block": scenario.ANALYSIS_2, "weight": 2}],
            "min": 0.75,
        },
    ],
}


@pytest.fixture
def seeded(run, secret_keys):
    return run("sandbox_seed_ui", "--base-url", "http://127.0.0.1:8123/").stdout


@pytest.fixture
def events():
    """The openedx-events sent, in order, as (event type, data)."""
    from openedx_events.learning.signals import (
        COURSE_PASSING_STATUS_UPDATED,
        PERSISTENT_GRADE_SUMMARY_CHANGED,
    )

    sent = []

    def listen(signal, sender, metadata, **kwargs):
        data = kwargs.get("grade") or kwargs.get("course_passing_status")
        sent.append((signal.event_type, data))

    for signal in (PERSISTENT_GRADE_SUMMARY_CHANGED, COURSE_PASSING_STATUS_UPDATED):
        signal.connect(listen)
    yield sent
    for signal in (PERSISTENT_GRADE_SUMMARY_CHANGED, COURSE_PASSING_STATUS_UPDATED):
        signal.disconnect(listen)


def test_seed_makes_the_course_the_people_and_their_grades(seeded):
    from openedx_microcreds.models import CredentialDefinition, Issuer

    assert "every password 'demo'" in seeded
    platform = get_platform()
    issuer = Issuer.objects.get()
    assert issuer.url == "http://127.0.0.1:8123"
    assert issuer.did.startswith("did:web:127.0.0.1")
    assert not CredentialDefinition.objects.exists()  # the author creates the first one
    author = authenticate(username="author", password="demo")
    assert platform.can_author(author, COURSE)
    assert not author.is_staff
    sam = authenticate(username="sam", password="demo")
    assert not platform.can_author(sam, COURSE)
    assert authenticate(username="staff", password="demo").is_superuser
    enrolled = set(platform.enrolled_learners(COURSE))
    for learner in ui_seed.LEARNERS:
        user = authenticate(username=learner.username, password="demo")
        assert user.pk in enrolled
        grade = platform.read_grades(user.pk, COURSE)
        assert grade.percent == learner.percent
        assert grade.blocks[scenario.CAPSTONE] == (learner.capstone * 25, 25.0)


def test_seed_refuses_a_database_already_seeded(seeded, run):
    with pytest.raises(CommandError, match="not empty"):
        run("sandbox_seed_ui")


def test_a_dry_run_on_the_seed_shows_who_would_get_it(seeded):
    api.create_definition({"name": "Capstone analyst", "course_key": COURSE, "rule": CAPSTONE_RULE})
    result = api.dry_run(COURSE, definition="capstone-analyst")
    outcomes = {row.username: row.outcome for row in result.rows}
    assert outcomes == {
        "ada": "would_award",
        "alan": "would_award",
        "grace": "not_met",
        "katherine": "not_met",
        "linus": "not_met",
        "sam": "not_met",
    }


def test_grade_sends_the_lms_events_and_the_credential_is_issued(seeded, run, events):
    api.create_definition(
        {"name": "Capstone analyst", "course_key": COURSE, "rule": CAPSTONE_RULE, "state": "active"}
    )
    out = run(
        "sandbox_grade", "sam", COURSE, "--percent", "0.91", "--block", f"{scenario.CAPSTONE}=23/25"
    ).stdout
    assert "sam: 91% (passed) in course-v1:DemoX+Data101+2026" in out
    assert "credential capstone-analyst: active" in out
    assert [name for name, _data in events] == [
        "org.openedx.learning.course.persistent_grade_summary.changed.v1",
        "org.openedx.learning.course.passing.status.updated.v1",
    ]
    grade, status = events[0][1], events[1][1]
    assert grade.percent_grade == 0.91 and grade.passed_timestamp is not None
    assert status.is_passing is True and status.user.pii.username == "sam"
    award = Award.objects.get(user__username="sam", definition__slug="capstone-analyst")
    assert award.state == "active"
    # Only the capstone changed: the competency activities kept their recorded scores.
    row = FakeCourseGrade.objects.get(user__username="sam", course__key=COURSE)
    assert row.blocks[scenario.CAPSTONE] == [23.0, 25.0]
    assert row.blocks[scenario.ANALYSIS_1] == [8.0, 10.0]


def test_grade_below_the_rule_issues_nothing(seeded, run, events):
    api.create_definition(
        {"name": "Capstone analyst", "course_key": COURSE, "rule": CAPSTONE_RULE, "state": "active"}
    )
    out = run(
        "sandbox_grade", "sam", COURSE, "--percent", "0.4", "--block", f"{scenario.CAPSTONE}=10/25"
    ).stdout
    assert "sam: 40% (not passed)" in out
    assert "credential" not in out
    assert events[1][1].is_passing is False
    assert not Award.objects.exists()
    assert Evaluation.objects.filter(user__username="sam").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody", COURSE, "--percent", "0.5"], "no user 'nobody'"),
        (["sam", "course-v1:DemoX+Nope+2026", "--percent", "0.5"], "no course"),
        (["sam", COURSE, "--percent", "1.5"], "percent is a fraction"),
        (["sam", COURSE, "--percent", "0.5", "--average", "Lab=0.5"], "not assignment types"),
        (["sam", COURSE, "--percent", "0.5", "--block", "x=1"], "USAGE_KEY=EARNED/POSSIBLE"),
    ],
)
def test_grade_refuses_what_the_platform_would_not_have(seeded, run, events, args, message):
    with pytest.raises(CommandError, match=message):
        run("sandbox_grade", *args)
    assert events == []
