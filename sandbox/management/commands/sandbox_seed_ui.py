"""``manage.py lms sandbox_seed_ui [--base-url URL]``: the UI's sandbox data (sandbox/ui_seed.py)
on a freshly migrated database."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Seed the sandbox for the UI: Data101, its graded learners, a course author."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--base-url",
            default=None,
            help="where the LMS serves (the issuer's URL and DID); default LMS_ROOT_URL",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from openedx_microcreds.models import Issuer
        from sandbox import ui_seed

        if Issuer.objects.exists():
            raise CommandError("the database is not empty: seed a freshly migrated one")
        base_url = (options["base_url"] or settings.LMS_ROOT_URL).rstrip("/")
        with transaction.atomic():
            made = ui_seed.seed(base_url)
        self.stdout.write(
            f"Seeded {made['course']}: author {made['author']}, learners "
            f"{', '.join(made['learners'])}, staff {made['staff']}; every password "
            f"{made['password']!r}."
        )
