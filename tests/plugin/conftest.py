"""Fixtures for the plugin tests."""

import pytest

from openedx_microcreds.models import CredentialDefinition, Issuer

COURSE = "course-v1:OpenedX+Creds101+2026"


@pytest.fixture
def issuer(db):
    return Issuer.objects.create(
        name="Open edX Academy", url="https://academy.example.org", email="badges@example.org"
    )


@pytest.fixture
def definition(issuer):
    return CredentialDefinition.objects.create(
        slug="python-basics",
        issuer=issuer,
        course_key=COURSE,
        name="Python basics",
        rule={"type": "course_grade", "min": 0.8},
        state=CredentialDefinition.State.ACTIVE,
    )


@pytest.fixture
def learner(db, fake_platform):
    platform_user = fake_platform.add_user("ada", "ada@example.org", "Ada Lovelace")
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=platform_user.id)
