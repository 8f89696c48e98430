"""
The plugin's only door to edx-platform: users, grades, course staff, enrollments.

:class:`PlatformAdapter` is the interface the rest of the plugin uses. :class:`EdxPlatform`
implements it inside the LMS/Studio process; every edx-platform import sits inside a method, so
this module imports fine (and the plugin's tests run) without edx-platform. The tests and the demo
use the sandbox's stand-in, ``sandbox.fake_platform.FakePlatform``, which keeps its courses and
grades in the sandbox's database.

:func:`get_platform` returns the adapter named by ``MICROCREDS_PLATFORM_BACKEND``.

Keys cross this interface as strings (``str(course_key)``, ``str(usage_key)``) so the rule engine,
which is plain Python, never needs opaque-keys objects. Methods accept a key object or a string.
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from opaque_keys import InvalidKeyError
from opaque_keys.edx.keys import CourseKey


class PlatformError(Exception):
    """The platform could not answer (course missing, grade computation failed, ...)."""


class CourseNotFoundError(PlatformError):
    """The course (run) does not exist."""


class UserNotFoundError(PlatformError):
    """No user has that id or username."""


@dataclass(frozen=True)
class PlatformUser:
    """What the plugin needs to know about a user."""

    id: int
    username: str
    email: str
    full_name: str
    is_active: bool


@dataclass(frozen=True)
class CourseGradeSnapshot:
    """A learner's grade in one course run, read at one moment.

    ``percent`` is 0..1 as the platform rounds it. ``blocks`` maps usage keys to
    ``(earned, possible)`` weighted scores: every graded subsection, plus any other block the
    caller asked for. ``assignment_averages`` maps an assignment type of the grading policy
    (its "format", e.g. ``"Exam"``) to the learner's average for that type, 0..1, as the course
    grader computes it (drop-lowest and minimum counts included).
    """

    user_id: int
    course_key: str
    percent: float
    passed: bool
    letter_grade: str | None = None
    blocks: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    assignment_averages: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Private copies, so later changes to the caller's dicts do not leak in.
        object.__setattr__(
            self, "blocks", {str(k): (float(e), float(p)) for k, (e, p) in self.blocks.items()}
        )
        object.__setattr__(
            self,
            "assignment_averages",
            {str(k): float(v) for k, v in self.assignment_averages.items()},
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy (for evidence snapshots and explanations)."""
        return {
            "user_id": self.user_id,
            "course_key": self.course_key,
            "percent": self.percent,
            "passed": self.passed,
            "letter_grade": self.letter_grade,
            "blocks": {key: list(score) for key, score in self.blocks.items()},
            "assignment_averages": dict(self.assignment_averages),
        }


@dataclass(frozen=True)
class OutlineBlock:
    """A section, subsection or unit of a course, as a rule builder picks blocks from."""

    usage_key: str
    block_type: str  # "chapter", "sequential", "vertical"
    display_name: str
    graded: bool  # a unit counts as graded when its subsection is
    assignment_type: str | None  # the subsection's format ("Homework"), when graded
    parent: str | None


@dataclass(frozen=True)
class CourseOutline:
    """What a course offers a rule: its blocks in course order and the assignment types of its
    grading policy."""

    course_key: str
    blocks: tuple[OutlineBlock, ...]
    assignment_types: tuple[str, ...]

    def find(self, usage_key: str) -> OutlineBlock | None:
        return next((block for block in self.blocks if block.usage_key == usage_key), None)


def parse_course_key(course_key: Any) -> CourseKey:
    """A CourseKey (course run or CCX) from a key object or its string form."""
    if isinstance(course_key, CourseKey):
        return course_key
    try:
        return CourseKey.from_string(str(course_key))
    except InvalidKeyError:
        raise CourseNotFoundError(f"{course_key!s} is not a course key") from None


class PlatformAdapter(abc.ABC):
    """What the plugin asks of the platform. Implementations must be stateless and thread-safe."""

    # Users are rows of Django's user model (with edx-platform's UserProfile for the full name
    # where the model has one) in the LMS and in the sandbox alike.

    def get_user(self, user_id: int) -> PlatformUser | None:
        """The user with this id, or None."""
        user = users_with_profile().filter(pk=user_id).first()
        return platform_user(user) if user else None

    def get_users(self, user_ids: Iterable[int]) -> dict[int, PlatformUser]:
        """The users with these ids that exist, by id: one query for a batch of learners."""
        ids = list(user_ids)
        return {user.pk: platform_user(user) for user in users_with_profile().filter(pk__in=ids)}

    def get_user_by_username(self, username: str) -> PlatformUser | None:
        """The user with this username, or None."""
        from django.contrib.auth import get_user_model

        field = get_user_model().USERNAME_FIELD
        user = users_with_profile().filter(**{field: username}).first()
        return platform_user(user) if user else None

    @abc.abstractmethod
    def read_grades(
        self, user_id: int, course_key: Any, *, block_keys: Iterable[str] = ()
    ) -> CourseGradeSnapshot:
        """The learner's current grade; ``block_keys`` adds scores of blocks a rule refers to.

        Block keys are read as the platform keys them in ``course_key``: inside a CCX that is
        the ``ccx-block-v1:`` form (see :func:`usage_key_in_course`).
        Raises UserNotFoundError, CourseNotFoundError, or PlatformError for anything else.
        """

    @abc.abstractmethod
    def course_exists(self, course_key: Any) -> bool:
        """Whether the course run exists."""

    @abc.abstractmethod
    def course_display_name(self, course_key: Any) -> str:
        """The course's display name (raises CourseNotFoundError)."""

    @abc.abstractmethod
    def can_author(self, user: Any, course_key: Any) -> bool:
        """Whether ``user`` (a Django user) may edit the course in Studio (course staff)."""

    @abc.abstractmethod
    def can_read_course(self, user: Any, course_key: Any) -> bool:
        """Whether ``user`` may see the course in Studio (read access; authors have it too)."""

    @abc.abstractmethod
    def course_outline(self, course_key: Any) -> CourseOutline:
        """The course's sections, subsections and units, and its assignment types; a CCX's are
        its master course's (rules name the master's blocks). Raises CourseNotFoundError."""

    def is_global_staff(self, user: Any) -> bool:
        """Global staff (``GlobalStaff`` in edx-platform is ``user.is_staff``, for active users:
        common/djangoapps/student/roles.py)."""
        return bool(
            user is not None
            and getattr(user, "is_authenticated", False)
            and getattr(user, "is_active", False)
            and getattr(user, "is_staff", False)
        )

    def api_authentication_classes(self) -> list[type]:
        """DRF authentication classes of the plugin's REST API, as the platform's own APIs use
        them: a JWT (edx-drf-extensions' JwtAuthentication) and the LMS session. Without
        edx-drf-extensions (a bare test environment), the session only."""
        try:
            from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
            from edx_rest_framework_extensions.auth.session.authentication import (
                SessionAuthenticationAllowInactiveUser,
            )
        except ImportError:
            from rest_framework.authentication import SessionAuthentication

            return [SessionAuthentication]
        return [*jwt_authentication(JwtAuthentication), SessionAuthenticationAllowInactiveUser]

    @abc.abstractmethod
    def enrolled_learners(self, course_key: Any) -> Iterator[int]:
        """Ids of the learners actively enrolled in the course, in ascending order."""

    @abc.abstractmethod
    def enrolled_courses(self, user_id: int) -> list[str]:
        """Keys of the course runs (and CCXs) the learner is actively enrolled in, oldest
        enrollment first."""

    def master_course_for_ccx(self, ccx_key: Any) -> str:
        """The master course of a CCX course key (a plain course key is returned unchanged)."""
        key = parse_course_key(ccx_key)
        to_master = getattr(key, "to_course_locator", None)
        if callable(to_master) and getattr(key, "ccx", None):
            return str(to_master())
        return str(key)


def usage_key_in_course(usage_key: str, course_key: str) -> str:
    """The key the platform's grades in ``course_key`` use for the block ``usage_key``.

    Inside a CCX, edx-platform keys every block of the master course by its CCX locator
    (``ccx-block-v1:Org+Num+Run+ccx@N+type@...``): the CCX modulestore re-keys the master's
    blocks on the way out (lms/djangoapps/ccx/modulestore.py, ``restore_ccx``) and the grades'
    course structure is rooted at the CCX (lms/djangoapps/grades/course_data.py). A master
    ``block-v1:`` key neither equals nor hashes like that locator, so it is converted here; any
    other key (already a CCX locator, another course's block, not a key) comes back unchanged.
    """
    if not course_key.startswith("ccx-v1:"):
        return usage_key
    return _ccx_usage_key(usage_key, course_key)


@functools.lru_cache(maxsize=4096)
def _ccx_usage_key(usage_key: str, ccx_key: str) -> str:
    from opaque_keys.edx.keys import UsageKey

    try:
        ccx = CourseKey.from_string(ccx_key)
        block = UsageKey.from_string(usage_key)
    except InvalidKeyError:
        return usage_key
    master = getattr(ccx, "to_course_locator", None)
    if getattr(block, "ccx", None) or not callable(master) or not hasattr(block, "block_id"):
        return usage_key
    if block.course_key.for_branch(None).for_version(None) != master():
        return usage_key  # a block of another course run
    # CCXLocator.make_usage_key gives the CCXBlockUsageLocator the platform uses.
    return str(ccx.make_usage_key(block.block_type, block.block_id))


def platform_user(user: Any, full_name: str | None = None) -> PlatformUser:
    """A Django user as a PlatformUser; the full name comes from its profile unless given."""
    if full_name is None:
        profile = getattr(user, "profile", None)
        full_name = getattr(profile, "name", None) or user.get_full_name()
    return PlatformUser(
        id=user.pk,
        username=user.get_username(),
        email=user.email or "",
        full_name=full_name or "",
        is_active=bool(user.is_active),
    )


def users_with_profile() -> Any:
    """Users, with edx-platform's UserProfile (full name) joined in when the model has one."""
    from django.contrib.auth import get_user_model

    model = get_user_model()
    users = model.objects.all()
    if any(f.name == "profile" and f.one_to_one for f in model._meta.get_fields()):
        users = users.select_related("profile")
    return users


class EdxPlatform(PlatformAdapter):
    """The adapter used inside the LMS and Studio. Imports edx-platform lazily, per call."""

    def read_grades(
        self, user_id: int, course_key: Any, *, block_keys: Iterable[str] = ()
    ) -> CourseGradeSnapshot:
        from django.contrib.auth import get_user_model
        from lms.djangoapps.grades.api import CourseGradeFactory

        key = parse_course_key(course_key)
        user = get_user_model().objects.filter(pk=user_id).first()
        if user is None:
            raise UserNotFoundError(f"no user with id {user_id}")
        if not self.course_exists(key):
            raise CourseNotFoundError(f"course {key} does not exist")
        try:
            grade = CourseGradeFactory().read(user, course_key=key)
        except Exception as exc:  # the grades app raises many kinds; callers retry PlatformError
            raise PlatformError(
                f"reading the grade of user {user_id} in {key} failed: {exc}"
            ) from exc
        if grade is None:
            raise PlatformError(f"no grade for user {user_id} in {key}")
        return snapshot_from_course_grade(user_id, key, grade, block_keys=block_keys)

    def course_exists(self, course_key: Any) -> bool:
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

        try:
            key = parse_course_key(course_key)
        except CourseNotFoundError:
            return False
        return bool(CourseOverview.course_exists(key))

    def course_display_name(self, course_key: Any) -> str:
        from openedx.core.djangoapps.content.course_overviews.models import CourseOverview

        key = parse_course_key(course_key)
        try:
            overview = CourseOverview.get_from_id(key)
        except CourseOverview.DoesNotExist:
            raise CourseNotFoundError(f"course {key} does not exist") from None
        return overview.display_name_with_default

    def can_author(self, user: Any, course_key: Any) -> bool:
        from common.djangoapps.student.auth import has_studio_write_access

        if user is None or not getattr(user, "is_authenticated", False):
            return False
        try:
            key = parse_course_key(course_key)
        except CourseNotFoundError:
            return False
        # Asked as Studio would answer it: in the LMS, Limited Staff get write access (a HACK
        # for LMS views, common/djangoapps/student/auth.py, get_user_permissions), in Studio
        # they get none. Releases before service_variant took no such argument.
        if "service_variant" in _parameters(has_studio_write_access):
            return bool(has_studio_write_access(user, key, service_variant="cms"))
        return bool(has_studio_write_access(user, key))

    def can_read_course(self, user: Any, course_key: Any) -> bool:
        from common.djangoapps.student.auth import has_studio_read_access

        if user is None or not getattr(user, "is_authenticated", False):
            return False
        try:
            key = parse_course_key(course_key)
        except CourseNotFoundError:
            return False
        return bool(has_studio_read_access(user, key))

    def course_outline(self, course_key: Any) -> CourseOutline:
        # The collected block structure the grades app reads (lms/djangoapps/grades/api.py,
        # graded_subsections_for_course_id; rest_api/v1/gradebook_views.py reads .graded,
        # .format and .display_name of its subsections), and the grading policy's assignment
        # types (course.raw_grader, as rest_api/v1/views.py CourseGradingPolicy serves them).
        from openedx.core.djangoapps.content.block_structure.api import get_course_in_cache
        from xmodule.modulestore.django import modulestore

        key = parse_course_key(self.master_course_for_ccx(course_key))
        course = modulestore().get_course(key, depth=0)
        if course is None:
            raise CourseNotFoundError(f"course {key} does not exist")
        structure = get_course_in_cache(key)
        blocks: list[OutlineBlock] = []
        for chapter_key in structure.get_children(structure.root_block_usage_key):
            blocks.append(_outline_block(structure, chapter_key, None, False, None))
            for subsection_key in structure.get_children(chapter_key):
                subsection = structure[subsection_key]
                graded = bool(getattr(subsection, "graded", False))
                fmt = (getattr(subsection, "format", None) or None) if graded else None
                blocks.append(_outline_block(structure, subsection_key, chapter_key, graded, fmt))
                for unit_key in structure.get_children(subsection_key):
                    blocks.append(_outline_block(structure, unit_key, subsection_key, graded, fmt))
        types = tuple(
            str(policy.get("type")) for policy in (course.raw_grader or []) if policy.get("type")
        )
        return CourseOutline(str(key), tuple(blocks), types)

    def api_authentication_classes(self) -> list[type]:
        # As the platform's own REST APIs (e.g. lms/djangoapps/grades/rest_api/v1/views.py):
        # JWT, the LMS's OAuth2 bearer tokens (checked in its own database), the session.
        from edx_rest_framework_extensions.auth.jwt.authentication import JwtAuthentication
        from edx_rest_framework_extensions.auth.session.authentication import (
            SessionAuthenticationAllowInactiveUser,
        )
        from openedx.core.lib.api.authentication import BearerAuthenticationAllowInactiveUser

        return [
            *jwt_authentication(JwtAuthentication),
            BearerAuthenticationAllowInactiveUser,
            SessionAuthenticationAllowInactiveUser,
        ]

    def enrolled_learners(self, course_key: Any) -> Iterator[int]:
        from common.djangoapps.student.models import CourseEnrollment

        key = parse_course_key(course_key)
        user_ids = (
            CourseEnrollment.objects.filter(course_id=key, is_active=True)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        yield from user_ids.iterator(chunk_size=2000)

    def enrolled_courses(self, user_id: int) -> list[str]:
        # CourseEnrollment (common/djangoapps/student/models/course_enrollment.py): one row per
        # learner and course run, kept with is_active=False on unenrollment; course_id is the
        # CourseOverview key (a CourseKeyField), so the values are CourseKey objects.
        from common.djangoapps.student.models import CourseEnrollment

        keys = (
            CourseEnrollment.objects.filter(user_id=user_id, is_active=True)
            .order_by("created")
            .values_list("course_id", flat=True)
        )
        return [str(key) for key in keys]


def jwt_authentication(jwt_class: type) -> list[type]:
    """``[jwt_class]`` when the site publishes the public keys its JWTs are signed with, else
    nothing: edx-drf-extensions (10.9) first tries the asymmetric keys, and with none configured
    it accepts a token signed with any key at all. The LMS sets JWT_PUBLIC_SIGNING_JWK_SET."""
    import logging

    from django.conf import settings

    if (getattr(settings, "JWT_AUTH", None) or {}).get("JWT_PUBLIC_SIGNING_JWK_SET"):
        return [jwt_class]
    logging.getLogger(__name__).warning(
        "microcreds: JWT_AUTH has no JWT_PUBLIC_SIGNING_JWK_SET: the REST API takes no JWTs"
    )
    return []


def _parameters(function: Any) -> set[str]:
    import inspect

    try:
        return set(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return set()


def _outline_block(
    structure: Any, usage_key: Any, parent: Any, graded: bool, fmt: str | None
) -> OutlineBlock:
    block = structure[usage_key]
    return OutlineBlock(
        usage_key=str(usage_key),
        block_type=str(getattr(usage_key, "block_type", "")),
        display_name=str(getattr(block, "display_name", None) or usage_key.block_id),
        graded=graded,
        assignment_type=fmt,
        parent=str(parent) if parent is not None else None,
    )


def snapshot_from_course_grade(
    user_id: int, course_key: Any, grade: Any, *, block_keys: Iterable[str] = ()
) -> CourseGradeSnapshot:
    """Translate an edx-platform ``CourseGrade`` into a :class:`CourseGradeSnapshot`.

    Works with both shapes of ``graded_subsections_by_format``: a method (current releases) and
    a lazy attribute (older ones).
    """
    blocks: dict[str, tuple[float, float]] = {}
    for usage_key, subsection in (getattr(grade, "subsection_grades", None) or {}).items():
        total = getattr(subsection, "graded_total", None)
        if total is not None:
            blocks[str(usage_key)] = (float(total.earned), float(total.possible))

    wanted = [key for key in block_keys if str(key) not in blocks]
    if wanted:
        from opaque_keys.edx.keys import UsageKey

        for key in wanted:
            usage_key = key if isinstance(key, UsageKey) else UsageKey.from_string(str(key))
            earned, possible = grade.score_for_block(usage_key)
            blocks[str(key)] = (float(earned), float(possible))

    by_format = grade.graded_subsections_by_format
    if callable(by_format):
        by_format = by_format()
    averages = _assignment_averages(grade, by_format)

    return CourseGradeSnapshot(
        user_id=user_id,
        course_key=str(course_key),
        percent=float(grade.percent or 0.0),
        passed=bool(grade.passed),
        letter_grade=grade.letter_grade or None,
        blocks=blocks,
        assignment_averages=averages,
    )


def _assignment_averages(grade: Any, by_format: Mapping[str, Any]) -> dict[str, float]:
    """Per assignment type: the course grader's own average when we can get at it, else the
    plain mean of the graded subsections of that type."""
    averages: dict[str, float] = {}
    graders: Mapping[str, Any] = {}
    get_graders = getattr(type(grade), "get_subsection_type_graders", None)
    course = getattr(getattr(grade, "course_data", None), "course", None)
    if callable(get_graders) and course is not None:
        try:
            graders = get_graders(course)
        except Exception:  # noqa: BLE001 - fall back to the plain mean below
            graders = {}
    for fmt, grader in graders.items():
        try:
            averages[str(fmt)] = float(grader.grade(by_format)["percent"])
        except Exception:  # noqa: BLE001,S112 - fall back to the plain mean below
            continue
    for fmt, subsections in by_format.items():
        if str(fmt) in averages:
            continue
        ratios = [
            s.graded_total.earned / s.graded_total.possible
            for s in subsections.values()
            if s.graded_total.possible
        ]
        averages[str(fmt)] = sum(ratios) / len(ratios) if ratios else 0.0
    return averages


def get_platform() -> PlatformAdapter:
    """The adapter named by MICROCREDS_PLATFORM_BACKEND (one instance per class path)."""
    from .settings import get_setting

    return _load_platform(get_setting("MICROCREDS_PLATFORM_BACKEND"))


@functools.lru_cache(maxsize=4)
def _load_platform(dotted_path: str) -> PlatformAdapter:
    from django.utils.module_loading import import_string

    adapter_class = import_string(dotted_path)
    adapter = adapter_class()
    if not isinstance(adapter, PlatformAdapter):
        raise TypeError(f"{dotted_path} is not a PlatformAdapter")
    return adapter
