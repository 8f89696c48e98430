"""Fixtures for the Python and REST APIs: the demo's catalogue, an author (course staff of
Data101 only), another course's staff, a learner with a credential, global staff."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from sandbox import scenario

DATA = scenario.DATA_COURSE
VIZ = scenario.VIZ_COURSE
API = "/api/microcreds/v1"


def user(platform_user):
    return get_user_model().objects.get(pk=platform_user.id)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def people(catalogue, fake_platform, committed):
    """author: staff of Data101; vera: staff of Viz201; ada: a learner holding Data Analyst;
    bob: a learner of Data101 without it; root: global staff."""
    author = fake_platform.add_user("author", "author@example.edu", "Ann Author")
    fake_platform.add_course_staff(DATA, author)
    vera = fake_platform.add_user("vera", "vera@example.edu", "Vera Viz")
    fake_platform.add_course_staff(VIZ, vera)
    ada = fake_platform.add_user("ada", "ada@example.edu", "Ada Lovelace")
    scenario.grade_analyst(ada, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    with committed():
        scenario.send_passing_status(ada, DATA)
    bob = fake_platform.add_user("bob", "bob@example.edu", "Bob Byte")
    scenario.grade_analyst(bob, capstone=0.72, analysis=(0.8, 0.9), percent=0.8)
    root = fake_platform.add_user("root", "root@example.edu", "Root", is_staff=True)
    return {
        name: user(u)
        for name, u in locals().items()
        if name in ("author", "vera", "ada", "bob", "root")
    }


@pytest.fixture
def as_user(client):
    def login(django_user):
        client.logout()
        if django_user is not None:
            client.force_login(django_user)
        return client

    return login
