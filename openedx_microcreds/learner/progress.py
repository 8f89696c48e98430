"""What a learner can still earn in the courses they are enrolled in, and how far they are: the
rule engine evaluated on their grades as they are now, nothing recorded, nothing issued."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ..awarding import (
    definitions_for_course,
    definitions_requiring,
    explain,
    held_slugs,
    parsed_rule,
)
from ..models import CredentialDefinition
from ..platform import PlatformUser, get_platform
from .names import DisplayNames
from .requirements import Checklist, checklist

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Progress:
    definition: CredentialDefinition
    course_key: str | None  # the enrolled course it was found through
    checklist: Checklist | None  # None when the grades could not be read
    problem: str = ""
    course_name: str = ""  # the definition's course, by its title (empty for a pathway)

    @property
    def ready(self) -> bool:
        """Every requirement is met: the credential is on its way (issued at the next grade
        event, or by the pending work)."""
        return self.checklist is not None and self.checklist.passed


def definitions_in(course_key: str) -> list[tuple[CredentialDefinition, str | None]]:
    """The active definitions a course counts for, with the CCX they are read in: a CCX counts
    for its master course's definitions too (as awarding does), and pathways that stack on
    the course's credentials count too, however deep."""
    platform = get_platform()
    master = platform.master_course_for_ccx(course_key)
    ccx = course_key if master != course_key else None
    found = definitions_for_course(master)
    if ccx:
        found += definitions_for_course(ccx)
    by_pk = {definition.pk: definition for definition in found}
    to_visit = [definition.slug for definition in found]
    while to_visit:
        for stacked in definitions_requiring(to_visit.pop()):
            if stacked.pk not in by_pk:
                by_pk[stacked.pk] = stacked
                to_visit.append(stacked.slug)
    return [(definition, ccx) for definition in by_pk.values()]


def earnable(
    learner: PlatformUser, course_keys: list[str], names: DisplayNames | None = None
) -> list[Progress]:
    """Progress towards each active credential of ``course_keys`` the learner does not hold."""
    names = names or DisplayNames()
    platform = get_platform()
    held = held_slugs(learner.id)
    seen: set[int] = set()
    found: list[Progress] = []
    for course_key in course_keys:
        for definition, ccx in definitions_in(course_key):
            if definition.pk in seen or definition.slug in held:
                continue
            seen.add(definition.pk)
            title = names.course(definition.course_key) if definition.course_key else ""
            try:
                explanation, _details = explain(definition, learner, platform, held, ccx_key=ccx)
                items = checklist(
                    parsed_rule(definition),
                    explanation.to_dict(),
                    definition.course_key,
                    names,
                )
            except Exception:  # noqa: BLE001 - one unreadable course must not hide the others
                log.exception(
                    "microcreds: progress of user %s towards %s", learner.id, definition.slug
                )
                found.append(Progress(definition, course_key, None, "unreadable", title))
                continue
            found.append(Progress(definition, course_key, items, "", title))
    return found
