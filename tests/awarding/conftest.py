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
