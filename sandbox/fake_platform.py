"""
The sandbox's stand-in for edx-platform: courses, CCXs, enrollments, course staff and grades in
the sandbox's database (:mod:`sandbox.models`), so every process of the sandbox sees what a test
or the demo seeded, as every process of an LMS sees its grades.

Where it matters, it behaves as edx-platform does (each place cites the platform's source):

* A CCX learner's grade is computed and persisted under the **CCX** course key only: the grades
  tasks recompute for the course key of the scored block, which is the CCX's
  (lms/djangoapps/grades/tasks.py, ``_recalculate_subsection_grade``), and
  ``CourseGradeFactory.read`` of a key with no persisted grade returns a ``ZeroCourseGrade``
  (lms/djangoapps/grades/course_grade_factory.py). So reading the master key for a CCX learner
  gives zero here too.
* Inside a CCX, blocks are ``ccx-block-v1:`` locators: the CCX modulestore wrapper re-keys every
  block of the master course into the CCX (lms/djangoapps/ccx/modulestore.py, ``restore_ccx``),
  and the course structure the grades are computed over is rooted at the CCX's usage key
  (lms/djangoapps/grades/course_data.py, ``make_course_usage_key``). A CCX grade's subsection
  scores are therefore keyed by CCX locators, and ``score_for_block`` of a master ``block-v1:``
  key finds nothing: (0, 0) (lms/djangoapps/grades/course_grade.py: a dict lookup in
  ``problem_scores``, then the structure's children of a key it does not hold).
* A CCX learner is enrolled in the CCX, not in its master (lms/djangoapps/ccx/views.py lists
  ``CourseEnrollment`` rows of the CCX key), and a coach may override the CCX's grading policy.

Seeding is by class methods (``add_course``, ``add_ccx``, ``set_grade``, ...), which write rows;
test isolation comes from the database (pytest-django rolls each test's rows back, or flushes
them for transactional tests). Only :meth:`FakePlatform.fail_next_grade_read` keeps state in
process memory: simulated failures concern the process under test, and :meth:`reset` clears
them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from openedx_microcreds.platform import (
    CourseGradeSnapshot,
    CourseNotFoundError,
    CourseOutline,
    OutlineBlock,
    PlatformAdapter,
    PlatformError,
    PlatformUser,
    UserNotFoundError,
    parse_course_key,
    platform_user,
    usage_key_in_course,
)


class FakePlatform(PlatformAdapter):
    """The sandbox's platform adapter. Stateless: every answer comes from the database."""

    _lock = threading.Lock()
    _failures: list[BaseException] = []

    # --- seeding -------------------------------------------------------------------------

    @classmethod
    def reset(cls) -> None:
        """Forget pending simulated failures, the only state kept in process memory (courses,
        grades and users are rows: the test database rolls them back)."""
        with cls._lock:
            cls._failures.clear()

    @classmethod
    def add_user(
        cls,
        username: str,
        email: str | None = None,
        full_name: str = "",
        *,
        is_active: bool = True,
        is_staff: bool = False,
    ) -> PlatformUser:
        """Create (or update) a Django user and its profile; return it as a PlatformUser."""
        from django.contrib.auth import get_user_model

        from .models import UserProfile

        model = get_user_model()
        first, _, last = full_name.partition(" ")
        user, _created = model.objects.update_or_create(
            **{model.USERNAME_FIELD: username},
            defaults={
                "email": email if email is not None else f"{username}@example.com",
                "first_name": first[:150],
                "last_name": last[:150],
                "is_active": is_active,
                "is_staff": is_staff,
            },
        )
        UserProfile.objects.update_or_create(user=user, defaults={"name": full_name})
        return platform_user(user, full_name)

    @classmethod
    def add_course(
        cls,
        course_key: Any,
        name: str,
        assignment_types: Iterable[str] = ("Homework", "Exam"),
        *,
        passing_grade: float = 0.5,
    ) -> str:
        """Register (or update) a course run with its grading policy's assignment types;
        returns its key. A CCX is added with :meth:`add_ccx`."""
        key = parse_course_key(course_key)
        if getattr(key, "ccx", None):
            raise ValueError(f"{key} is a CCX: add it with add_ccx, after its master course")
        return cls._save_course(str(key), name, list(assignment_types), passing_grade, None)

    @classmethod
    def add_ccx(
        cls, ccx_key: Any, name: str | None = None, *, passing_grade: float | None = None
    ) -> str:
        """Register a CCX of an already added course run; returns its key. It inherits the
        master's assignment types and, unless given (a coach may override the grading
        policy), its passing grade."""
        from .models import FakeCourse

        key = parse_course_key(ccx_key)
        if not getattr(key, "ccx", None):
            raise ValueError(f"{key} is not a CCX key (ccx-v1:Org+Number+Run+ccx@N)")
        master_key = str(key.to_course_locator())
        master = FakeCourse.objects.filter(key=master_key).first()
        if master is None:
            raise CourseNotFoundError(f"the master course {master_key} of {key} does not exist")
        return cls._save_course(
            str(key),
            name or master.name,
            master.assignment_types,
            master.passing_grade if passing_grade is None else passing_grade,
            master,
        )

    @staticmethod
    def _save_course(key, name, assignment_types, passing_grade, master) -> str:
        from .models import FakeCourse

        FakeCourse.objects.update_or_create(
            key=key,
            defaults={
                "name": name,
                "assignment_types": assignment_types,
                "passing_grade": passing_grade,
                "master": master,
            },
        )
        return key

    @classmethod
    def set_outline(cls, course_key: Any, chapters: Iterable[dict]) -> None:
        """The course's structure: chapters ``{"id", "name", "subsections": [...]}``, each
        subsection ``{"id", "name", "graded", "assignment_type", "units": [{"id", "name"}]}``;
        usage keys are made from the ids as the platform makes them."""
        course = _course(course_key)
        key = parse_course_key(course.key)
        blocks: list[dict] = []

        def add(kind, entry, parent, graded=False, fmt=None):
            usage_key = str(key.make_usage_key(kind, entry["id"]))
            blocks.append(
                {
                    "usage_key": usage_key,
                    "block_type": kind,
                    "display_name": entry.get("name") or entry["id"],
                    "graded": graded,
                    "assignment_type": fmt if graded else None,
                    "parent": parent,
                }
            )
            return usage_key

        for chapter in chapters:
            chapter_key = add("chapter", chapter, None)
            for subsection in chapter.get("subsections", []):
                graded = bool(subsection.get("graded"))
                fmt = subsection.get("assignment_type")
                if graded and fmt not in course.assignment_types:
                    raise ValueError(f"{fmt!r} is not an assignment type of {course.key}")
                sub_key = add("sequential", subsection, chapter_key, graded, fmt)
                for unit in subsection.get("units", []):
                    add("vertical", unit, sub_key, graded, fmt)
        course.outline = blocks
        course.save(update_fields=["outline"])

    @classmethod
    def add_course_staff(cls, course_key: Any, user: Any) -> None:
        """Give ``user`` (a user, PlatformUser or id) Studio write access to the course."""
        from .models import FakeCourseStaff

        FakeCourseStaff.objects.get_or_create(user_id=_user_id(user), course=_course(course_key))

    @classmethod
    def enroll(cls, user: Any, course_key: Any) -> None:
        """Enroll a learner (``set_grade`` does this too)."""
        from .models import FakeEnrollment

        FakeEnrollment.objects.update_or_create(
            user_id=_user_id(user), course=_course(course_key), defaults={"is_active": True}
        )

    @classmethod
    def unenroll(cls, user: Any, course_key: Any) -> None:
        from .models import FakeEnrollment

        FakeEnrollment.objects.filter(user_id=_user_id(user), course=_course(course_key)).update(
            is_active=False
        )

    @classmethod
    def set_grade(
        cls,
        user: Any,
        course_key: Any,
        *,
        percent: float,
        passed: bool | None = None,
        letter_grade: str | None = None,
        blocks: Mapping[str, tuple[float, float]] | None = None,
        assignment_averages: Mapping[str, float] | None = None,
    ) -> CourseGradeSnapshot:
        """Record the learner's grade (and enroll them). ``passed`` defaults to
        ``percent >= passing_grade``.

        In a CCX, ``blocks`` may name the master's ``block-v1:`` keys: they are recorded in
        their ``ccx-block-v1:`` form, the only form the platform's CCX grades know.
        """
        from .models import FakeCourseGrade

        if not 0.0 <= percent <= 1.0:
            raise ValueError("percent is a fraction between 0 and 1")
        user_id = _user_id(user)
        course = _course(course_key)
        averages = {str(name): float(value) for name, value in (assignment_averages or {}).items()}
        unknown = set(averages) - set(course.assignment_types)
        if unknown:
            raise ValueError(
                f"{sorted(unknown)} are not assignment types of {course.key} "
                f"({list(course.assignment_types)})"
            )
        for name, value in averages.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"average for {name} must be between 0 and 1")
        if passed is None:
            passed = percent >= course.passing_grade
        if letter_grade is None and passed:
            letter_grade = "Pass"
        recorded = {
            usage_key_in_course(str(key), course.key): [float(earned), float(possible)]
            for key, (earned, possible) in (blocks or {}).items()
        }
        FakeCourseGrade.objects.update_or_create(
            user_id=user_id,
            course=course,
            defaults={
                "percent": float(percent),
                "passed": bool(passed),
                "letter_grade": letter_grade or "",
                "blocks": recorded,
                "assignment_averages": averages,
            },
        )
        cls.enroll(user_id, course.key)
        return CourseGradeSnapshot(
            user_id=user_id,
            course_key=course.key,
            percent=float(percent),
            passed=bool(passed),
            letter_grade=letter_grade,
            blocks=recorded,
            assignment_averages=averages,
        )

    @classmethod
    def fail_next_grade_read(cls, exc: BaseException | None = None, *, times: int = 1) -> None:
        """Make this process's next ``times`` calls of ``read_grades`` raise ``exc`` (a
        PlatformError by default), to test retries and failure recording. Kept in process
        memory: another process (a worker) does not see it."""
        with cls._lock:
            for _ in range(times):
                cls._failures.append(exc or PlatformError("simulated grade read failure"))

    # --- the adapter ---------------------------------------------------------------------

    def read_grades(
        self, user_id: int, course_key: Any, *, block_keys: Iterable[str] = ()
    ) -> CourseGradeSnapshot:
        from .models import FakeCourseGrade

        with self._lock:
            if self._failures:
                raise self._failures.pop(0)
        key = str(parse_course_key(course_key))
        row = (
            FakeCourseGrade.objects.filter(user_id=user_id, course__key=key)
            .select_related("course")
            .first()
        )
        if row is None:
            return self._zero_grade(user_id, key, block_keys)
        blocks = {usage_key: tuple(score) for usage_key, score in row.blocks.items()}
        # Like CourseGrade.score_for_block: a block the course structure does not hold scores
        # nothing, and a master key is not in a CCX's structure.
        blocks.update({str(k): (0.0, 0.0) for k in block_keys if str(k) not in blocks})
        return CourseGradeSnapshot(
            user_id=user_id,
            course_key=key,
            percent=row.percent,
            passed=row.passed,
            letter_grade=row.letter_grade or None,
            blocks=blocks,
            assignment_averages=row.assignment_averages,
        )

    def _zero_grade(self, user_id: int, key: str, block_keys: Iterable[str]) -> CourseGradeSnapshot:
        """Nothing persisted: the platform's ZeroCourseGrade (if the course and user exist)."""
        from django.contrib.auth import get_user_model

        course = _course(key)
        if not get_user_model().objects.filter(pk=user_id).exists():
            raise UserNotFoundError(f"no user with id {user_id}")
        return CourseGradeSnapshot(
            user_id=user_id,
            course_key=key,
            percent=0.0,
            passed=False,
            blocks={str(k): (0.0, 0.0) for k in block_keys},
            assignment_averages=dict.fromkeys(course.assignment_types, 0.0),
        )

    def course_exists(self, course_key: Any) -> bool:
        from .models import FakeCourse

        try:
            key = str(parse_course_key(course_key))
        except CourseNotFoundError:
            return False
        return FakeCourse.objects.filter(key=key).exists()

    def course_display_name(self, course_key: Any) -> str:
        return _course(course_key).name

    def can_author(self, user: Any, course_key: Any) -> bool:
        # As get_user_permissions (common/djangoapps/student/auth.py): nobody has Studio
        # access to a CCX; global staff have it to every course; course staff to theirs.
        from .models import FakeCourseStaff

        if user is None or not getattr(user, "is_authenticated", False):
            return False
        try:
            key = parse_course_key(course_key)
        except CourseNotFoundError:
            return False
        if getattr(key, "ccx", None):
            return False
        if self.is_global_staff(user):
            return True
        return FakeCourseStaff.objects.filter(user_id=user.pk, course__key=str(key)).exists()

    def can_read_course(self, user: Any, course_key: Any) -> bool:
        # No read-only course role here: Studio read access is write access.
        return self.can_author(user, course_key)

    def course_outline(self, course_key: Any) -> CourseOutline:
        course = _course(self.master_course_for_ccx(course_key))
        return CourseOutline(
            course_key=course.key,
            blocks=tuple(OutlineBlock(**block) for block in course.outline),
            assignment_types=tuple(course.assignment_types),
        )

    def enrolled_learners(self, course_key: Any) -> Iterator[int]:
        from .models import FakeEnrollment

        course = _course(course_key)
        user_ids = (
            FakeEnrollment.objects.filter(course=course, is_active=True)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        yield from user_ids.iterator(chunk_size=2000)

    def enrolled_courses(self, user_id: int) -> list[str]:
        # As CourseEnrollment rows: active ones only, oldest first (a CCX learner is enrolled
        # in the CCX, not in its master course).
        from .models import FakeEnrollment

        rows = FakeEnrollment.objects.filter(user_id=user_id, is_active=True).order_by("pk")
        return list(rows.values_list("course__key", flat=True))


def _course(course_key: Any):
    from .models import FakeCourse

    key = str(parse_course_key(course_key))
    course = FakeCourse.objects.filter(key=key).first()
    if course is None:
        raise CourseNotFoundError(f"course {key} does not exist")
    return course


def _user_id(user: Any) -> int:
    if isinstance(user, int):
        return user
    user_id = getattr(user, "pk", None) or getattr(user, "id", None)
    if user_id is None:
        raise TypeError(f"cannot get a user id from {user!r}")
    return int(user_id)
