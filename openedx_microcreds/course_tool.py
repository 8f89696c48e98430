"""The course tool: a "Credentials" link in the course home's tools, on any Open edX release,
without a frontend build.

edx-platform loads every ``openedx.course_tool`` entry point with
``CourseToolsPluginManager`` (openedx/features/course_experience/course_tools.py) and follows
the contract of its ``CourseTool`` class without requiring the class itself: class methods
``analytics_id()``, ``is_enabled(request, course_key)``, ``title(course_key)``,
``icon_classes(course_key)`` and ``url(course_key)``. The manager sorts the tools by calling
``title()`` with no argument, and the course home API's ``CourseToolSerializer``
(lms/djangoapps/course_home_api/outline/serializers.py) reads ``analytics_id`` and ``title`` as
attributes, which DRF calls with no argument, then ``url(course_key)`` and makes it absolute. So
``course_key`` is optional here. Nothing of edx-platform is imported: the platform adapter
answers the one question asked (is this learner enrolled).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _


class CredentialsCourseTool:
    @classmethod
    def analytics_id(cls) -> str:
        return "openedx_microcreds.credentials"

    @classmethod
    def is_enabled(cls, request: Any, course_key: Any) -> bool:
        """For signed-in learners, in courses that award at least one credential."""
        from .learner.progress import definitions_in

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        try:
            return bool(definitions_in(str(course_key)))
        except Exception:  # noqa: BLE001 - never break the course home over a tool link
            return False

    @classmethod
    def title(cls, course_key: Any = None) -> str:
        return _("Credentials")

    @classmethod
    def icon_classes(cls, course_key: Any = None) -> str:
        return "fa fa-certificate"

    @classmethod
    def url(cls, course_key: Any) -> str:
        return reverse("openedx_microcreds:learner_course", args=[str(course_key)])
