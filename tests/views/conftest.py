"""Fixtures for the public views: a catalogue, a learner and real awards made by the event flow."""

import pytest

BASE_URL = "https://lms.example.edu"


@pytest.fixture
def learner(fake_platform):
    return fake_platform.add_user("ada_l", "ada.lovelace@example.edu", "Ada Lovelace")


@pytest.fixture
def make_award(catalogue, django_capture_on_commit_callbacks):
    """Award the Data Analyst micro-credential to a learner through real openedx-events."""
    from openedx_microcreds.models import Award
    from sandbox import scenario

    def make(learner):
        scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
        with django_capture_on_commit_callbacks(execute=True):
            scenario.send_passing_status(learner, scenario.DATA_COURSE)
        return Award.objects.get(user_id=learner.id, definition__slug="data-analyst")

    return make


@pytest.fixture
def award(make_award, learner):
    return make_award(learner)
