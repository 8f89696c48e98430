"""
The sandbox's data for the UI (``manage.py lms sandbox_seed_ui``): the end-to-end tests of the
frontend (tests/ui/) and anyone trying the UI pages by hand start from it.

Data101 of :mod:`sandbox.scenario` (a capstone subsection, two competency activities) with no
credential definition yet: the course author builds the first one in the editor. Its learners
already have grades, so the editor's preview has people and numbers to show; one more learner,
``sam``, has not handed in the capstone yet (``manage.py lms sandbox_grade`` changes that, with
the events the LMS sends). Every password is ``demo``.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import scenario

PASSWORD = "demo"  # noqa: S105 - the sandbox's public demo password
COURSE = scenario.DATA_COURSE
STAFF = "staff"
AUTHOR = "author"
LEARNER = "sam"


@dataclass(frozen=True)
class Learner:
    username: str
    full_name: str
    capstone: float  # fraction of the capstone subsection's points
    analysis: tuple[float, float]  # the two competency activities
    percent: float  # course grade


# Who the preview shows, and why (the rule the tests build: capstone >= 80 %, competency
# "Data analysis" over analysis1 + 2 x analysis2 >= 75 %).
LEARNERS = (
    Learner("ada", "Ada Lovelace", 0.92, (0.85, 0.9), 0.89),  # would get it
    Learner("alan", "Alan Turing", 0.96, (0.9, 0.8), 0.91),  # would get it
    Learner("grace", "Grace Hopper", 0.72, (0.9, 0.95), 0.84),  # capstone 72 %
    Learner("katherine", "Katherine Johnson", 0.88, (0.6, 0.7), 0.8),  # competency 67 %
    Learner("linus", "Linus Torvalds", 0.4, (0.3, 0.5), 0.35),  # neither
    Learner(LEARNER, "Sam Learner", 0.0, (0.8, 0.85), 0.55),  # capstone not handed in yet
)


def seed(base_url: str) -> dict:
    """Create everything on an empty, migrated database; returns what was made."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from openedx_microcreds.signing import did_for_base_url

    from .fake_platform import FakePlatform

    issuer = scenario.create_issuer(base_url)
    issuer.did = did_for_base_url(base_url)
    issuer.save()
    scenario.create_courses()

    model = get_user_model()
    staff, _created = model.objects.update_or_create(
        username=STAFF,
        defaults={"email": "staff@example.edu", "is_staff": True, "is_superuser": True},
    )
    author = FakePlatform.add_user(AUTHOR, "author@example.edu", "Ann Author")
    FakePlatform.add_course_staff(COURSE, author)
    for learner in LEARNERS:
        user = FakePlatform.add_user(
            learner.username, f"{learner.username}@example.edu", learner.full_name
        )
        scenario.grade_analyst(
            user, capstone=learner.capstone, analysis=learner.analysis, percent=learner.percent
        )
    usernames = [STAFF, AUTHOR, *(learner.username for learner in LEARNERS)]
    # One hash for all: hashing is slow on purpose, and this password is public anyway.
    model.objects.filter(username__in=usernames).update(password=make_password(PASSWORD))
    return {
        "issuer": issuer.name,
        "course": COURSE,
        "staff": STAFF,
        "author": AUTHOR,
        "learners": [learner.username for learner in LEARNERS],
        "password": PASSWORD,
    }
