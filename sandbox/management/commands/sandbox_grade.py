"""
``manage.py lms sandbox_grade USERNAME COURSE_ID --percent 0.91 [--block KEY=EARNED/POSSIBLE]...
[--average TYPE=FRACTION]... [--passed | --not-passed]``

What the LMS does when a learner's course grade is recomputed (a problem submitted, a regrade):
the new grade is persisted on the (fake) platform, then the openedx-events the LMS sends are sent
through openedx-events itself, so the plugin's receivers react as they do in the LMS (with eager
tasks, in this process). Blocks and averages given replace those recorded; the others stay, as a
regrade of one subsection leaves the rest of the grade as it was.
"""

from __future__ import annotations

from argparse import ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError


def _block(text: str) -> tuple[str, tuple[float, float]]:
    key, sep, score = text.rpartition("=")
    earned, slash, possible = score.partition("/")
    try:
        if not (sep and slash):
            raise ValueError
        return key, (float(earned), float(possible))
    except ValueError:
        raise ArgumentTypeError(f"{text!r}: write USAGE_KEY=EARNED/POSSIBLE") from None


def _average(text: str) -> tuple[str, float]:
    name, sep, value = text.rpartition("=")
    try:
        if not sep:
            raise ValueError
        return name, float(value)
    except ValueError:
        raise ArgumentTypeError(f"{text!r}: write ASSIGNMENT_TYPE=FRACTION") from None


class Command(BaseCommand):
    help = "Set a learner's grade on the sandbox's platform and send the LMS's grade events."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("course_id")
        parser.add_argument("--percent", type=float, required=True, help="course grade, 0..1")
        parser.add_argument("--block", action="append", default=[], type=_block)
        parser.add_argument("--average", action="append", default=[], type=_average)
        passing = parser.add_mutually_exclusive_group()
        passing.add_argument("--passed", dest="passed", action="store_true", default=None)
        passing.add_argument("--not-passed", dest="passed", action="store_false")

    def handle(self, *args: Any, **options: Any) -> None:
        from openedx_microcreds.models import Award
        from openedx_microcreds.platform import get_platform
        from sandbox import scenario
        from sandbox.fake_platform import FakePlatform
        from sandbox.models import FakeCourseGrade

        platform = get_platform()
        learner = platform.get_user_by_username(options["username"])
        if learner is None:
            raise CommandError(f"no user {options['username']!r}")
        course_id = options["course_id"]
        if not platform.course_exists(course_id):
            raise CommandError(f"no course {course_id}")
        recorded = FakeCourseGrade.objects.filter(user_id=learner.id, course__key=course_id).first()
        blocks = {key: tuple(score) for key, score in (recorded.blocks if recorded else {}).items()}
        blocks.update(dict(options["block"]))
        averages = dict(recorded.assignment_averages if recorded else {})
        averages.update(dict(options["average"]))
        try:
            snapshot = FakePlatform.set_grade(
                learner,
                course_id,
                percent=options["percent"],
                passed=options["passed"],
                blocks=blocks,
                assignment_averages=averages,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        scenario.send_grade_events(learner, snapshot)

        state = "passed" if snapshot.passed else "not passed"
        self.stdout.write(
            f"{learner.username}: {snapshot.percent:.0%} ({state}) in {course_id}; "
            "sent PERSISTENT_GRADE_SUMMARY_CHANGED and COURSE_PASSING_STATUS_UPDATED"
        )
        awards = Award.objects.filter(user_id=learner.id, definition__course_key=course_id)
        for award in awards.select_related("definition").order_by("pk"):
            self.stdout.write(f"credential {award.definition.slug}: {award.state}")
