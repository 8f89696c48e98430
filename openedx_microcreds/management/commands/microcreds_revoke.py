"""Revoke a credential: flip its status-list bit, record who/when/why, emit BADGE_REVOKED; or
undo a revocation made in error (--reinstate).

    manage.py lms microcreds_revoke AWARD_OR_CREDENTIAL_ID --reason TEXT [--by USERNAME]
    manage.py lms microcreds_revoke AWARD_OR_CREDENTIAL_ID --reinstate --reason TEXT [--by ...]

Idempotent: revoking a revoked credential (or reinstating one that is not revoked) says so,
changes nothing and exits 0.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from ... import api


class Command(BaseCommand):
    help = (
        "Revoke a credential by award id or credential id (urn:uuid:...), with a reason; "
        "--reinstate undoes a revocation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("identifier", help="award uuid or credential id (urn:uuid:...)")
        parser.add_argument("--reason", required=True, help="why (recorded on the award)")
        parser.add_argument("--by", help="username of the staff member revoking (recorded)")
        parser.add_argument(
            "--reinstate",
            action="store_true",
            help="Undo the revocation: the same credential, as issued, is valid again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(f"--by: no user named {options['by']!r}")
        change = api.reinstate_award if options["reinstate"] else api.revoke_award
        try:
            award = api.get_award(options["identifier"])
            result = change(award, reason=options["reason"], by=by)
        except api.NotFound:
            raise CommandError(
                f"no award or credential with id {options['identifier']!r}"
            ) from None
        except api.ApiError as exc:
            raise CommandError(exc.message) from None
        award = result.award
        done = "Reinstated" if options["reinstate"] else "Revoked"
        prefix = done if result.changed else "Unchanged"
        self.stdout.write(
            f"{prefix}: {award.definition.slug} of user {award.user_id} "
            f"({award.credential_id}); {result.message}"
        )
