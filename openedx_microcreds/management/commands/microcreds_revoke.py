"""Revoke a credential: flip its status-list bit, record who/when/why, emit BADGE_REVOKED.

    manage.py lms microcreds_revoke AWARD_OR_CREDENTIAL_ID --reason TEXT [--by USERNAME]

Idempotent: revoking a revoked credential says so, changes nothing and exits 0.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ...revocation import RevocationError, find_award, revoke


class Command(BaseCommand):
    help = "Revoke a credential by award id or credential id (urn:uuid:...), with a reason."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("identifier", help="award uuid or credential id (urn:uuid:...)")
        parser.add_argument("--reason", required=True, help="why (recorded on the award)")
        parser.add_argument("--by", help="username of the staff member revoking (recorded)")

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"--by: no user named {options['by']!r}")
        try:
            award = find_award(options["identifier"])
            result = revoke(award, reason=options["reason"], by=by)
        except RevocationError as exc:
            raise CommandError(str(exc)) from None
        award = result.award
        prefix = "Revoked" if result.changed else "Unchanged"
        self.stdout.write(
            f"{prefix}: {award.definition.slug} of user {award.user_id} "
            f"({award.credential_id}); {result.message}"
        )
