"""Names for people instead of keys and slugs: course titles from the platform, credential names
from their definitions. One lookup per name per instance (make one per page or message)."""

from __future__ import annotations

from ..models import CredentialDefinition
from ..platform import PlatformError, get_platform


class DisplayNames:
    def __init__(self) -> None:
        self._courses: dict[str, str] = {}
        self._credentials: dict[str, str] = {}

    def course(self, course_key: str | None) -> str:
        """The course's title; its key when the platform does not know it."""
        if not course_key:
            return ""
        if course_key not in self._courses:
            try:
                self._courses[course_key] = get_platform().course_display_name(course_key)
            except PlatformError:
                self._courses[course_key] = course_key
        return self._courses[course_key]

    def credential(self, slug: str) -> str:
        """The name of the credential definition ``slug``; the slug if there is none."""
        if slug not in self._credentials:
            name = (
                CredentialDefinition.objects.filter(slug=slug)
                .values_list("name", flat=True)
                .first()
            )
            self._credentials[slug] = name or slug
        return self._credentials[slug]

    def credentials(self, slugs: list[str]) -> dict[str, str]:
        """Many at once, in one query."""
        missing = [slug for slug in slugs if slug not in self._credentials]
        if missing:
            found = dict(
                CredentialDefinition.objects.filter(slug__in=missing).values_list("slug", "name")
            )
            for slug in missing:
                self._credentials[slug] = found.get(slug) or slug
        return {slug: self._credentials[slug] for slug in slugs}
