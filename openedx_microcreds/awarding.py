"""Decide who gets which credential: evaluate rules against the platform's grades, record every
decision with its explanation, and issue when a rule is met.

Each definition is evaluated in isolation: a failure (a grade lookup, a missing key, a broken
rule) is recorded as a failed, retryable Evaluation and the others still run. Nothing is lost:
an event for a user we cannot find is recorded too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from . import followups, pending, rules
from .definitions import definitions_for_course, definitions_requiring, parsed_rule
from .models import Award, CredentialDefinition, Evaluation
from .platform import (
    CourseGradeSnapshot,
    PlatformAdapter,
    PlatformUser,
    get_platform,
    usage_key_in_course,
)
from .rules.keys import resolve_block_course
from .rules.model import BlockScore, CompetencyClause, WeightedAverage
from .triggers import Trigger

log = logging.getLogger(__name__)
Outcome = Evaluation.Outcome


def blocks_by_course(rule: rules.Rule, default_course: str | None) -> dict[str, set[str]]:
    """Usage keys whose scores the rule reads, per course (so each course is read once)."""
    found: dict[str, set[str]] = {}
    for clause in rule.clauses():
        if isinstance(clause, BlockScore):
            entries = [clause.block]
        elif isinstance(clause, WeightedAverage | CompetencyClause):
            entries = [entry.block for entry in clause.blocks]
        else:
            continue
        for block in entries:
            course = resolve_block_course(clause.course, block, default_course)
            if course:
                found.setdefault(course, set()).add(block)
    return found


@dataclass
class PlatformFacts:
    """The rule engine's view of one learner, read from the platform once per course.

    ``grade_keys`` maps a course the rule names to the course key whose grade stands for it:
    for a learner in a CCX, the master course's grade is the CCX's (see :func:`grade_keys_for`).
    Block scores are looked up in the form that course's grades key them (a ``ccx-block-v1:``
    locator in a CCX) and reported under the key the rule names.
    """

    platform: PlatformAdapter
    user_id: int
    blocks: dict[str, set[str]]
    held_slugs: set[str]
    grade_keys: Mapping[str, str] = field(default_factory=dict)
    snapshots: dict[str, CourseGradeSnapshot] = field(default_factory=dict)
    # The course run the triggering event graded the learner in: its grade is read as it is.
    graded_in: str | None = None
    _ccx_of: dict[str, str] | None = None

    def _grade(self, course_key: str) -> CourseGradeSnapshot:
        if course_key not in self.snapshots:
            read_key = self.grade_keys.get(course_key) or self._ccx_taken(course_key) or course_key
            wanted = {usage_key_in_course(b, read_key) for b in self.blocks.get(course_key, ())}
            self.snapshots[course_key] = self.platform.read_grades(
                self.user_id, read_key, block_keys=sorted(wanted)
            )
        return self.snapshots[course_key]

    def _ccx_taken(self, course_key: str) -> str | None:
        """The CCX of ``course_key`` the learner takes instead of the course itself, for a
        course the triggering event does not speak for (a pathway's other courses, a stacking
        follow-up, a renewal): a CCX learner is enrolled in the CCX only, and graded there.
        One enrollment query per learner, and only when such a course is read."""
        if course_key == self.graded_in:
            return None
        if self._ccx_of is None:
            enrolled = self.platform.enrolled_courses(self.user_id)
            self._ccx_of = {
                self.platform.master_course_for_ccx(key): key
                for key in enrolled
                if key.startswith("ccx-v1:")
            }
            for key in enrolled:  # enrolled in the course itself: its own grade counts
                self._ccx_of.pop(key, None)
        return self._ccx_of.get(course_key)

    def grades_read(self) -> dict[str, str]:
        """For each course the rule named: the course key whose grade was read."""
        return {course: snapshot.course_key for course, snapshot in self.snapshots.items()}

    def course_passed(self, course_key: str) -> bool | None:
        return self._grade(course_key).passed

    def course_percent(self, course_key: str) -> float | None:
        return self._grade(course_key).percent

    def block_score(self, course_key: str, usage_key: str) -> rules.Score | None:
        grade = self._grade(course_key)
        score = grade.blocks.get(usage_key_in_course(usage_key, grade.course_key))
        return rules.Score(*score) if score is not None else None

    def assignment_type_average(self, course_key: str, assignment_type: str) -> float | None:
        return self._grade(course_key).assignment_averages.get(assignment_type)

    def holds_credential(self, slug: str) -> bool:
        return slug in self.held_slugs


def grade_keys_for(ccx_key: str | None, platform: PlatformAdapter) -> dict[str, str]:
    """Which course key's grade to read for each course a rule names, when the learner was
    graded in ``ccx_key``: the CCX's own, for its master course too.

    A CCX is a run of its master course, so the master's credentials apply to its learners,
    but edx-platform computes and persists a CCX learner's grade under the CCX key only: the
    master key reads as a zero grade (lms/djangoapps/grades/course_grade_factory.py, ``read``).
    """
    if not ccx_key:
        return {}
    return {platform.master_course_for_ccx(ccx_key): str(ccx_key)}


def explain(
    definition: CredentialDefinition,
    learner: PlatformUser,
    platform: PlatformAdapter,
    held: set[str],
    *,
    ccx_key: str | None = None,
    graded_in: str | None = None,
) -> tuple[rules.Explanation, dict[str, Any]]:
    """Evaluate the definition's rule on the learner's current grades: the explanation, and
    what to record (the explanation, the grades it read, and which course key each was read
    under). ``ccx_key``: the CCX the learner was graded in (a CCX event's course);
    ``graded_in``: the course run a grade event named (its grade is read as it is; for any
    other course the learner's CCX of it is looked for)."""
    rule = parsed_rule(definition)
    facts = PlatformFacts(
        platform,
        learner.id,
        blocks_by_course(rule, definition.course_key),
        held,
        grade_keys_for(ccx_key, platform),
        graded_in=ccx_key or graded_in,
    )
    explanation = rules.evaluate(rule, facts, course_key=definition.course_key)
    details = {
        "explanation": explanation.to_dict(),
        "grades": {course: snap.to_dict() for course, snap in facts.snapshots.items()},
        "grades_read": facts.grades_read(),
    }
    if ccx_key:  # renewal reads the same CCX's grade again (see renewal.py)
        details["ccx_key"] = str(ccx_key)
    return explanation, details


def held_slugs(user_id: int) -> set[str]:
    return set(
        Award.objects.active().filter(user_id=user_id).values_list("definition__slug", flat=True)
    )


# Grade events come in floods of identical recomputes; other triggers (a backfill, an award
# that a pathway stacks on, a retry) are decisions worth recording each time.
_NOT_FLOODS = ("microcreds.backfill", "microcreds.award", "microcreds.renewal")


@dataclass
class Prefetched:
    """What a batch of triggers shares, read once for all of them: their learners, what each
    holds, and the definitions each kind of trigger concerns (a backfill's follow-ups, the
    sweep's re-runs)."""

    users: dict[int, PlatformUser]
    held: dict[int, set[str]]
    definitions: dict[tuple, list[CredentialDefinition]] = field(default_factory=dict)

    @classmethod
    def for_users(cls, platform: PlatformAdapter, user_ids: Iterable[int]) -> Prefetched:
        ids = sorted(set(user_ids))
        held: dict[int, set[str]] = {user_id: set() for user_id in ids}
        for user_id, slug in (
            Award.objects.active()
            .filter(user_id__in=ids)
            .values_list("user_id", "definition__slug")
        ):
            held[user_id].add(slug)
        return cls(platform.get_users(ids), held)


def process_trigger(
    trigger: Trigger,
    *,
    retrying: dict[int, Evaluation] | None = None,
    prefetched: Prefetched | None = None,
) -> list[Evaluation]:
    """Evaluate every definition the trigger concerns for its learner.

    ``retrying`` maps definition ids to failed Evaluations of an earlier attempt of the same
    work: they are updated in place instead of adding a row per attempt. ``prefetched`` is
    what a batch of triggers read once for all of them.
    """
    retrying = retrying or {}
    platform = get_platform()
    if prefetched is not None and trigger.user_id in prefetched.held:
        learner = prefetched.users.get(trigger.user_id)
    else:
        learner, prefetched = platform.get_user(trigger.user_id), None
    if learner is None:
        return [_record_failure(None, None, trigger, f"no user with id {trigger.user_id}")]
    if not (trigger.awarded_slug or trigger.course_key):
        return [_record_failure(learner, None, trigger, "the event names no course")]
    definitions = _definitions_for(trigger, prefetched)
    # Once per trigger; kept current as awards are made below.
    held = prefetched.held[learner.id] if prefetched else held_slugs(learner.id)
    return [
        evaluate_and_award(
            definition, learner, trigger, platform, held=held, record=retrying.get(definition.pk)
        )
        for definition in definitions
    ]


def _definitions_for(trigger: Trigger, prefetched: Prefetched | None) -> list[CredentialDefinition]:
    scope = (trigger.awarded_slug, trigger.course_key, trigger.ccx_key)
    if prefetched is not None and scope in prefetched.definitions:
        return prefetched.definitions[scope]
    if trigger.awarded_slug:
        definitions = definitions_requiring(trigger.awarded_slug)
    else:
        definitions = definitions_for_course(trigger.course_key)
        if trigger.ccx_key:  # a CCX may have credentials of its own besides its master's
            definitions += definitions_for_course(trigger.ccx_key)
    if prefetched is not None:
        prefetched.definitions[scope] = definitions
    return definitions


def evaluate_and_award(
    definition: CredentialDefinition,
    learner: PlatformUser,
    trigger: Trigger,
    platform: PlatformAdapter | None = None,
    *,
    dry_run: bool = False,
    record: Evaluation | None = None,
    held: set[str] | None = None,
) -> Evaluation:
    """Evaluate one definition for one learner; issue when met (unless ``dry_run``).

    Returns the Evaluation: saved, except for ``already_held`` (duplicate events would flood the
    audit table with non-decisions) and dry runs. ``record`` is a failed Evaluation being
    retried: it is updated in place instead of adding a row.
    ``held`` is the learner's held credential slugs when the caller already has them (one query
    per trigger instead of one per definition).
    """
    from .issuing import issue

    platform = platform or get_platform()
    held = held_slugs(learner.id) if held is None else held
    if definition.slug in held and not dry_run:
        if record is not None:  # a retried failure that something else has since awarded
            return _save(record, definition, learner, trigger, Outcome.ALREADY_HELD, {}, False)
        return Evaluation(
            user_id=learner.id,
            definition=definition,
            outcome=Outcome.ALREADY_HELD,
            event_id=trigger.event_id,
            event_type=trigger.event_type,
            course_key=trigger.course_key or "",
        )
    try:
        explanation, details = explain(
            definition,
            learner,
            platform,
            held,
            ccx_key=trigger.ccx_key,
            graded_in=None if trigger.awarded_slug else trigger.course_key,
        )
        if not explanation.passed:
            flood = not (record or dry_run or trigger.event_type in _NOT_FLOODS)
            repeat = _same_as_last(definition, learner, details) if flood else None
            if repeat is not None:
                return repeat
            return _save(record, definition, learner, trigger, Outcome.NOT_MET, details, dry_run)
        if dry_run:
            return _save(record, definition, learner, trigger, Outcome.AWARDED, details, True)
        # The award and the decision that granted it commit together, or not at all.
        with transaction.atomic():
            outcome = issue(
                definition, learner, explanation, event_id=trigger.event_id, evidence=details
            )
            if not outcome.created:
                details["award"] = str(outcome.award.uuid)
                return _save(
                    record, definition, learner, trigger, Outcome.ALREADY_HELD, details, False
                )
            evaluation = _save(
                record,
                definition,
                learner,
                trigger,
                Outcome.AWARDED,
                details,
                False,
                award=outcome.award,
            )
            _after_award(outcome.award, learner)
            transaction.on_commit(lambda: held.add(definition.slug))
            return evaluation
    except Exception as exc:  # recorded and retryable; never lost, never half-issued
        log.exception("microcreds: evaluating %s for user %s failed", definition.slug, learner.id)
        error = f"{type(exc).__name__}: {exc}"
        return _record_failure(learner, definition, trigger, error, record, dry_run=dry_run)


def _same_as_last(
    definition: CredentialDefinition, learner: PlatformUser, details: dict[str, Any]
) -> Evaluation | None:
    """The learner's last evaluation of ``definition`` when it reached the same "not met"
    decision on the same numbers: grade recomputes repeat themselves, the audit need not."""
    last = (
        Evaluation.objects.filter(user_id=learner.id, definition=definition)
        .order_by("-created", "-pk")
        .first()
    )
    same = (
        last is not None
        and last.outcome == Outcome.NOT_MET
        and last.explanation.get("explanation") == details["explanation"]
    )
    return last if same else None


def _after_award(award: Award, learner: PlatformUser) -> None:
    """With the award: record that credentials stacked on it need evaluating (in the award's
    own transaction, so a crash right after the commit forgets nothing), to start once it
    commits; and announce it then."""
    from .events import emit_badge_awarded

    transaction.on_commit(lambda: emit_badge_awarded(award, learner))
    follow_up = pending.request(
        Trigger(
            event_type="microcreds.award",
            user_id=award.user_id,
            event_id=f"award:{award.uuid}",
            awarded_slug=award.definition.slug,
        )
    )
    followups.after_commit(evaluations=[follow_up])


def _save(
    record: Evaluation | None,
    definition: CredentialDefinition | None,
    learner: PlatformUser | None,
    trigger: Trigger,
    outcome: str,
    details: dict[str, Any],
    dry_run: bool,
    error: str = "",
    award: Award | None = None,
) -> Evaluation:
    evaluation = record or Evaluation(
        user_id=learner.id if learner else None,
        event_user_id=str(trigger.user_id),
        definition=definition,
        event_id=trigger.event_id,
        event_type=trigger.event_type,
        course_key=trigger.course_key or "",
    )
    if record is not None:
        evaluation.attempts += 1
        evaluation.retried_at = timezone.now()
    evaluation.outcome = outcome
    evaluation.explanation = {**details, "trigger": trigger.to_dict()}
    evaluation.error = error
    evaluation.award = award or evaluation.award
    if not dry_run:
        evaluation.save()
    return evaluation


def _record_failure(
    learner: PlatformUser | None,
    definition: CredentialDefinition | None,
    trigger: Trigger,
    error: str,
    record: Evaluation | None = None,
    *,
    dry_run: bool = False,
) -> Evaluation:
    log.error("microcreds: %s (event %s %s)", error, trigger.event_type, trigger.event_id)
    return _save(record, definition, learner, trigger, Outcome.FAILED, {}, dry_run, error)


def retry_failed(evaluations: Iterable[Evaluation]) -> list[Evaluation]:
    """Evaluate failed evaluations again, updating each row in place."""
    platform = get_platform()
    done: list[Evaluation] = []
    for failed in evaluations:
        done.extend(_retry_one(failed, platform))
    return done


def _retry_one(failed: Evaluation, platform: PlatformAdapter) -> list[Evaluation]:
    trigger = _trigger_of(failed)
    if trigger is None:
        return [_still_failing(failed, "the event was malformed; it cannot be evaluated again")]
    learner = platform.get_user(trigger.user_id)
    if learner is None:
        error = f"no user with id {trigger.user_id}"
        return [_record_failure(None, failed.definition, trigger, error, failed)]
    if failed.definition is None:  # the whole event failed: run it again in full
        failed.delete()
        return process_trigger(trigger)
    return [evaluate_and_award(failed.definition, learner, trigger, platform, record=failed)]


def _trigger_of(failed: Evaluation) -> Trigger | None:
    """The trigger to run again: as recorded, else rebuilt from the row (None if it can't be)."""
    recorded = (failed.explanation or {}).get("trigger")
    if recorded:
        return Trigger.from_dict(recorded)
    user_id = failed.user_id
    if user_id is None and failed.event_user_id.isdigit():
        user_id = int(failed.event_user_id)
    if user_id is None or not failed.course_key:
        return None
    return Trigger(failed.event_type, user_id, failed.course_key, failed.event_id)


def _still_failing(failed: Evaluation, error: str) -> Evaluation:
    failed.attempts += 1
    failed.retried_at = timezone.now()
    failed.error = error
    failed.save(update_fields=["attempts", "retried_at", "error"])
    return failed
