"""Which definitions a trigger concerns, and their parsed rules: read on every event, so
cached per process where the cache provably follows the data (a saved definition's version goes
up whenever its rule or course changes)."""

from __future__ import annotations

from django.db.models import Q

from . import rules
from .models import CredentialDefinition

_parsed: dict[tuple[int, int], rules.Rule] = {}


def parsed_rule(definition: CredentialDefinition) -> rules.Rule:
    """The definition's rule, parsed once per process and rule text (definitions rarely change,
    and every evaluation and pathway scan needs them)."""
    if definition.pk is None:  # unsaved: nothing stable to cache on
        return rules.parse_rule(definition.rule, require_explicit_course=definition.is_pathway)
    # A saved definition's version goes up whenever its rule or course changes.
    key = (definition.pk, definition.version)
    rule = _parsed.get(key)
    if rule is None:
        rule = rules.parse_rule(definition.rule, require_explicit_course=definition.is_pathway)
        if len(_parsed) > 1024:
            _parsed.clear()
        _parsed[key] = rule
    return rule


def definitions_for_course(course_key: str) -> list[CredentialDefinition]:
    """Active definitions of the course, and active pathways whose rules read its grades."""
    candidates = CredentialDefinition.objects.filter(
        Q(course_key=course_key) | Q(course_key__isnull=True),
        state=CredentialDefinition.State.ACTIVE,
    ).select_related("issuer")
    found = []
    for definition in candidates:
        if definition.course_key:
            found.append(definition)
            continue
        pathway = definition
        try:
            if course_key in rules.referenced_courses(parsed_rule(pathway), None):
                found.append(pathway)
        except rules.RuleValidationError:
            found.append(pathway)  # evaluated, so the broken rule is recorded as a failure
    return found


def definitions_requiring(slug: str) -> list[CredentialDefinition]:
    """Active definitions that stack on ``slug`` (re-evaluated when it is awarded).

    Every award asks this, so the answer comes from an index over the active definitions'
    rules, rebuilt only when their set or versions change (one small query to know that).
    """
    active = CredentialDefinition.objects.filter(state=CredentialDefinition.State.ACTIVE)
    fingerprint = tuple(active.order_by("pk").values_list("pk", "version"))
    index = _stacking_index.get(fingerprint)
    if index is None:
        index = {}
        for definition in active.select_related("issuer"):
            try:
                required = rules.required_credentials(parsed_rule(definition))
            except rules.RuleValidationError:
                continue
            for needed in required:
                index.setdefault(needed, []).append(definition.pk)
        _stacking_index.clear()
        _stacking_index[fingerprint] = index
    pks = [pk for pk in index.get(slug, []) if pk]
    if not pks:
        return []
    return list(active.filter(pk__in=pks).exclude(slug=slug).select_related("issuer"))


# fingerprint of the active definitions -> {required slug: [definition pks]}
_stacking_index: dict[tuple, dict[str, list[int]]] = {}
