"""
Shared fixtures. pytest-django loads the sandbox LMS settings (``sandbox.settings.lms``, see
pyproject.toml): the plugin is installed through its entry points and the platform adapter is
the sandbox's :class:`~sandbox.fake_platform.FakePlatform`, whose courses and grades are rows of
the test database (each test's rows are rolled back or flushed like any others).
"""

import pytest


@pytest.fixture(autouse=True)
def _no_pending_platform_failures():
    """Simulated grade read failures live in process memory: none carries over between tests."""
    from sandbox.fake_platform import FakePlatform

    FakePlatform.reset()
    yield
    FakePlatform.reset()


@pytest.fixture
def fake_platform():
    """The FakePlatform class, for seeding: ``fake_platform.add_course(...)``."""
    from sandbox.fake_platform import FakePlatform

    return FakePlatform


@pytest.fixture
def secret_keys(settings):
    """Configure one fresh Fernet key in MICROCREDS_SECRET_KEYS; returns the list."""
    from openedx_microcreds.secrets import generate_key

    settings.MICROCREDS_SECRET_KEYS = [generate_key()]
    return settings.MICROCREDS_SECRET_KEYS


@pytest.fixture(autouse=True)
def _forget_open_status_lists():
    """status.reserve_slot remembers each issuer's open list per process; earlier tests' rows
    are gone, so every test starts without that memory. (Skipped when Django is not set up:
    the signing core and the rule engine are tested without it.)"""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from openedx_microcreds import status

    status._open_lists.clear()
    yield
    status._open_lists.clear()


@pytest.fixture
def catalogue(db, secret_keys, settings):
    """Issuer "Example University" with active key "key-1", Data101 and Viz201 on the fake
    platform, and the definitions data-analyst, data-visualizer and data-pathway."""
    from sandbox.scenario import create_catalogue

    settings.MICROCREDS_ISSUER_BASE_URL = "https://lms.example.edu"
    return create_catalogue("https://lms.example.edu")


@pytest.fixture
def learner(fake_platform):
    return fake_platform.add_user("ada", "ada@example.edu", "Ada Lovelace")


@pytest.fixture
def captured_badges():
    """BADGE_AWARDED and BADGE_REVOKED events, as sent through the real openedx-events signals."""
    from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

    received = []

    def listen(signal, sender, badge, metadata, **kwargs):
        received.append((signal.event_type, badge))

    BADGE_AWARDED.connect(listen)
    BADGE_REVOKED.connect(listen)
    yield received
    BADGE_AWARDED.disconnect(listen)
    BADGE_REVOKED.disconnect(listen)
