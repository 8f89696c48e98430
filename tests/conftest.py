"""
Shared fixtures. pytest-django loads the sandbox LMS settings (``sandbox.settings.lms``, see
pyproject.toml): the plugin is installed through its entry points and the platform adapter is
the in-memory :class:`~openedx_microcreds.platform.FakePlatform`.
"""

import pytest


@pytest.fixture(autouse=True)
def _fresh_fake_platform():
    """Every test starts with an empty fake platform (no courses, grades, queued failures)."""
    from openedx_microcreds.platform import FakePlatform

    FakePlatform.reset()
    yield
    FakePlatform.reset()


@pytest.fixture
def fake_platform():
    """The FakePlatform class, for seeding: ``fake_platform.add_course(...)``."""
    from openedx_microcreds.platform import FakePlatform

    return FakePlatform


@pytest.fixture
def secret_keys(settings):
    """Configure one fresh Fernet key in MICROCREDS_SECRET_KEYS; returns the list."""
    from openedx_microcreds.secrets import generate_key

    settings.MICROCREDS_SECRET_KEYS = [generate_key()]
    return settings.MICROCREDS_SECRET_KEYS
