"""The plugin's Python API: the one door to credential definitions, evaluations, awards, learners'
progress and reports. The admin, the management commands, the REST API and the pages go
through it; so can a Django shell or another app::

    from openedx_microcreds import api

    definition, warnings = api.create_definition(
        {"name": "Data Analyst", "course_key": "course-v1:DemoX+Data101+2026",
         "rule": {"type": "course_grade", "min": 0.8}}
    )
    definition, _ = api.update_definition(
        definition.slug, {"description": "..."}, expected_tag=definition.edit_tag
    )
    api.activate_definition(definition.slug, expected_tag=definition.edit_tag)
    result = api.dry_run("course-v1:DemoX+Data101+2026", definition=definition.slug)

Errors are :mod:`openedx_microcreds.problems` exceptions: ``InvalidInput`` (every problem with
its path, code and message; nothing changed), ``NotFound``, ``Conflict``, ``StaleEdit`` (the
definition changed since the edit's ``expected_tag``), ``EditTagRequired``.
"""

from __future__ import annotations

import uuid as uuid_module
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from . import authoring, dryrun, reports, revocation
from .definitions import definitions_for_course
from .models import Award, CredentialDefinition, DryRunJob, DryRunResult
from .platform import CourseOutline, PlatformAdapter, PlatformUser, get_platform
from .problems import (
    ApiError,
    Conflict,
    EditTagRequired,
    InvalidInput,
    NotFound,
    Problem,
    StaleEdit,
    errors_only,
)
from .settings import get_setting

__all__ = [
    "ApiError",
    "Conflict",
    "EditTagRequired",
    "InvalidInput",
    "NotFound",
    "Problem",
    "StaleEdit",
    "activate_definition",
    "archive_definition",
    "awards_of",
    "awards_report",
    "course_context",
    "create_definition",
    "dry_run",
    "dry_run_results",
    "duplicate_definition",
    "errors_only",
    "evaluate_course",
    "get_award",
    "get_definition",
    "get_dry_run",
    "learner_awards",
    "learner_progress",
    "list_definitions",
    "reinstate_award",
    "revoke_award",
    "rule_schema",
    "start_dry_run",
    "update_definition",
    "validate_definition",
    "validate_rule",
]

Definition = CredentialDefinition | str  # a definition, or its slug (or uuid)


def _existing_course(course_key: str) -> PlatformAdapter:
    """The platform, once it has said the course exists (NotFound otherwise)."""
    platform = get_platform()
    if not platform.course_exists(course_key):
        raise NotFound(f"no course {course_key}")
    return platform


def _definition(value: Definition, course_key: str | None = None) -> CredentialDefinition:
    if isinstance(value, CredentialDefinition):
        if course_key is not None and value.course_key != course_key:
            raise NotFound(f"no credential definition {value.slug!r} in {course_key}")
        return value
    return authoring.find(str(value), course_key=course_key)


# --- definitions ----------------------------------------------------------------------------


def list_definitions(
    course_key: str | None = None, *, states: Iterable[str] | None = None
) -> QuerySet[CredentialDefinition]:
    """Definitions of ``course_key`` (all of them when None), by name; ``states`` limits them."""
    query = CredentialDefinition.objects.select_related("issuer").order_by("name", "pk")
    if course_key is not None:
        query = query.filter(course_key=course_key)
    if states is not None:
        query = query.filter(state__in=list(states))
    return query


def get_definition(identifier: str, *, course_key: str | None = None) -> CredentialDefinition:
    """A definition by slug or uuid (within ``course_key`` when given). NotFound otherwise."""
    return authoring.find(identifier, course_key=course_key)


def create_definition(data: Mapping[str, Any]) -> tuple[CredentialDefinition, list[Problem]]:
    """Create a definition from its editable fields (see ``definition_fields``): a draft
    unless ``state`` says "active". ``issuer`` by id or name may be left out on a site with one
    issuer, ``slug`` is made from the name when left out. Returns it and any warnings."""
    return authoring.create(data)


def update_definition(
    definition: Definition,
    changes: Mapping[str, Any],
    *,
    expected_tag: str | None,
    course_key: str | None = None,
) -> tuple[CredentialDefinition, list[Problem]]:
    """Change editable fields, if the definition is still in the state ``expected_tag`` names
    (``definition.edit_tag`` as it was read: StaleEdit otherwise). All or nothing."""
    return authoring.update(_definition(definition, course_key), changes, expected_tag=expected_tag)


def validate_definition(data: Mapping[str, Any], *, slug: str | None = None) -> list[Problem]:
    """Every problem ``data`` would have as a definition (or as changes to the definition
    ``slug``), without saving anything."""
    try:
        if slug:
            definition = authoring.find(slug)
            authoring.check_keys(data, authoring.EDITABLE)
            authoring.apply_fields(definition, data)
        else:
            definition = authoring.new_definition(data)
    except InvalidInput as exc:
        return exc.problems
    return authoring.definition_problems(definition)


def validate_rule(rule: Any, *, course_key: str | None, slug: str | None = None) -> list[Problem]:
    """Every problem of ``rule`` for a definition of ``course_key`` (None: a pathway), with
    paths inside the rule: the rule engine's, then the course's (blocks, assignment types,
    credentials that exist, stacking without cycles back to ``slug``)."""
    return authoring.rule_problems(rule, course_key=course_key, slug=slug)


def rule_schema(*, pathway: bool = False) -> dict[str, Any]:
    """The JSON Schema of rule documents (of a pathway's, with ``pathway``)."""
    from .rules import rule_schema as schema

    return schema(pathway=pathway)


def activate_definition(
    definition: Definition, *, expected_tag: str | None, course_key: str | None = None
) -> tuple[CredentialDefinition, list[Problem]]:
    """Start awarding: checked first (a valid rule, the course's checks, an issuer with an
    active signing key). Learners who already meet the rule get it at their next grade
    event, or through ``microcreds_backfill``."""
    return authoring.change_state(
        _definition(definition, course_key),
        CredentialDefinition.State.ACTIVE,
        expected_tag=expected_tag,
    )


def archive_definition(
    definition: Definition, *, expected_tag: str | None, course_key: str | None = None
) -> CredentialDefinition:
    """Stop awarding. Credentials already issued stay valid (revoke them to withdraw them)."""
    return authoring.change_state(
        _definition(definition, course_key),
        CredentialDefinition.State.ARCHIVED,
        expected_tag=expected_tag,
    )[0]


def duplicate_definition(
    definition: Definition,
    *,
    course_key: str | None = None,
    slug: str | None = None,
    name: str | None = None,
) -> tuple[CredentialDefinition, list[Problem]]:
    """A draft copy; into another course run (``course_key``) with the rule's block and course
    keys moved to that run."""
    return authoring.duplicate(_definition(definition), course_key=course_key, slug=slug, name=name)


# --- the course, for rule builders ----------------------------------------------------------


@dataclass(frozen=True)
class CourseContext:
    course_key: str
    display_name: str
    outline: CourseOutline
    credentials: list[CredentialDefinition]  # what a rule may stack on (not archived)


def course_context(course_key: str) -> CourseContext:
    """What a rule builder needs for its pickers: the course's sections, subsections and units
    (graded or not, with their assignment type), its assignment types, and the credentials
    a rule may require (any course's, not archived)."""
    platform = _existing_course(course_key)
    credentials = list(
        CredentialDefinition.objects.exclude(state=CredentialDefinition.State.ARCHIVED)
        .only("slug", "name", "course_key", "state")
        .order_by("name", "pk")
    )
    return CourseContext(
        course_key,
        platform.course_display_name(course_key),
        platform.course_outline(course_key),
        credentials,
    )


# --- evaluating -----------------------------------------------------------------------------


def _course_definitions(
    course_key: str, definition: Definition | None, *, dry_run: bool
) -> list[CredentialDefinition]:
    from .triggers import master_of_ccx

    master = master_of_ccx(course_key)
    found = definitions_for_course(master or course_key)
    if master:
        found += [d for d in definitions_for_course(course_key) if d not in found]
    if definition is None:
        if not found:
            raise NotFound(f"course {course_key} has no active credential definitions")
        return found
    chosen = _definition(definition)
    if chosen.course_key and chosen.course_key not in (course_key, master):
        raise Conflict(f"{chosen.slug} belongs to course {chosen.course_key}, not {course_key}")
    if chosen.state != CredentialDefinition.State.ACTIVE and not dry_run:
        raise Conflict(f"{chosen.slug} is {chosen.state}: it can only be tried out, in a dry run")
    return [chosen]


def _learners(course_key: str, usernames: Iterable[str] | None) -> list[int]:
    platform = _existing_course(course_key)
    enrolled = list(platform.enrolled_learners(course_key))
    if usernames is None:
        return enrolled
    chosen = []
    for username in usernames:
        learner = platform.get_user_by_username(username)
        if learner is None:
            raise NotFound(f"no user named {username!r}")
        if learner.id not in enrolled:
            raise Conflict(f"{username} is not enrolled in {course_key}")
        chosen.append(learner.id)
    return chosen


@dataclass(frozen=True)
class EvaluationResult:
    learners: int
    rows: list[dryrun.Row]
    counts: dict[str, int]


def evaluate_course(
    course_key: str,
    *,
    definition: Definition | None = None,
    usernames: Iterable[str] | None = None,
    on_batch: Any = None,
) -> EvaluationResult:
    """Evaluate the course's active definitions (or one) for its enrolled learners (or
    some) and award those who meet them, as an event would."""
    definitions = _course_definitions(course_key, definition, dry_run=False)
    user_ids = _learners(course_key, usernames)
    rows = list(
        dryrun.evaluate(course_key, definitions, user_ids, dry_run=False, on_batch=on_batch)
    )
    return EvaluationResult(len(user_ids), rows, _tally(rows))


def dry_run(
    course_key: str,
    *,
    definition: Definition | None = None,
    usernames: Iterable[str] | None = None,
    on_batch: Any = None,
) -> EvaluationResult:
    """Who would get what and why, for the course's active definitions, or one definition
    (draft and archived ones too); nothing is written."""
    definitions = _course_definitions(course_key, definition, dry_run=True)
    user_ids = _learners(course_key, usernames)
    rows = list(dryrun.evaluate(course_key, definitions, user_ids, dry_run=True, on_batch=on_batch))
    return EvaluationResult(len(user_ids), rows, _tally(rows))


def _tally(rows: list[dryrun.Row]) -> dict[str, int]:
    from collections import Counter

    return dryrun.counts(Counter(row.outcome for row in rows))


def start_dry_run(
    course_key: str,
    *,
    definition: Definition | None = None,
    rule: Any = None,
    requested_by: Any = None,
) -> DryRunJob:
    """A dry run of one definition, saved or a draft of its ``rule``, over every learner of the
    course, stored as a job: run here when the course is small (at most
    MICROCREDS_API_DRY_RUN_SYNC_LEARNERS learners), else queued for a worker; poll it with
    :func:`get_dry_run`, read its rows with :func:`dry_run_results`."""
    platform = _existing_course(course_key)
    if (definition is None) == (rule is None):
        raise InvalidInput(
            [Problem("$", "required", "give a definition (its slug) or a rule, not both")]
        )
    job = DryRunJob(course_key=course_key, requested_by=_user_or_none(requested_by))
    if definition is not None:
        chosen = _definition(definition, course_key)
        job.definition = chosen
    else:
        problems = errors_only(validate_rule(rule, course_key=course_key))
        if problems:
            raise InvalidInput(
                [Problem("$.rule" + p.path[1:], p.code, p.message) for p in problems]
            )
        job.rule = rule
        job.draft = {"rule": rule, "course_key": course_key}
    _purge_old_dry_runs()
    learners = sum(1 for _ in platform.enrolled_learners(course_key))
    job.total = learners
    job.save()
    if learners <= get_setting("MICROCREDS_API_DRY_RUN_SYNC_LEARNERS"):
        return dryrun.run_job(job.pk, platform=platform)
    from .tasks import queue_dry_run

    transaction.on_commit(lambda: queue_dry_run(job.pk))
    return job


def _user_or_none(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


def _purge_old_dry_runs() -> None:
    from datetime import timedelta

    from django.utils import timezone

    days = get_setting("MICROCREDS_API_DRY_RUN_KEEP_DAYS")
    DryRunJob.objects.filter(created__lt=timezone.now() - timedelta(days=days)).delete()


def get_dry_run(job_id: str, *, course_key: str | None = None) -> DryRunJob:
    """A dry-run job by its uuid: its state, progress and counts."""
    try:
        parsed = uuid_module.UUID(str(job_id))
    except ValueError:
        raise NotFound(f"no dry run {job_id!r}") from None
    query = DryRunJob.objects.select_related("definition").filter(uuid=parsed)
    if course_key is not None:
        query = query.filter(course_key=course_key)
    job = query.first()
    if job is None:
        raise NotFound(f"no dry run {job_id!r}")
    return job


def dry_run_results(job: DryRunJob, *, outcome: str | None = None) -> QuerySet[DryRunResult]:
    """A job's rows in learner order; ``outcome`` ("would_award", "not_met", "already_held",
    "failed") limits them."""
    query = DryRunResult.objects.filter(job=job).order_by("pk")
    if outcome:
        query = query.filter(outcome=outcome)
    return query


# --- awards ---------------------------------------------------------------------------------


def awards_of(
    definition: Definition,
    *,
    state: str | None = None,
    search: str | None = None,
    course_key: str | None = None,
) -> QuerySet[Award]:
    """The awards of a definition, newest first; ``state`` (active, revoked, expired,
    superseded) and ``search`` (a username, e-mail address, award or credential id) narrow
    them."""
    chosen = _definition(definition, course_key)
    query = Award.objects.filter(definition=chosen).select_related(
        "user", "definition", "revoked_by"
    )
    if state:
        if state not in Award.State.values:
            raise InvalidInput(
                [
                    Problem(
                        "$.state",
                        "invalid_choice",
                        f"must be one of {', '.join(Award.State.values)}",
                    )
                ]
            )
        query = query.filter(state=state)
    if search:
        text = search.strip()
        match = Q(user__username__iexact=text) | Q(user__email__iexact=text) | Q(credential_id=text)
        try:
            match |= Q(uuid=uuid_module.UUID(text.removeprefix("urn:uuid:")))
        except ValueError:
            match |= Q(user__username__istartswith=text)
        query = query.filter(match)
    return query.order_by("-issued_at", "-pk")


def get_award(
    identifier: str, *, definition: Definition | None = None, course_key: str | None = None
) -> Award:
    """An award by its uuid or credential id, of ``definition`` when given."""
    try:
        award = revocation.find_award(identifier)
    except revocation.RevocationError:
        raise NotFound(f"no award {identifier!r}") from None
    if definition is not None and award.definition_id != _definition(definition, course_key).pk:
        raise NotFound(f"no award {identifier!r} of this credential")
    return award


def revoke_award(award: Award | str, *, reason: str, by: Any = None) -> revocation.RevocationResult:
    """Revoke: set its status bit, record who and why, tell the learner, send BADGE_REVOKED.
    Revoking a revoked award says so and changes nothing."""
    award = award if isinstance(award, Award) else get_award(award)
    try:
        return revocation.revoke(award, reason=reason, by=by)
    except revocation.RevocationError as exc:
        raise _revocation_error(exc, "$.reason" if not (reason or "").strip() else "$") from None


def reinstate_award(
    award: Award | str, *, reason: str, by: Any = None
) -> revocation.RevocationResult:
    """Undo a revocation made in error: the same credential, as it was issued (under the
    definition's version of then, whatever the definition says now), is valid again; its
    status bit is cleared, who and why recorded, the learner told, BADGE_AWARDED sent, and
    credentials stacked on it evaluated again. Refused (Conflict) when the learner holds a
    newer award of it, it expired, or its signing key was retired."""
    award = award if isinstance(award, Award) else get_award(award)
    try:
        return revocation.reinstate(award, reason=reason, by=by)
    except revocation.RevocationError as exc:
        raise _revocation_error(exc, "$.reason" if not (reason or "").strip() else "$") from None


def _revocation_error(exc: Exception, path: str) -> ApiError:
    if path == "$.reason":
        return InvalidInput([Problem(path, "required", str(exc))], message=str(exc))
    return Conflict(str(exc), code="cannot_change")


# --- learners -------------------------------------------------------------------------------


def learner_awards(user_id: int, *, award_pk: int | None = None) -> list[Any]:
    """The learner's credentials as their page shows them (active, expired, revoked with the
    reason), newest first: ``learner.credentials.HeldCredential`` items. ``award_pk``: only that
    award, if it is still the learner's current one of its credential."""
    from .learner import credentials

    return credentials.held(user_id, award_pk=award_pk)


def learner_progress(user_id: int, course_key: str | None = None) -> list[Any]:
    """The learner's progress towards what they can still earn in a course they are enrolled
    in (and the pathways stacked on it), as their course page shows it, or in every course
    they are enrolled in when ``course_key`` is None: ``learner.progress.Progress`` items.
    NotFound when they are not enrolled in ``course_key``, or unknown to the platform."""
    from .learner import progress
    from .learner.names import DisplayNames

    platform = get_platform()
    learner: PlatformUser | None = platform.get_user(user_id)
    if learner is None:
        raise NotFound(f"no user {user_id}")
    enrolled = platform.enrolled_courses(user_id)
    if course_key is not None and course_key not in enrolled:
        raise NotFound(f"not enrolled in {course_key}")
    return progress.earnable(
        learner, enrolled if course_key is None else [course_key], DisplayNames()
    )


# --- reports --------------------------------------------------------------------------------


def awards_report(
    *,
    course_key: str | None = None,
    definition: Definition | None = None,
    period: str = "month",
    since: date | None = None,
    until: date | None = None,
) -> list[reports.ReportRow]:
    """Awards issued and revoked per definition and period (day, week, month), of one course,
    one definition, or all (cross-course)."""
    awards = Award.objects.all()
    if definition is not None:
        awards = awards.filter(definition=_definition(definition, course_key))
    elif course_key is not None:
        awards = awards.filter(definition__course_key=course_key)
    return reports.awards_over_time(awards, period=period, since=since, until=until)


def awards_report_csv(rows: list[reports.ReportRow]) -> str:
    return reports.as_csv(rows)
