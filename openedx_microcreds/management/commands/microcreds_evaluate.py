"""Evaluate a course's credentials for its enrolled learners, or retry failed evaluations.

    manage.py lms microcreds_evaluate COURSE_KEY [--dry-run] [--csv FILE] [--user USERNAME]
                                                 [--definition SLUG] [--no-progress]
    manage.py lms microcreds_evaluate --retry-failed [COURSE_KEY] [--limit N] [--no-progress]

Without ``--dry-run``, learners who meet a rule are awarded the credential, exactly as an event
would. With it nothing is written: the table says who *would* be awarded, and why others are not.
"""

from __future__ import annotations

import csv
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ... import awarding, pending, runner
from ...definitions import definitions_for_course
from ...models import CredentialDefinition, Evaluation
from ...platform import PlatformAdapter, get_platform
from ...triggers import Trigger
from ..utils import (
    add_progress_argument,
    explanation_text,
    explanation_tree,
    failing_summaries,
    find_definition,
    format_table,
    open_for_writing,
    progress,
    require_course,
)

EVENT_TYPE = "microcreds.evaluate"
Outcome = Evaluation.Outcome
LABELS = {
    Outcome.AWARDED: "awarded",
    Outcome.NOT_MET: "not met",
    Outcome.ALREADY_HELD: "already held",
    Outcome.FAILED: "failed",
    Outcome.SKIPPED: "skipped",
}
ORDER = (Outcome.AWARDED, Outcome.NOT_MET, Outcome.ALREADY_HELD, Outcome.FAILED, Outcome.SKIPPED)


def label(outcome: str, *, dry_run: bool) -> str:
    if dry_run and outcome == Outcome.AWARDED:
        return "would award"
    return LABELS.get(outcome, outcome)


@dataclass(frozen=True)
class Row:
    user_id: int
    username: str
    definition: str
    outcome: str
    reason: str
    explanation: str = ""


def row_for(learner: Any, definition: CredentialDefinition, evaluation: Evaluation, outcome: str):
    tree = explanation_tree(evaluation)
    if outcome == Outcome.FAILED:
        reason = evaluation.error
    elif outcome == Outcome.NOT_MET:
        reason = "; ".join(failing_summaries(tree)) or "criteria not met"
    elif outcome == Outcome.AWARDED and tree:
        reason = str(tree.get("summary", ""))
    else:
        reason = ""
    return Row(
        learner.id,
        learner.username,
        definition.slug,
        outcome,
        " ".join(reason.split()),  # one line
        explanation_text(evaluation),
    )


class Command(BaseCommand):
    help = (
        "Evaluate every enrolled learner of a course against its credential definitions "
        "(--dry-run: write nothing), or re-run failed evaluations (--retry-failed)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_key", metavar="COURSE_KEY", nargs="?")
        parser.add_argument(
            "--dry-run", action="store_true", help="Award nothing, record nothing: only report."
        )
        parser.add_argument(
            "--csv", metavar="FILE", help="Write the results with full explanations to FILE."
        )
        parser.add_argument("--user", metavar="USERNAME", help="Only this learner.")
        parser.add_argument(
            "--definition",
            metavar="SLUG",
            help="Only this definition (a draft or archived one needs --dry-run).",
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="Re-run failed evaluations (of COURSE_KEY if given), oldest first.",
        )
        parser.add_argument(
            "--limit", type=int, metavar="N", help="With --retry-failed: at most N evaluations."
        )
        add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["retry_failed"]:
            self.retry(options)
            return
        if options["limit"] is not None:
            raise CommandError("--limit goes with --retry-failed")
        if not options["course_key"]:
            raise CommandError("give a COURSE_KEY (or --retry-failed)")
        self.evaluate(options)

    # --- evaluating a course -------------------------------------------------------------

    def evaluate(self, options: dict[str, Any]) -> None:
        dry_run = options["dry_run"]
        platform = get_platform()
        course_key = require_course(platform, options["course_key"])
        definitions = self._definitions(course_key, options["definition"], dry_run=dry_run)
        user_ids = self._learners(platform, course_key, options["user"])
        csv_file = open_for_writing(options["csv"], newline="") if options["csv"] else None
        try:
            rows = self._run(platform, course_key, definitions, user_ids, options)
            if csv_file is not None:
                self._write_csv(csv_file, rows, dry_run=dry_run)
        finally:
            if csv_file is not None:
                csv_file.close()
        if not user_ids:
            self.stdout.write(f"No learners are enrolled in {course_key}.")
            return
        if csv_file is None:
            table = [
                (r.username, r.definition, label(r.outcome, dry_run=dry_run), r.reason)
                for r in rows
            ]
            self.stdout.write(format_table(("LEARNER", "DEFINITION", "OUTCOME", "REASON"), table))
        counts = Counter(row.outcome for row in rows)
        summary = ", ".join(
            f"{counts[outcome]} {label(outcome, dry_run=dry_run)}"
            for outcome in ORDER
            if counts[outcome] or outcome != Outcome.SKIPPED
        )
        self.stdout.write(
            f"{len(user_ids)} learner(s), {len(rows)} evaluation(s): {summary}"
            + (" (dry run: nothing written)" if dry_run else "")
        )
        if csv_file is not None:
            self.stdout.write(f"Wrote {len(rows)} row(s) to {options['csv']}.")

    def _run(
        self,
        platform: PlatformAdapter,
        course_key: str,
        definitions: list[CredentialDefinition],
        user_ids: list[int],
        options: dict[str, Any],
    ) -> list[Row]:
        dry_run = options["dry_run"]
        event_id = f"evaluate:{uuid.uuid4()}"
        rows: list[Row] = []
        for user_id in progress(user_ids, options=options, desc="evaluating"):
            learner = platform.get_user(user_id)
            if learner is None:
                rows.extend(
                    Row(
                        user_id, f"#{user_id}", d.slug, Outcome.FAILED, f"no user with id {user_id}"
                    )
                    for d in definitions
                )
                continue
            trigger = Trigger(
                event_type=EVENT_TYPE, user_id=user_id, course_key=course_key, event_id=event_id
            )
            # A dry run evaluates held credentials too (awarding skips them only for real).
            held = awarding.held_slugs(user_id) if dry_run else set()
            for definition in definitions:
                evaluation = awarding.evaluate_and_award(
                    definition, learner, trigger, platform, dry_run=dry_run
                )
                outcome = Outcome.ALREADY_HELD if definition.slug in held else evaluation.outcome
                rows.append(row_for(learner, definition, evaluation, outcome))
        return rows

    def _definitions(
        self, course_key: str, slug: str | None, *, dry_run: bool
    ) -> list[CredentialDefinition]:
        found = definitions_for_course(course_key)
        if slug is None:
            if not found:
                raise CommandError(f"course {course_key} has no active credential definitions")
            return found
        matching = [definition for definition in found if definition.slug == slug]
        if matching:
            return matching
        definition = find_definition(slug)
        if definition.course_key and definition.course_key != course_key:
            raise CommandError(
                f"{slug} belongs to course {definition.course_key}, not {course_key}"
            )
        if definition.state != CredentialDefinition.State.ACTIVE and not dry_run:
            raise CommandError(
                f"{slug} is {definition.state}: it can only be tried out, with --dry-run"
            )
        # An active pathway that reads no grades of this course: evaluated for its learners.
        return [definition]

    def _learners(self, platform: PlatformAdapter, course_key: str, username: str | None):
        enrolled = list(platform.enrolled_learners(course_key))
        if username is None:
            return enrolled
        learner = platform.get_user_by_username(username)
        if learner is None:
            raise CommandError(f"no user named {username!r}")
        if learner.id not in enrolled:
            raise CommandError(f"{username} is not enrolled in {course_key}")
        return [learner.id]

    def _write_csv(self, output: Any, rows: list[Row], *, dry_run: bool) -> None:
        writer = csv.writer(output)
        writer.writerow(["user_id", "username", "definition", "outcome", "reason", "explanation"])
        for row in rows:
            writer.writerow(
                [
                    row.user_id,
                    row.username,
                    row.definition,
                    label(row.outcome, dry_run=dry_run),
                    row.reason,
                    row.explanation,
                ]
            )

    # --- retrying failures ---------------------------------------------------------------

    def retry(self, options: dict[str, Any]) -> None:
        given = [
            flag
            for flag, name in (
                ("--dry-run", "dry_run"),
                ("--csv", "csv"),
                ("--user", "user"),
                ("--definition", "definition"),
            )
            if options.get(name)
        ]
        if given:
            raise CommandError(f"--retry-failed cannot be combined with {', '.join(given)}")
        limit = options["limit"]
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number")
        failed = (
            Evaluation.objects.filter(outcome=Outcome.FAILED)
            .select_related("definition")
            .order_by("created", "pk")
        )
        if options["course_key"]:
            failed = failed.filter(course_key=options["course_key"])
        self._run_pending_work(options)
        to_retry = list(failed[:limit] if limit else failed)
        if not to_retry:
            self.stdout.write("No failed evaluations to retry.")
            return
        bar = progress(to_retry, options=options, desc="retrying", unit="evaluation")
        results = awarding.retry_failed(bar)
        counts = Counter(evaluation.outcome for evaluation in results)
        succeeded = len(results) - counts[Outcome.FAILED]
        self.stdout.write(
            f"Retried {len(to_retry)} failed evaluation(s): {succeeded} now succeed "
            f"({counts[Outcome.AWARDED]} awarded, {counts[Outcome.NOT_MET]} not met, "
            f"{counts[Outcome.ALREADY_HELD]} already held), "
            f"{counts[Outcome.FAILED]} still failing."
        )
        # A fresh count: ``failed`` cached its rows when it was listed above.
        remaining = failed.all().count()
        if remaining:
            self.stdout.write(f"{remaining} failed evaluation(s) remain.")

    def _run_pending_work(self, options: dict[str, Any]) -> None:
        """Work that gave up retrying, and work left pending past its time (a lost message, a
        worker that died): run it here, now."""
        keys = pending.requeue_failed(limit=options["limit"]) + pending.overdue()
        if not keys:
            return
        results = Counter(result.outcome for result in runner.run_many(keys).values())
        tally = ", ".join(f"{count} {outcome}" for outcome, count in sorted(results.items()))
        self.stdout.write(f"Ran {len(keys)} pending evaluation(s) left behind: {tally}.")
