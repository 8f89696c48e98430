"""Create and list issuers (the organisations credentials are issued by).

manage.py lms microcreds_issuer create --name "Example University" --url https://example.edu
manage.py lms microcreds_issuer list
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from ...models import Issuer, SigningKey
from ..utils import format_table


class Command(BaseCommand):
    help = "Create or list credential issuers."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{create,list}")
        create = actions.add_parser("create", help="Create an issuer.")
        create.add_argument("--name", required=True, help="The organisation's name.")
        create.add_argument("--url", required=True, help="The organisation's home page.")
        create.add_argument("--email", default="", help="Public contact email.")
        create.add_argument("--did", default="", help="The issuer's DID (did:web:...), if any.")
        create.add_argument("--description", default="")
        create.add_argument("--image-url", default="")
        actions.add_parser("list", help="List issuers.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self.create(options)
        else:
            self.list()

    def create(self, options: dict[str, Any]) -> None:
        name = options["name"].strip()
        if Issuer.objects.filter(name__iexact=name).exists():
            raise CommandError(f"an issuer named {name!r} exists already")
        did = options["did"].strip()
        if did and not did.startswith("did:"):
            raise CommandError(f"--did: {did!r} is not a DID (did:web:... or did:key:...)")
        issuer = Issuer(
            name=name,
            url=options["url"].strip(),
            email=options["email"].strip(),
            did=did,
            description=options["description"],
            image_url=options["image_url"].strip(),
        )
        try:
            issuer.full_clean()
        except ValidationError as exc:
            lines = [
                f"--{field.replace('_', '-')}: {' '.join(messages)}"
                for field, messages in exc.message_dict.items()
            ]
            raise CommandError("\n".join(lines)) from None
        issuer.save()
        self.stdout.write(
            f"Created issuer {issuer.name!r} (id {issuer.pk}). Give it a signing key with:\n"
            f"  manage.py lms microcreds_keys generate --issuer {issuer.pk}"
        )

    def list(self) -> None:
        issuers = Issuer.objects.annotate(
            active_keys=Count("signing_keys", filter=Q(signing_keys__state=SigningKey.State.ACTIVE))
        )
        rows = [
            (issuer.pk, issuer.name, issuer.url, issuer.did or "-", issuer.active_keys)
            for issuer in issuers
        ]
        if not rows:
            self.stdout.write("No issuers yet: create one with `microcreds_issuer create`.")
            return
        self.stdout.write(format_table(("ID", "NAME", "URL", "DID", "ACTIVE KEYS"), rows))
