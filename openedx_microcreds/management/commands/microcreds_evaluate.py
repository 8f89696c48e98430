"""Evaluate a course's credentials for its enrolled learners, or retry failed evaluations.

    manage.py lms microcreds_evaluate COURSE_KEY [--dry-run] [--csv FILE] [--user USERNAME]
                                                 [--definition SLUG] [--no-progress]
    manage.py lms microcreds_evaluate --retry-failed [COURSE_KEY] [--limit N] [--no-progress]

Without ``--dry-run``, learners who meet a rule are awarded the credential, exactly as an event
would. With it nothing is written: the table says who *would* be awarded, and why others are not.
"""

from __future__ import annotations

import csv
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ... import api, awarding, pending, runner
from ...dryrun import WOULD_AWARD, Row
from ...models import Evaluation
from ...platform import get_platform
from ..utils import (
    add_progress_argument,
    explanation_from_dict,
    find_definition,
    format_table,
    open_for_writing,
    progress,
    require_course,
)

Outcome = Evaluation.Outcome
LABELS = {
    WOULD_AWARD: "would award",
    Outcome.AWARDED: "awarded",
    Outcome.NOT_MET: "not met",
    Outcome.ALREADY_HELD: "already held",
    Outcome.FAILED: "failed",
    Outcome.SKIPPED: "skipped",
}


def label(outcome: str, *, dry_run: bool = False) -> str:
    return LABELS.get(outcome, outcome)


def order(*, dry_run: bool) -> tuple[str, ...]:
    first = WOULD_AWARD if dry_run else Outcome.AWARDED
    return (first, Outcome.NOT_MET, Outcome.ALREADY_HELD, Outcome.FAILED, Outcome.SKIPPED)


def explanation_text(row: Row) -> str:
    """The full explanation, one clause a line, for people (empty when the rule was not run)."""
    if not row.explanation:
        return ""
    return explanation_from_dict(row.explanation).render_text(ascii_marks=True)


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
        course_key = require_course(get_platform(), options["course_key"])
        slug = options["definition"]
        if slug is not None:
            find_definition(slug)  # an unknown slug is named as the operator typed it
        csv_file = open_for_writing(options["csv"], newline="") if options["csv"] else None
        run = api.dry_run if dry_run else api.evaluate_course
        usernames = [options["user"]] if options["user"] else None
        try:
            with progress((), options=options, desc="evaluating") as bar:
                result = run(
                    course_key,
                    definition=slug,
                    usernames=usernames,
                    on_batch=lambda _rows, learners: bar.update(learners),
                )
            if csv_file is not None:
                self._write_csv(csv_file, result.rows)
        except api.Conflict as exc:
            hint = " (--dry-run)" if "tried out" in exc.message else ""
            raise CommandError(exc.message + hint) from None
        except api.ApiError as exc:
            raise CommandError(exc.message) from None
        finally:
            if csv_file is not None:
                csv_file.close()
        rows = result.rows
        if not result.learners:
            self.stdout.write(f"No learners are enrolled in {course_key}.")
            return
        if csv_file is None:
            table = [(r.username, r.definition, label(r.outcome), r.reason) for r in rows]
            self.stdout.write(format_table(("LEARNER", "DEFINITION", "OUTCOME", "REASON"), table))
        counts = Counter(row.outcome for row in rows)
        summary = ", ".join(
            f"{counts[outcome]} {label(outcome)}"
            for outcome in order(dry_run=dry_run)
            if counts[outcome] or outcome != Outcome.SKIPPED
        )
        self.stdout.write(
            f"{result.learners} learner(s), {len(rows)} evaluation(s): {summary}"
            + (" (dry run: nothing written)" if dry_run else "")
        )
        if csv_file is not None:
            self.stdout.write(f"Wrote {len(rows)} row(s) to {options['csv']}.")

    def _write_csv(self, output: Any, rows: list[Row]) -> None:
        writer = csv.writer(output)
        writer.writerow(["user_id", "username", "definition", "outcome", "reason", "explanation"])
        for row in rows:
            writer.writerow(
                [
                    row.user_id,
                    row.username,
                    row.definition,
                    label(row.outcome),
                    row.reason,
                    explanation_text(row),
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
