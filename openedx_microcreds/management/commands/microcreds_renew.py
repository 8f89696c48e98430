"""Renew credentials that expire soon (when the rule still holds) and expire lapsed ones.

    manage.py lms microcreds_renew [--window-days N]

The same job runs periodically on Celery beat (``openedx-microcreds-renew-expiring``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ...renewal import renew_expiring
from ...settings import get_setting


class Command(BaseCommand):
    help = "Renew credentials expiring within a window; mark lapsed ones expired."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--window-days",
            type=int,
            default=None,
            help="renew credentials expiring within this many days "
            "(default: MICROCREDS_RENEWAL_WINDOW_DAYS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        window = options["window_days"]
        if window is None:
            window = get_setting("MICROCREDS_RENEWAL_WINDOW_DAYS")
        summary = renew_expiring(window)
        self.stdout.write(
            f"Renewed {len(summary.renewed)}, not renewed (rule no longer met) "
            f"{len(summary.not_renewed)}, expired {len(summary.expired)}, "
            f"failed {len(summary.failed)} (window {window} days)."
        )
        for award, error in summary.failed:
            self.stderr.write(f"  {award.uuid}: {error}")
