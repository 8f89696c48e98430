"""
The fake platform, shared between processes through a JSON file.

:class:`~openedx_microcreds.platform.FakePlatform` keeps courses and grades in memory, so a
Celery worker or an event bus consumer started by a test would see none of what the test
seeded. The test seeds FakePlatform as usual and calls :func:`save_state`; the processes it
starts use :class:`SharedFakePlatform`, which loads that file (again whenever it changes) before
answering. Users are rows of the shared database either way.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any

from openedx_microcreds.platform import CourseGradeSnapshot, FakePlatform, _FakeCourse

STATE_ENV = "MICROCREDS_IT_PLATFORM_STATE"


def save_state(path: str | os.PathLike[str]) -> Path:
    """Write FakePlatform's courses, grades and full names to ``path`` (atomically)."""
    path = Path(path)
    with FakePlatform._lock:
        state = {
            "courses": [
                {
                    "key": course.key,
                    "name": course.name,
                    "assignment_types": list(course.assignment_types),
                    "passing_grade": course.passing_grade,
                    "staff": sorted(course.staff),
                    "enrolled": sorted(course.enrolled),
                }
                for course in FakePlatform._courses.values()
            ],
            "grades": [snapshot.to_dict() for snapshot in FakePlatform._grades.values()],
            "full_names": {
                str(user_id): name for user_id, name in FakePlatform._full_names.items()
            },
        }
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text(json.dumps(state), encoding="utf-8")
    os.replace(partial, path)  # readers see the old file or the new one, never half of one
    return path


def _load(state: dict[str, Any]) -> None:
    courses = {
        course["key"]: _FakeCourse(
            course["key"],
            course["name"],
            tuple(course["assignment_types"]),
            float(course["passing_grade"]),
            set(course["staff"]),
            set(course["enrolled"]),
        )
        for course in state["courses"]
    }
    grades = {}
    for data in state["grades"]:
        snapshot = CourseGradeSnapshot(
            user_id=int(data["user_id"]),
            course_key=data["course_key"],
            percent=float(data["percent"]),
            passed=bool(data["passed"]),
            letter_grade=data["letter_grade"],
            blocks={key: tuple(score) for key, score in data["blocks"].items()},
            assignment_averages=data["assignment_averages"],
        )
        grades[(snapshot.user_id, snapshot.course_key)] = snapshot
    with FakePlatform._lock:
        FakePlatform._courses.clear()
        FakePlatform._courses.update(courses)
        FakePlatform._grades.clear()
        FakePlatform._grades.update(grades)
        FakePlatform._full_names.clear()
        FakePlatform._full_names.update(
            {int(user_id): name for user_id, name in state["full_names"].items()}
        )


class SharedFakePlatform(FakePlatform):
    """FakePlatform that first loads the state file named by ``MICROCREDS_IT_PLATFORM_STATE``."""

    _sync_lock = threading.Lock()
    _seen: tuple[int, int] | None = None

    @classmethod
    def _sync(cls) -> None:
        path = os.environ.get(STATE_ENV)
        if not path:
            raise RuntimeError(f"{STATE_ENV} names no platform state file")
        with cls._sync_lock:
            stat = os.stat(path)
            seen = (stat.st_mtime_ns, stat.st_ino)
            if seen != cls._seen:
                _load(json.loads(Path(path).read_text(encoding="utf-8")))
                cls._seen = seen

    def get_user(self, user_id):
        self._sync()
        return super().get_user(user_id)

    def get_user_by_username(self, username):
        self._sync()
        return super().get_user_by_username(username)

    def read_grades(self, user_id, course_key, *, block_keys=()):
        self._sync()
        return super().read_grades(user_id, course_key, block_keys=block_keys)

    def course_exists(self, course_key):
        self._sync()
        return super().course_exists(course_key)

    def course_display_name(self, course_key):
        self._sync()
        return super().course_display_name(course_key)

    def can_author(self, user, course_key):
        self._sync()
        return super().can_author(user, course_key)

    def enrolled_learners(self, course_key):
        self._sync()
        return super().enrolled_learners(course_key)
