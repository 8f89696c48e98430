"""Who may call what, asked of the platform adapter: Studio write access to the course for
authoring (as Studio itself answers it), Studio read access for reading a course's credentials,
global staff for reports across courses; the learner endpoints show the caller's own data."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from ...platform import get_platform


class Authenticated(IsAuthenticated):
    """Any signed-in user (the learner endpoints then show their own data only)."""


class CourseReadOrAuthor(BasePermission):
    """Reading (GET, HEAD, OPTIONS): Studio read access to the URL's course; anything else:
    Studio write access."""

    message = "You may not see or change the credentials of this course."

    def has_permission(self, request: Any, view: Any) -> bool:
        user, course_id = request.user, view.kwargs.get("course_id", "")
        if not getattr(user, "is_authenticated", False):
            return False
        platform = get_platform()
        if request.method in SAFE_METHODS:
            return platform.can_read_course(user, course_id)
        return platform.can_author(user, course_id)


class CourseAuthor(CourseReadOrAuthor):
    """Studio write access to the URL's course, whatever the method (the authoring tools:
    validation, the rule builder's context, dry runs)."""

    message = "You may not author the credentials of this course."

    def has_permission(self, request: Any, view: Any) -> bool:
        user, course_id = request.user, view.kwargs.get("course_id", "")
        return bool(getattr(user, "is_authenticated", False)) and get_platform().can_author(
            user, course_id
        )


class GlobalStaff(BasePermission):
    message = "Reports across courses are for global staff."

    def has_permission(self, request: Any, view: Any) -> bool:
        return get_platform().is_global_staff(request.user)
