"""Award a course's credentials retroactively to every enrolled learner who has earned them.

    manage.py lms microcreds_backfill COURSE_KEY [--definition SLUG] [--batch-size 100]
        [--resume | --restart] [--checkpoint FILE] [--limit N] [--no-progress]

Learners are processed in ascending user id order; after every batch the last user id is saved
to a checkpoint file, so a run that is interrupted (or stopped by --limit) continues where it
left off when started again. Learners who already hold a credential are skipped, so running it
twice awards nothing new. The checkpoint is deleted once the course is done.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...definitions import definitions_for_course
from ...platform import get_platform
from ...triggers import master_of_ccx
from ..backfill import Checkpoint, CheckpointError, Counts, backfill, default_checkpoint_path
from ..utils import add_progress_argument, find_definition, progress, require_course


class Command(BaseCommand):
    help = "Retroactively award a course's credentials to its enrolled learners (resumable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_key", metavar="COURSE_KEY")
        parser.add_argument(
            "--definition", metavar="SLUG", help="Only this definition (an active one)."
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=100,
            help="Learners between two checkpoint saves (default 500).",
        )
        resume = parser.add_mutually_exclusive_group()
        resume.add_argument(
            "--resume",
            dest="restart",
            action="store_false",
            default=False,
            help="Continue after the checkpoint's last learner (the default).",
        )
        resume.add_argument(
            "--restart",
            dest="restart",
            action="store_true",
            default=False,
            help="Ignore the checkpoint.",
        )
        parser.add_argument(
            "--checkpoint",
            metavar="FILE",
            help="Checkpoint file (default: microcreds-backfill-<course>.json in the temp dir).",
        )
        parser.add_argument(
            "--limit", type=int, metavar="N", help="Stop after N learners (resume later)."
        )
        add_progress_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size, limit = options["batch_size"], options["limit"]
        if batch_size < 1:
            raise CommandError("--batch-size must be a positive number")
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number")
        platform = get_platform()
        course_key = require_course(platform, options["course_key"])
        # A CCX's learners earn its master course's credentials too, on the CCX's grades.
        master = master_of_ccx(course_key)
        slug = options["definition"]
        definitions = self._definitions(master or course_key, slug)
        if master:
            definitions += [d for d in definitions_for_course(course_key) if d not in definitions]
        checkpoint = self._checkpoint(options, course_key, slug)

        user_ids = sorted(
            user_id
            for user_id in platform.enrolled_learners(course_key)
            if user_id > checkpoint.last_user_id
        )
        remaining = len(user_ids)
        if limit is not None:
            user_ids = user_ids[:limit]
        slugs = ", ".join(definition.slug for definition in definitions)
        self.stdout.write(f"Backfilling {slugs} for {len(user_ids)} learner(s) of {course_key}.")

        started = time.monotonic()
        counts = Counts()
        with progress((), options=options, total=len(user_ids), desc="backfill") as bar:
            try:
                counts = backfill(
                    platform,
                    master or course_key,
                    definitions,
                    user_ids,
                    checkpoint,
                    batch_size=batch_size,
                    on_learner=lambda: bar.update(1),
                    ccx_key=course_key if master else None,
                )
            except KeyboardInterrupt:
                raise CommandError(
                    f"interrupted; progress saved in {checkpoint.path}. Run the same command "
                    "again to resume."
                ) from None
        elapsed = time.monotonic() - started
        self._summary(counts, elapsed, checkpoint)
        if len(user_ids) < remaining:
            self.stdout.write(
                f"Stopped after {len(user_ids)} learner(s) (--limit); {remaining - len(user_ids)} "
                f"left. Progress saved in {checkpoint.path}: run again to resume."
            )
        else:
            checkpoint.delete()
            self.stdout.write("Backfill complete.")

    def _definitions(self, course_key: str, slug: str | None) -> list[Any]:
        definitions = definitions_for_course(course_key)
        if slug is not None:
            chosen = find_definition(slug)  # a clear error for an unknown slug
            definitions = [definition for definition in definitions if definition.slug == slug]
            if not definitions:
                if chosen.state != chosen.State.ACTIVE:
                    raise CommandError(f"{slug} is {chosen.state}; only active ones are awarded")
                if chosen.course_key and chosen.course_key != course_key:
                    raise CommandError(
                        f"{slug} belongs to course {chosen.course_key}, not {course_key}"
                    )
                definitions = [chosen]  # a pathway that reads no grades of this course
        if not definitions:
            raise CommandError(f"course {course_key} has no active credential definitions")
        return definitions

    def _checkpoint(self, options: dict[str, Any], course_key: str, slug: str | None):
        path = Path(options["checkpoint"] or default_checkpoint_path(course_key, slug))
        if not path.parent.is_dir():
            raise CommandError(f"--checkpoint: directory {path.parent} does not exist")
        if options["restart"]:
            Checkpoint(path, course_key, slug).delete()
            return Checkpoint(path, course_key, slug)
        try:
            found = Checkpoint.load(path)
            if found is None:
                return Checkpoint(path, course_key, slug)
            found.check_matches(course_key, slug)
        except CheckpointError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Resuming after user id {found.last_user_id} ({found.totals.learners} learner(s) "
            f"done since {found.started}; checkpoint {path}; --restart to start over)."
        )
        return found

    def _summary(self, counts: Counts, elapsed: float, checkpoint: Checkpoint) -> None:
        rate = counts.awarded / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            f"Learners processed: {counts.learners}\n"
            f"Awarded:            {counts.awarded}\n"
            f"Not met:            {counts.not_met}\n"
            f"Already held:       {counts.already_held}\n"
            f"Failed:             {counts.failed}\n"
            f"Elapsed:            {elapsed:.1f} s ({rate:.1f} awards/s)"
        )
        if checkpoint.totals.learners:
            total = checkpoint.totals.merged(counts)
            self.stdout.write(
                f"Since the backfill began: {total.learners} learner(s), {total.awarded} "
                f"awarded, {total.failed} failed."
            )
        if counts.failed:
            self.stdout.write(
                "Failed evaluations are recorded; retry them with "
                "`microcreds_evaluate --retry-failed`."
            )
