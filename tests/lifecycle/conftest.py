import pytest


@pytest.fixture
def catalogue(db, secret_keys, settings):
    """Issuer with an active key, two courses, the three sample definitions."""
    from sandbox.scenario import create_catalogue

    settings.MICROCREDS_ISSUER_BASE_URL = "https://lms.example.edu"
    return create_catalogue()


@pytest.fixture
def learner(fake_platform):
    return fake_platform.add_user("ada", "ada@example.edu", "Ada Lovelace")


@pytest.fixture
def captured_badges():
    """BADGE_AWARDED events, as sent through the real openedx-events signal."""
    from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

    received = []

    def listen(signal, sender, badge, metadata, **kwargs):
        received.append((signal.event_type, badge))

    BADGE_AWARDED.connect(listen)
    BADGE_REVOKED.connect(listen)
    yield received
    BADGE_AWARDED.disconnect(listen)
    BADGE_REVOKED.disconnect(listen)


@pytest.fixture
def award(catalogue, learner):
    """A real award, issued through the event flow."""
    from openedx_microcreds.models import Award
    from sandbox import scenario

    scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    return Award.objects.get(user_id=learner.id, definition__slug="data-analyst")
