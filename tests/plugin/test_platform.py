"""The platform adapter: EdxPlatform against stand-ins shaped like edx-platform, and the key
helpers. The sandbox's fake platform has its own tests (test_fake_platform.py)."""

import subprocess
import sys
import types
from collections import OrderedDict
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from opaque_keys.edx.keys import CourseKey, UsageKey

from openedx_microcreds import platform
from openedx_microcreds.awarding import PlatformFacts
from openedx_microcreds.platform import (
    CourseNotFoundError,
    EdxPlatform,
    PlatformAdapter,
    PlatformError,
    UserNotFoundError,
    get_platform,
    usage_key_in_course,
)
from openedx_microcreds.rules import Score
from sandbox.fake_platform import FakePlatform

from .helpers import REPO

COURSE = "course-v1:OpenedX+Creds101+2026"
EXAM = "block-v1:OpenedX+Creds101+2026+type@sequential+block@final_exam"
PROBLEM = "block-v1:OpenedX+Creds101+2026+type@problem+block@q1"
CCX = "ccx-v1:OpenedX+Creds101+2026+ccx@7"
CCX_EXAM = "ccx-block-v1:OpenedX+Creds101+2026+ccx@7+type@sequential+block@final_exam"
CCX_PROBLEM = "ccx-block-v1:OpenedX+Creds101+2026+ccx@7+type@problem+block@q1"


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


def test_usage_key_in_course():
    """Inside a CCX the platform keys blocks by CCX locators; nothing else is converted."""
    assert usage_key_in_course(EXAM, CCX) == CCX_EXAM
    assert usage_key_in_course(EXAM.replace("+type@", "+branch@published-branch+type@"), CCX) == (
        CCX_EXAM
    )
    assert usage_key_in_course(EXAM, COURSE) == EXAM
    assert usage_key_in_course(CCX_EXAM, CCX) == CCX_EXAM
    other_ccx = CCX_EXAM.replace("ccx@7", "ccx@8")
    assert usage_key_in_course(other_ccx, CCX) == other_ccx  # another CCX's block: not ours
    other = "block-v1:OpenedX+Other+2026+type@sequential+block@final_exam"
    assert usage_key_in_course(other, CCX) == other
    assert usage_key_in_course("i4x://OpenedX/Creds101/problem/q1", CCX) == (
        "i4x://OpenedX/Creds101/problem/q1"
    )
    assert usage_key_in_course("not a key", CCX) == "not a key"
    # The converted key is the platform's own: equal to what ccx-keys parses, unlike the master.
    converted = UsageKey.from_string(usage_key_in_course(EXAM, CCX))
    assert type(converted).__name__ == "CCXBlockUsageLocator"
    assert converted == CourseKey.from_string(CCX).make_usage_key("sequential", "final_exam")
    assert converted != UsageKey.from_string(EXAM)


def test_master_course_for_ccx():
    adapter = EdxPlatform()
    assert adapter.master_course_for_ccx("ccx-v1:OpenedX+Creds101+2026+ccx@7") == COURSE
    assert adapter.master_course_for_ccx(COURSE) == COURSE
    with pytest.raises(CourseNotFoundError):
        adapter.master_course_for_ccx("not a key")


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


class CcxCourseGrade(FakeCourseGrade):
    """A grade read under a CCX key. Its course structure holds the master's blocks re-keyed as
    CCX locators (lms/djangoapps/ccx/modulestore.py, restore_ccx; the structure is rooted at
    the CCX: lms/djangoapps/grades/course_data.py), so subsection_grades is keyed by
    CCXBlockUsageLocator objects and score_for_block finds nothing for a master key."""

    percent = 0.9

    def __init__(self):
        super().__init__()
        ccx = CourseKey.from_string(CCX)

        def in_ccx(key):
            master = UsageKey.from_string(key)
            return ccx.make_usage_key(master.block_type, master.block_id)

        self.subsection_grades = OrderedDict(
            (in_ccx(key), grade) for key, grade in self.subsection_grades.items()
        )
        self._by_format = {
            fmt: OrderedDict((in_ccx(key), grade) for key, grade in grades.items())
            for fmt, grades in self._by_format.items()
        }
        self.problem_scores = {in_ccx(PROBLEM): (1.0, 2.0)}

    def score_for_block(self, usage_key):
        return self.problem_scores.get(usage_key, (0.0, 0.0))


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
    read_keys = []
    courses = {COURSE}
    staff = set()
    enrollments = []

    class CourseGradeFactory:
        def read(self, user, course_key=None):
            read_keys.append(course_key)
            result = grades.get((user.pk, str(course_key)))
            if isinstance(result, Exception):
                raise result
            return result

    class CourseOverview:
        class DoesNotExist(Exception):
            pass

        @classmethod
        def course_exists(cls, key):
            return str(key) in courses

        @classmethod
        def get_from_id(cls, key):
            if str(key) not in courses:
                raise cls.DoesNotExist
            return SimpleNamespace(display_name_with_default="Credentials 101")

    class _Enrollments:
        def __init__(self, rows):
            self.rows = rows

        def filter(self, is_active, course_id=None, user_id=None):
            return _Enrollments(
                [
                    r
                    for r in self.rows
                    if r[2] == is_active
                    and (course_id is None or r[1] == str(course_id))
                    and (user_id is None or r[0] == user_id)
                ]
            )

        def order_by(self, field):
            # (user, course, active, created): by user for the course's learners, by creation
            # for a learner's courses.
            column = 3 if field == "created" else 0
            return _Enrollments(sorted(self.rows, key=lambda r: r[column]))

        def values_list(self, field, flat):
            # The platform's course_id values are CourseKey objects, not strings.
            if field == "course_id":
                return _Enrollments([CourseKey.from_string(r[1]) for r in self.rows])
            return _Enrollments([r[0] for r in self.rows])

        def iterator(self, chunk_size):
            return iter(self.rows)

        def __iter__(self):
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
    return SimpleNamespace(
        grades=grades, read_keys=read_keys, courses=courses, staff=staff, enrollments=enrollments
    )


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

    def test_ccx_grades(self, edx_stubs, fake_platform):
        """A CCX grade is read under the CCX key, its blocks come back as CCX locators, and a
        rule naming the master's blocks finds their scores through PlatformFacts."""
        ada = fake_platform.add_user("ada")
        edx_stubs.courses.add(CCX)
        edx_stubs.grades[(ada.id, CCX)] = CcxCourseGrade()
        adapter = EdxPlatform()
        snapshot = adapter.read_grades(ada.id, CCX, block_keys=[CCX_PROBLEM])
        assert type(edx_stubs.read_keys[-1]).__name__ == "CCXLocator"
        assert (snapshot.course_key, snapshot.percent) == (CCX, 0.9)
        assert snapshot.blocks[CCX_EXAM] == (9.0, 10.0)
        assert snapshot.blocks[CCX_PROBLEM] == (1.0, 2.0)
        assert EXAM not in snapshot.blocks
        assert snapshot.assignment_averages == {"Homework": 0.5, "Exam": 0.9}

        rule_blocks = {COURSE: {EXAM, PROBLEM}}
        facts = PlatformFacts(adapter, ada.id, rule_blocks, set(), grade_keys={COURSE: CCX})
        assert facts.block_score(COURSE, EXAM) == Score(9.0, 10.0)
        assert facts.block_score(COURSE, PROBLEM) == Score(1.0, 2.0)
        assert facts.course_passed(COURSE) is True
        assert facts.grades_read() == {COURSE: CCX}

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
        other = "course-v1:OpenedX+Other+2026"
        edx_stubs.enrollments.extend(
            [
                (3, COURSE, True, 2),
                (1, COURSE, True, 3),
                (2, COURSE, False, 4),
                (1, other, True, 1),
                (1, CCX, False, 5),
            ]
        )
        assert list(adapter.enrolled_learners(COURSE)) == [1, 3]
        assert adapter.enrolled_courses(1) == [other, COURSE]
        assert adapter.enrolled_courses(2) == []


def test_adapter_interface_is_complete():
    for adapter_class in (EdxPlatform, FakePlatform):
        assert issubclass(adapter_class, PlatformAdapter)
        assert not adapter_class.__abstractmethods__
    # Users are Django's user model everywhere: the base class reads them.
    assert platform.PlatformAdapter.__abstractmethods__ == {
        "read_grades",
        "course_exists",
        "course_display_name",
        "can_author",
        "can_read_course",
        "course_outline",
        "enrolled_learners",
        "enrolled_courses",
    }


@pytest.mark.django_db
class TestEdxPlatformForTheApi:
    """Studio access as Studio answers it, the course outline from the block structure and the
    grading policy, and the platform's authentication classes: against stand-ins shaped like
    common/djangoapps/student/auth.py, openedx/core/djangoapps/content/block_structure/api.py,
    xmodule.modulestore.django and openedx/core/lib/api/authentication.py."""

    def test_write_access_is_asked_with_the_cms_service_variant_where_it_exists(
        self, monkeypatch, fake_platform
    ):
        asked = []

        def current(user, course_key, service_variant=None):
            asked.append(service_variant)
            return service_variant == "cms"

        _module(
            monkeypatch,
            "common.djangoapps.student.auth",
            has_studio_write_access=current,
            has_studio_read_access=lambda user, key: True,
        )
        user = get_user_model().objects.get(pk=fake_platform.add_user("ann").id)
        adapter = EdxPlatform()
        assert adapter.can_author(user, COURSE) and asked == ["cms"]
        assert adapter.can_read_course(user, COURSE)
        assert not adapter.can_author(AnonymousUser(), COURSE)

        def older(user, course_key):  # releases before service_variant (Sumac)
            return True

        _module(monkeypatch, "common.djangoapps.student.auth", has_studio_write_access=older)
        assert adapter.can_author(user, COURSE)

    def test_course_outline(self, monkeypatch):
        course = CourseKey.from_string(COURSE)
        keys = {
            name: course.make_usage_key(kind, name)
            for name, kind in [
                ("course", "course"),
                ("week1", "chapter"),
                ("hw1", "sequential"),
                ("unit1", "vertical"),
                ("intro", "sequential"),
            ]
        }
        children = {
            keys["course"]: [keys["week1"]],
            keys["week1"]: [keys["hw1"], keys["intro"]],
            keys["hw1"]: [keys["unit1"]],
            keys["intro"]: [],
        }
        blocks = {
            keys["week1"]: SimpleNamespace(display_name="Week 1"),
            keys["hw1"]: SimpleNamespace(display_name="Homework 1", graded=True, format="Homework"),
            keys["unit1"]: SimpleNamespace(display_name=None),
            keys["intro"]: SimpleNamespace(display_name="Intro", graded=False, format=None),
        }

        class Structure:
            root_block_usage_key = keys["course"]

            def get_children(self, key):
                return children.get(key, [])

            def __getitem__(self, key):
                return blocks[key]

        _module(
            monkeypatch,
            "openedx.core.djangoapps.content.block_structure.api",
            get_course_in_cache=lambda key: Structure(),
        )
        grader = [{"type": "Homework", "weight": 0.4}, {"type": "Exam", "weight": 0.6}]
        _module(
            monkeypatch,
            "xmodule.modulestore.django",
            modulestore=lambda: SimpleNamespace(
                get_course=lambda key, depth=0: (
                    SimpleNamespace(raw_grader=grader) if str(key) == COURSE else None
                )
            ),
        )
        outline = EdxPlatform().course_outline(CCX)  # a CCX's outline is its master's
        assert outline.assignment_types == ("Homework", "Exam")
        shown = [
            (b.block_type, b.display_name, b.graded, b.assignment_type) for b in outline.blocks
        ]
        assert shown == [
            ("chapter", "Week 1", False, None),
            ("sequential", "Homework 1", True, "Homework"),
            ("vertical", "unit1", True, "Homework"),
            ("sequential", "Intro", False, None),
        ]
        assert outline.find(str(keys["unit1"])).parent == str(keys["hw1"])
        with pytest.raises(CourseNotFoundError):
            EdxPlatform().course_outline("course-v1:Other+X+Y")

    def test_authentication_classes_are_the_platforms(self, monkeypatch, settings):
        class Bearer:
            pass

        _module(
            monkeypatch,
            "openedx.core.lib.api.authentication",
            BearerAuthenticationAllowInactiveUser=Bearer,
        )
        names = [cls.__name__ for cls in EdxPlatform().api_authentication_classes()]
        assert names == ["JwtAuthentication", "Bearer", "SessionAuthenticationAllowInactiveUser"]
        settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": ""}
        names = [cls.__name__ for cls in EdxPlatform().api_authentication_classes()]
        assert names == ["Bearer", "SessionAuthenticationAllowInactiveUser"]
