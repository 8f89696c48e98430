import pytest


@pytest.fixture
def award(catalogue, learner):
    """A real award, issued through the event flow."""
    from openedx_microcreds.models import Award
    from sandbox import scenario

    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    return Award.objects.get(user_id=learner.id, definition__slug="data-analyst")
