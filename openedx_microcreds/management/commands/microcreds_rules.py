"""Credential definitions as code: export them to a JSON file, import them back.

    manage.py lms microcreds_rules export definitions.json [--course COURSE_KEY]
    manage.py lms microcreds_rules import definitions.json [--dry-run]

FILE may be ``-`` for stdout / stdin. Import creates or updates definitions by slug, checks
every rule first, and writes nothing at all when any definition has a problem.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...models import validate_course_key
from ..definitions_io import ImportRefused, export_definitions, import_definitions
from ..utils import open_for_writing, read_json_file


class Command(BaseCommand):
    help = "Export credential definitions to JSON, or import (create/update by slug) from it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{export,import}")
        export = actions.add_parser("export", help="Write definitions to a JSON file.")
        export.add_argument("file", metavar="FILE", help="Output file ('-': stdout).")
        export.add_argument("--course", help="Only the definitions of this course run.")
        importing = actions.add_parser("import", help="Create or update definitions from JSON.")
        importing.add_argument("file", metavar="FILE", help="Input file ('-': stdin).")
        importing.add_argument(
            "--dry-run", action="store_true", help="Validate and report; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "export":
            self.export(options["file"], options.get("course"))
        else:
            self.import_(options["file"], dry_run=options["dry_run"])

    def export(self, path: str, course_key: str | None) -> None:
        if course_key is not None:
            try:
                validate_course_key(course_key)
            except Exception:  # noqa: BLE001 - a ValidationError, reworded for the terminal
                raise CommandError(f"{course_key!r} is not a course key") from None
        document = export_definitions(course_key)
        count = len(document["definitions"])
        if course_key is not None and not count:
            raise CommandError(f"no credential definitions for course {course_key}")
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if path == "-":
            self.stdout.write(text, ending="")
            return
        with open_for_writing(path) as output:
            output.write(text)
        self.stdout.write(f"Exported {count} definition(s) to {path}.")

    def import_(self, path: str, *, dry_run: bool) -> None:
        document = read_json_file(path)
        try:
            report = import_definitions(document, dry_run=dry_run)
        except ImportRefused as exc:
            raise CommandError(
                f"{path}: nothing imported, {len(exc.problems)} problem(s):\n" + str(exc)
            ) from None
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        verb = "would be " if dry_run else ""
        self.stdout.write(
            f"{len(report.created)} {verb}created, {len(report.updated)} {verb}updated, "
            f"{len(report.unchanged)} unchanged"
            + (" (dry run: nothing written)" if dry_run else "")
        )
        for label, slugs in (("created", report.created), ("updated", report.updated)):
            if slugs:
                self.stdout.write(f"  {verb}{label}: {', '.join(slugs)}")
