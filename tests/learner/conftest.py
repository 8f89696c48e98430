"""A learner with an active, a revoked and an in-progress credential, made through real events;
another learner; a course staff member of another course."""

from __future__ import annotations

import pytest

from sandbox import scenario

from . import wallet_protocols


@pytest.fixture(autouse=True)
def _fresh_protocols(settings):
    settings.MICROCREDS_WALLET_PROTOCOLS = []
    wallet_protocols.reset()
    yield
    wallet_protocols.reset()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mary(catalogue, fake_platform, committed):
    """Earned Data Analyst, which was revoked (plagiarised capstone, regraded to 72 %), then
    Data Visualizer (active). Data Analyst and the pathway are in progress."""
    from openedx_microcreds.models import Award
    from openedx_microcreds.revocation import revoke

    learner = fake_platform.add_user("mary", "mary@example.edu", "Mary Somerville")
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    with committed():
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
    analyst = Award.objects.get(user_id=learner.id, definition__slug="data-analyst")
    with committed():
        revoke(analyst, reason="plagiarised capstone; regraded")
    scenario.grade_analyst(learner, capstone=0.72, analysis=(0.8, 0.9), percent=0.8)
    scenario.grade_visualizer(learner, exam=0.85, percent=0.86)
    with committed():
        scenario.send_passing_status(learner, scenario.VIZ_COURSE)
    return learner


@pytest.fixture
def awards(mary):
    from openedx_microcreds.models import Award

    return {
        award.definition.slug: award
        for award in Award.objects.filter(user_id=mary.id).select_related("definition")
    }


@pytest.fixture
def bob(catalogue, fake_platform, committed):
    """Another learner, with a credential of his own in the same course."""
    learner = fake_platform.add_user("bob", "bob@example.edu", "Bob Builder")
    scenario.grade_analyst(learner, capstone=0.95, analysis=(0.9, 0.9), percent=0.9)
    with committed():
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
    return learner


@pytest.fixture
def viz_staff(catalogue, fake_platform):
    """Course staff of Viz201 only (Studio write access), enrolled nowhere."""
    staff = fake_platform.add_user("vera", "vera@example.edu", "Vera Staff")
    fake_platform.add_course_staff(scenario.VIZ_COURSE, staff.id)
    return staff


def login(client, platform_user):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(pk=platform_user.id))
    return client
