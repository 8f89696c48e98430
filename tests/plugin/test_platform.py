"""The platform adapter: the fake used by tests and the demo, and EdxPlatform against stubs."""

import dataclasses
import json
import subprocess
import sys
import types
from collections import OrderedDict
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings

from openedx_microcreds import platform
from openedx_microcreds.platform import (
    CourseGradeSnapshot,
    CourseNotFoundError,
    EdxPlatform,
    FakePlatform,
    PlatformAdapter,
    PlatformError,
    UserNotFoundError,
    get_platform,
)

from .helpers import REPO

COURSE = "course-v1:OpenedX+Creds101+2026"
EXAM = "block-v1:OpenedX+Creds101+2026+type@sequential+block@final_exam"
PROBLEM = "block-v1:OpenedX+Creds101+2026+type@problem+block@q1"


def test_importing_the_module_does_not_import_edx_platform():
    code = (
        "import sys, openedx_microcreds.platform as p; "
        "p.EdxPlatform(); "
        "bad = [m for m in ('lms', 'cms', 'common', 'openedx', 'xmodule') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_get_platform_follows_the_setting():
    adapter = get_platform()
    assert isinstance(adapter, FakePlatform)
    assert get_platform() is adapter  # cached
    with override_settings(MICROCREDS_PLATFORM_BACKEND="openedx_microcreds.platform.EdxPlatform"):
        assert isinstance(get_platform(), EdxPlatform)
    with (
        override_settings(MICROCREDS_PLATFORM_BACKEND="django.contrib.auth.models.Group"),
        pytest.raises(TypeError),
    ):
        get_platform()


def test_master_course_for_ccx():
    adapter = FakePlatform()
    assert adapter.master_course_for_ccx("ccx-v1:OpenedX+Creds101+2026+ccx@7") == COURSE
    assert adapter.master_course_for_ccx(COURSE) == COURSE
    with pytest.raises(CourseNotFoundError):
        adapter.master_course_for_ccx("not a key")


@pytest.mark.django_db
class TestFakePlatform:
    def test_users_are_real_django_users(self, fake_platform):
        ada = fake_platform.add_user("ada", "ada@example.org", "Ada King Lovelace")
        row = get_user_model().objects.get(pk=ada.id)
        assert row.username == "ada"
        adapter = get_platform()
        assert adapter.get_user(ada.id) == ada
        assert ada.full_name == "Ada King Lovelace"
        assert adapter.get_user_by_username("ada") == ada
        assert adapter.get_user(10_000) is None
        assert adapter.get_user_by_username("nobody") is None
        inactive = fake_platform.add_user("gone", is_active=False)
        assert adapter.get_user(inactive.id).is_active is False

    def test_courses(self, fake_platform):
        key = fake_platform.add_course(COURSE, "Credentials 101", ["Homework", "Exam"])
        adapter = get_platform()
        assert key == COURSE
        assert adapter.course_exists(COURSE)
        assert not adapter.course_exists("course-v1:Other+X+Y")
        assert not adapter.course_exists("garbage")
        assert adapter.course_display_name(COURSE) == "Credentials 101"
        with pytest.raises(CourseNotFoundError):
            adapter.course_display_name("course-v1:Other+X+Y")

    def test_grades(self, fake_platform):
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

    def test_passing_follows_the_course_cutoff(self, fake_platform):
        fake_platform.add_course(COURSE, "Credentials 101", passing_grade=0.7)
        ada = fake_platform.add_user("ada")
        assert fake_platform.set_grade(ada, COURSE, percent=0.65).passed is False
        assert fake_platform.set_grade(ada, COURSE, percent=0.7).passed is True
        assert fake_platform.set_grade(ada, COURSE, percent=0.1, passed=True).passed is True

    def test_ungraded_learner_reads_as_zero(self, fake_platform):
        fake_platform.add_course(COURSE, "Credentials 101", ["Lab"])
        ada = fake_platform.add_user("ada")
        snapshot = get_platform().read_grades(ada.id, COURSE)
        assert (snapshot.percent, snapshot.passed, snapshot.letter_grade) == (0.0, False, None)
        assert snapshot.assignment_averages == {"Lab": 0.0}
        with pytest.raises(UserNotFoundError):
            get_platform().read_grades(99_999, COURSE)
        with pytest.raises(CourseNotFoundError):
            get_platform().read_grades(ada.id, "course-v1:Other+X+Y")

    def test_set_grade_validation(self, fake_platform):
        fake_platform.add_course(COURSE, "Credentials 101", ["Exam"])
        ada = fake_platform.add_user("ada")
        with pytest.raises(ValueError, match="Quiz"):
            fake_platform.set_grade(ada, COURSE, percent=0.5, assignment_averages={"Quiz": 1})
        with pytest.raises(ValueError):
            fake_platform.set_grade(ada, COURSE, percent=85)
        with pytest.raises(CourseNotFoundError):
            fake_platform.set_grade(ada, "course-v1:Other+X+Y", percent=0.5)

    def test_fail_next_grade_read(self, fake_platform):
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

    def test_can_author(self, fake_platform):
        fake_platform.add_course(COURSE, "Credentials 101")
        model = get_user_model()
        author = model.objects.get(pk=fake_platform.add_user("author").id)
        learner = model.objects.get(pk=fake_platform.add_user("learner").id)
        staff = model.objects.get(pk=fake_platform.add_user("staff", is_staff=True).id)
        fake_platform.add_course_staff(COURSE, author)
        adapter = get_platform()
        assert adapter.can_author(author, COURSE)
        assert not adapter.can_author(learner, COURSE)
        assert adapter.can_author(staff, COURSE)
        assert not adapter.can_author(AnonymousUser(), COURSE)
        assert not adapter.can_author(author, "course-v1:Other+X+Y")

    def test_enrolled_learners(self, fake_platform):
        fake_platform.add_course(COURSE, "Credentials 101")
        users = [fake_platform.add_user(name) for name in ("c", "a", "b")]
        for user in users:
            fake_platform.enroll(user, COURSE)
        fake_platform.unenroll(users[0], COURSE)
        expected = sorted(u.id for u in users[1:])
        assert list(get_platform().enrolled_learners(COURSE)) == expected

    def test_reset(self, fake_platform):
        fake_platform.add_course(COURSE, "Credentials 101")
        fake_platform.fail_next_grade_read()
        fake_platform.reset()
        assert not get_platform().course_exists(COURSE)
        assert not FakePlatform._failures


# --- EdxPlatform, against stand-ins for the edx-platform modules it imports -----------------


def _module(monkeypatch, name, **attrs):
    parts = name.split(".")
    for i in range(1, len(parts)):
        parent = ".".join(parts[:i])
        if parent not in sys.modules:
            monkeypatch.setitem(sys.modules, parent, types.ModuleType(parent))
    module = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)
    return module


def _subsection(earned, possible):
    return SimpleNamespace(graded_total=SimpleNamespace(earned=earned, possible=possible))


class FakeCourseGrade:
    """Shaped like lms.djangoapps.grades.course_grade.CourseGrade (current releases)."""

    percent = 0.83
    passed = True
    letter_grade = "B"

    def __init__(self):
        hw1, hw2, exam = (
            "block-v1:OpenedX+Creds101+2026+type@sequential+block@hw1",
            "block-v1:OpenedX+Creds101+2026+type@sequential+block@hw2",
            EXAM,
        )
        self.subsection_grades = OrderedDict(
            [(hw1, _subsection(3, 4)), (hw2, _subsection(1, 4)), (exam, _subsection(9, 10))]
        )
        self._by_format = {
            "Homework": OrderedDict(
                [(hw1, self.subsection_grades[hw1]), (hw2, self.subsection_grades[hw2])]
            ),
            "Exam": OrderedDict([(exam, self.subsection_grades[exam])]),
        }
        self.course_data = SimpleNamespace(course=object())

    def graded_subsections_by_format(self, visible_grades_only=False, has_staff_access=False):
        return self._by_format

    def score_for_block(self, usage_key):
        assert type(usage_key).__name__ != "str"  # the platform wants a UsageKey
        return (1.0, 2.0)


class OldCourseGrade(FakeCourseGrade):
    """Older releases: graded_subsections_by_format is a lazy attribute, no type graders."""

    def __init__(self):
        super().__init__()
        self.graded_subsections_by_format = self._by_format


class GraderCourseGrade(FakeCourseGrade):
    """The course grader (with drop-lowest) decides the Homework average."""

    @classmethod
    def get_subsection_type_graders(cls, course):
        return {"Homework": SimpleNamespace(grade=lambda by_format: {"percent": 0.75})}


@pytest.fixture
def edx_stubs(monkeypatch):
    grades = {}
    staff = set()
    enrollments = []

    class CourseGradeFactory:
        def read(self, user, course_key=None):
            result = grades.get((user.pk, str(course_key)))
            if isinstance(result, Exception):
                raise result
            return result

    class CourseOverview:
        class DoesNotExist(Exception):
            pass

        @classmethod
        def course_exists(cls, key):
            return str(key) == COURSE

        @classmethod
        def get_from_id(cls, key):
            if str(key) != COURSE:
                raise cls.DoesNotExist
            return SimpleNamespace(display_name_with_default="Credentials 101")

    class _Enrollments:
        def __init__(self, rows):
            self.rows = rows

        def filter(self, course_id, is_active):
            return _Enrollments(
                [r for r in self.rows if r[1] == str(course_id) and r[2] == is_active]
            )

        def order_by(self, field):
            return _Enrollments(sorted(self.rows))

        def values_list(self, field, flat):
            return _Enrollments([r[0] for r in self.rows])

        def iterator(self, chunk_size):
            return iter(self.rows)

    _module(monkeypatch, "lms.djangoapps.grades.api", CourseGradeFactory=CourseGradeFactory)
    _module(
        monkeypatch,
        "openedx.core.djangoapps.content.course_overviews.models",
        CourseOverview=CourseOverview,
    )
    _module(
        monkeypatch,
        "common.djangoapps.student.auth",
        has_studio_write_access=lambda user, key: (user.pk, str(key)) in staff,
    )
    _module(
        monkeypatch,
        "common.djangoapps.student.models",
        CourseEnrollment=SimpleNamespace(objects=_Enrollments(enrollments)),
    )
    return SimpleNamespace(grades=grades, staff=staff, enrollments=enrollments)


@pytest.mark.django_db
class TestEdxPlatform:
    @pytest.mark.parametrize("grade_class", [FakeCourseGrade, OldCourseGrade])
    def test_read_grades(self, edx_stubs, fake_platform, grade_class):
        ada = fake_platform.add_user("ada")
        edx_stubs.grades[(ada.id, COURSE)] = grade_class()
        snapshot = EdxPlatform().read_grades(ada.id, COURSE, block_keys=[PROBLEM])
        assert (snapshot.percent, snapshot.passed, snapshot.letter_grade) == (0.83, True, "B")
        assert snapshot.course_key == COURSE
        assert snapshot.blocks[EXAM] == (9.0, 10.0)
        assert snapshot.blocks[PROBLEM] == (1.0, 2.0)
        assert snapshot.assignment_averages == {"Homework": 0.5, "Exam": 0.9}

    def test_assignment_averages_from_the_course_grader(self, edx_stubs, fake_platform):
        ada = fake_platform.add_user("ada")
        edx_stubs.grades[(ada.id, COURSE)] = GraderCourseGrade()
        snapshot = EdxPlatform().read_grades(ada.id, COURSE)
        assert snapshot.assignment_averages == {"Homework": 0.75, "Exam": 0.9}

    def test_read_grades_errors(self, edx_stubs, fake_platform):
        ada = fake_platform.add_user("ada")
        adapter = EdxPlatform()
        with pytest.raises(UserNotFoundError):
            adapter.read_grades(99_999, COURSE)
        with pytest.raises(CourseNotFoundError):
            adapter.read_grades(ada.id, "course-v1:Other+X+Y")
        edx_stubs.grades[(ada.id, COURSE)] = KeyError("block structure missing")
        with pytest.raises(PlatformError, match="block structure missing"):
            adapter.read_grades(ada.id, COURSE)

    def test_users_courses_roles_enrollments(self, edx_stubs, fake_platform):
        ada = fake_platform.add_user("ada", "ada@example.org", "Ada Lovelace")
        adapter = EdxPlatform()
        user = adapter.get_user(ada.id)
        assert (user.username, user.email, user.full_name) == (
            "ada",
            "ada@example.org",
            "Ada Lovelace",
        )
        assert adapter.get_user_by_username("ada").id == ada.id
        assert adapter.course_exists(COURSE) and not adapter.course_exists("nonsense")
        assert adapter.course_display_name(COURSE) == "Credentials 101"
        with pytest.raises(CourseNotFoundError):
            adapter.course_display_name("course-v1:Other+X+Y")
        django_user = get_user_model().objects.get(pk=ada.id)
        assert not adapter.can_author(django_user, COURSE)
        edx_stubs.staff.add((ada.id, COURSE))
        assert adapter.can_author(django_user, COURSE)
        assert not adapter.can_author(AnonymousUser(), COURSE)
        edx_stubs.enrollments.extend([(3, COURSE, True), (1, COURSE, True), (2, COURSE, False)])
        assert list(adapter.enrolled_learners(COURSE)) == [1, 3]


def test_adapter_interface_is_complete():
    for adapter_class in (EdxPlatform, FakePlatform):
        assert issubclass(adapter_class, PlatformAdapter)
        assert not adapter_class.__abstractmethods__
    assert platform.PlatformAdapter.__abstractmethods__ == {
        "get_user",
        "get_user_by_username",
        "read_grades",
        "course_exists",
        "course_display_name",
        "can_author",
        "enrolled_learners",
    }
