"""The sandbox's fake platform: rows in the sandbox's database, behaving as edx-platform does."""

import dataclasses
import json
import re
import textwrap

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from openedx_microcreds.platform import (
    CourseGradeSnapshot,
    CourseNotFoundError,
    EdxPlatform,
    PlatformError,
    UserNotFoundError,
    get_platform,
)
from sandbox import scenario
from sandbox.fake_platform import FakePlatform

from .helpers import manage, sandbox_env

COURSE = "course-v1:OpenedX+Creds101+2026"
CCX = "ccx-v1:OpenedX+Creds101+2026+ccx@7"
EXAM = "block-v1:OpenedX+Creds101+2026+type@sequential+block@final_exam"
CCX_EXAM = "ccx-block-v1:OpenedX+Creds101+2026+ccx@7+type@sequential+block@final_exam"
PROBLEM = "block-v1:OpenedX+Creds101+2026+type@problem+block@q1"

pytestmark = pytest.mark.django_db


def test_users_are_real_django_users_with_a_profile(fake_platform):
    ada = fake_platform.add_user("ada", "ada@example.org", "Ada King Lovelace")
    row = get_user_model().objects.get(pk=ada.id)
    assert row.username == "ada"
    assert row.profile.name == "Ada King Lovelace"  # as edx-platform's UserProfile
    adapter = get_platform()
    assert isinstance(adapter, FakePlatform)
    assert adapter.get_user(ada.id) == ada
    assert ada.full_name == "Ada King Lovelace"
    assert adapter.get_user_by_username("ada") == ada
    assert EdxPlatform().get_user(ada.id) == ada  # the real adapter reads the same profile
    assert adapter.get_user(10_000) is None
    assert adapter.get_user_by_username("nobody") is None
    inactive = fake_platform.add_user("gone", is_active=False)
    assert adapter.get_user(inactive.id).is_active is False


def test_courses(fake_platform):
    key = fake_platform.add_course(COURSE, "Credentials 101", ["Homework", "Exam"])
    adapter = get_platform()
    assert key == COURSE
    assert adapter.course_exists(COURSE)
    assert not adapter.course_exists("course-v1:Other+X+Y")
    assert not adapter.course_exists("garbage")
    assert adapter.course_display_name(COURSE) == "Credentials 101"
    with pytest.raises(CourseNotFoundError):
        adapter.course_display_name("course-v1:Other+X+Y")


def test_grades(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101", ["Homework", "Exam"])
    ada = fake_platform.add_user("ada")
    fake_platform.set_grade(
        ada.id,
        COURSE,
        percent=0.86,
        blocks={EXAM: (9, 10)},
        assignment_averages={"Exam": 0.9, "Homework": 0.8},
    )
    snapshot = get_platform().read_grades(ada.id, COURSE, block_keys=[PROBLEM, EXAM])
    assert isinstance(snapshot, CourseGradeSnapshot)
    assert snapshot.percent == 0.86
    assert snapshot.passed is True
    assert snapshot.letter_grade == "Pass"
    assert snapshot.blocks[EXAM] == (9.0, 10.0)
    assert snapshot.blocks[PROBLEM] == (0.0, 0.0)  # asked for, never attempted
    assert snapshot.assignment_averages == {"Exam": 0.9, "Homework": 0.8}
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.percent = 1.0
    assert json.loads(json.dumps(snapshot.to_dict())) == {
        "user_id": ada.id,
        "course_key": COURSE,
        "percent": 0.86,
        "passed": True,
        "letter_grade": "Pass",
        "blocks": {EXAM: [9.0, 10.0], PROBLEM: [0.0, 0.0]},
        "assignment_averages": {"Exam": 0.9, "Homework": 0.8},
    }
    assert dataclasses.asdict(snapshot)["blocks"][EXAM] == (9.0, 10.0)


def test_a_new_grade_replaces_the_old(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101")
    ada = fake_platform.add_user("ada")
    fake_platform.set_grade(ada, COURSE, percent=0.4, blocks={EXAM: (4, 10)})
    fake_platform.set_grade(ada, COURSE, percent=0.9)
    snapshot = get_platform().read_grades(ada.id, COURSE)
    assert (snapshot.percent, snapshot.passed, snapshot.blocks) == (0.9, True, {})


def test_passing_follows_the_course_cutoff(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101", passing_grade=0.7)
    ada = fake_platform.add_user("ada")
    assert fake_platform.set_grade(ada, COURSE, percent=0.65).passed is False
    assert fake_platform.set_grade(ada, COURSE, percent=0.7).passed is True
    assert fake_platform.set_grade(ada, COURSE, percent=0.1, passed=True).passed is True


def test_ungraded_learner_reads_as_zero(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101", ["Lab"])
    ada = fake_platform.add_user("ada")
    snapshot = get_platform().read_grades(ada.id, COURSE, block_keys=[EXAM])
    assert (snapshot.percent, snapshot.passed, snapshot.letter_grade) == (0.0, False, None)
    assert snapshot.assignment_averages == {"Lab": 0.0}
    assert snapshot.blocks == {EXAM: (0.0, 0.0)}
    with pytest.raises(UserNotFoundError):
        get_platform().read_grades(99_999, COURSE)
    with pytest.raises(CourseNotFoundError):
        get_platform().read_grades(ada.id, "course-v1:Other+X+Y")


def test_set_grade_validation(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101", ["Exam"])
    ada = fake_platform.add_user("ada")
    with pytest.raises(ValueError, match="Quiz"):
        fake_platform.set_grade(ada, COURSE, percent=0.5, assignment_averages={"Quiz": 1})
    with pytest.raises(ValueError):
        fake_platform.set_grade(ada, COURSE, percent=85)
    with pytest.raises(CourseNotFoundError):
        fake_platform.set_grade(ada, "course-v1:Other+X+Y", percent=0.5)


def test_fail_next_grade_read(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101")
    ada = fake_platform.add_user("ada")
    fake_platform.set_grade(ada, COURSE, percent=0.9)
    fake_platform.fail_next_grade_read()
    fake_platform.fail_next_grade_read(RuntimeError("grades service down"), times=2)
    adapter = get_platform()
    with pytest.raises(PlatformError):
        adapter.read_grades(ada.id, COURSE)
    for _ in range(2):
        with pytest.raises(RuntimeError, match="down"):
            adapter.read_grades(ada.id, COURSE)
    assert adapter.read_grades(ada.id, COURSE).percent == 0.9


def test_reset_forgets_simulated_failures_only(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101")
    ada = fake_platform.add_user("ada")
    fake_platform.fail_next_grade_read()
    fake_platform.reset()
    assert get_platform().read_grades(ada.id, COURSE).percent == 0.0  # no failure left
    assert get_platform().course_exists(COURSE)  # rows are the database's to roll back


def test_can_author(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101")
    model = get_user_model()
    author = model.objects.get(pk=fake_platform.add_user("author").id)
    learner = model.objects.get(pk=fake_platform.add_user("learner").id)
    staff = model.objects.get(pk=fake_platform.add_user("staff", is_staff=True).id)
    fake_platform.add_course_staff(COURSE, author)
    fake_platform.add_course_staff(COURSE, author)  # twice is once
    adapter = get_platform()
    assert adapter.can_author(author, COURSE)
    assert not adapter.can_author(learner, COURSE)
    assert adapter.can_author(staff, COURSE)
    assert not adapter.can_author(AnonymousUser(), COURSE)
    assert not adapter.can_author(author, "course-v1:Other+X+Y")
    assert not adapter.can_author(author, "garbage")


def test_enrolled_learners(fake_platform):
    fake_platform.add_course(COURSE, "Credentials 101")
    users = [fake_platform.add_user(name) for name in ("c", "a", "b")]
    for user in users:
        fake_platform.enroll(user, COURSE)
    fake_platform.unenroll(users[0], COURSE)
    expected = sorted(u.id for u in users[1:])
    assert list(get_platform().enrolled_learners(COURSE)) == expected
    fake_platform.enroll(users[0], COURSE)  # enrolling again reactivates
    assert list(get_platform().enrolled_learners(COURSE)) == sorted(u.id for u in users)
    with pytest.raises(CourseNotFoundError):
        list(get_platform().enrolled_learners("course-v1:Other+X+Y"))


def test_enrolled_courses(fake_platform):
    """A learner's active enrollments, oldest first; unenrolling keeps the row, inactive."""
    other = "course-v1:Other+Viz+2026"
    fake_platform.add_course(COURSE, "Credentials 101")
    fake_platform.add_course(other, "Charts")
    ada, bob = fake_platform.add_user("ada"), fake_platform.add_user("bob")
    fake_platform.enroll(ada, other)
    fake_platform.enroll(ada, COURSE)
    fake_platform.enroll(bob, COURSE)
    assert get_platform().enrolled_courses(ada.id) == [other, COURSE]
    fake_platform.unenroll(ada, other)
    assert get_platform().enrolled_courses(ada.id) == [COURSE]
    assert get_platform().enrolled_courses(99_999) == []


class TestCcx:
    """A CCX as edx-platform has it: a run of its master course whose learners are enrolled and
    graded under the CCX key only, with its blocks keyed by ``ccx-block-v1:`` locators."""

    @pytest.fixture
    def ada(self, fake_platform):
        fake_platform.add_course(COURSE, "Credentials 101", ["Homework", "Exam"], passing_grade=0.6)
        fake_platform.add_ccx(CCX, "Credentials 101 for Acme")
        ada = fake_platform.add_user("ada")
        fake_platform.set_grade(ada, CCX, percent=0.9, blocks={EXAM: (9, 10)})
        return ada

    def test_a_ccx_needs_its_master_and_inherits_its_policy(self, fake_platform):
        with pytest.raises(CourseNotFoundError, match="master course"):
            fake_platform.add_ccx(CCX)
        fake_platform.add_course(COURSE, "Credentials 101", ["Lab"], passing_grade=0.6)
        assert fake_platform.add_ccx(CCX) == CCX
        adapter = get_platform()
        assert adapter.course_display_name(CCX) == "Credentials 101"
        ada = fake_platform.add_user("ada")
        assert adapter.read_grades(ada.id, CCX).assignment_averages == {"Lab": 0.0}
        assert fake_platform.set_grade(ada, CCX, percent=0.55).passed is False
        # A coach may override the grading policy of the CCX.
        fake_platform.add_ccx(CCX, "Acme", passing_grade=0.5)
        assert fake_platform.set_grade(ada, CCX, percent=0.55).passed is True
        with pytest.raises(ValueError, match="add_ccx"):
            fake_platform.add_course(CCX, "Not this way")
        with pytest.raises(ValueError, match="not a CCX key"):
            fake_platform.add_ccx(COURSE)

    def test_the_grade_is_persisted_under_the_ccx_key_only(self, ada):
        # CourseGradeFactory.read of a key with nothing persisted: ZeroCourseGrade
        # (lms/djangoapps/grades/course_grade_factory.py).
        master = get_platform().read_grades(ada.id, COURSE)
        assert (master.percent, master.passed) == (0.0, False)
        ccx = get_platform().read_grades(ada.id, CCX)
        assert (ccx.course_key, ccx.percent, ccx.passed) == (CCX, 0.9, True)

    def test_blocks_are_keyed_by_ccx_locators(self, ada):
        snapshot = get_platform().read_grades(ada.id, CCX, block_keys=[EXAM, CCX_EXAM])
        assert snapshot.blocks[CCX_EXAM] == (9.0, 10.0)
        # A master key is not in the CCX's course structure: score_for_block finds nothing.
        assert snapshot.blocks[EXAM] == (0.0, 0.0)

    def test_learners_are_enrolled_in_the_ccx_not_its_master(self, ada):
        assert list(get_platform().enrolled_learners(CCX)) == [ada.id]
        assert list(get_platform().enrolled_learners(COURSE)) == []
        assert get_platform().enrolled_courses(ada.id) == [CCX]


SEED = textwrap.dedent(
    """
    from django.core.management import call_command
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    call_command("migrate", verbosity=0)
    scenario.create_catalogue()
    ada = FakePlatform.add_user("ada", "ada@example.edu", "Ada Lovelace")
    scenario.grade_analyst(ada, capstone=0.92, analysis=(0.85, 0.9), percent=0.89)
    bob = FakePlatform.add_user("bob", "bob@example.edu", "Bob Byte")
    scenario.grade_analyst(bob, capstone=0.5, analysis=(0.85, 0.9), percent=0.89)
    """
)


def test_another_process_sees_the_grades_seeded(tmp_path):
    """What one process seeds (the demo, a test), another (manage.py, a worker) reads: the
    fake platform lives in the sandbox's database, as an LMS's grades live in its own."""
    env = sandbox_env(tmp_path / "db.sqlite3")
    manage("lms", "shell", "-c", SEED, env=env)
    out = manage(
        "lms", "microcreds_evaluate", scenario.DATA_COURSE, "--dry-run", "--no-progress", env=env
    ).stdout
    assert re.search(r"^ada\s+data-analyst\s+would award\b", out, re.M), out
    assert re.search(r"^bob\s+data-analyst\s+not met\s+.*Capstone project", out, re.M), out
    assert "2 learner(s), 2 evaluation(s): 1 would award, 1 not met" in out
