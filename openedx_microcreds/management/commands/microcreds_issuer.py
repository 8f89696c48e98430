"""Create and list issuers (the organisations credentials are issued by), and give an issuer a
did:web identity.

    manage.py lms microcreds_issuer create --name "Example University" --url https://example.edu
    manage.py lms microcreds_issuer create --name N --url U --site-did --with-key --unless-any
    manage.py lms microcreds_issuer list
    manage.py lms microcreds_issuer set-did --issuer ID_OR_NAME [--did did:web:...]

The last form is for deployment scripts run on every deploy (the Tutor plugin's init task): it
creates the site's first issuer with this site's did:web and a signing key, in one transaction,
and does nothing once any issuer exists (so an issuer the operator renamed or edited is left alone).

An issuer without a DID signs as the did:key of its active key: the key *is* its identity, so
its key cannot be rotated. With a did:web the issuer keeps its identity across key rotations.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import Count, Q

from ...credentials import KeyFormatError
from ...credentials.keys import did_web_document_url
from ...field_checks import did_problem
from ...models import Award, Issuer, SigningKey
from ...settings import issuer_base_url
from ...signing import did_for_base_url, generate_signing_key
from ..utils import find_issuer, format_table


def checked_did(did: str) -> str:
    """``did`` if it is a did:web identifier (the only kind an issuer row may name)."""
    try:
        did_web_document_url(did)
    except KeyFormatError:
        raise CommandError(
            f"--did: {did!r} is not a did:web identifier (did:web:host:path)"
        ) from None
    if did == "did:web:" or not did[len("did:web:") :].split(":")[0]:
        raise CommandError(f"--did: {did!r} names no host")
    problem = did_problem(did)  # what the Issuer model accepts (field_checks)
    if problem is not None:
        raise CommandError(f"--did: {problem}")
    return did


class Command(BaseCommand):
    help = "Create or list credential issuers, or give one a did:web identity."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{create,list,set-did}"
        )
        create = actions.add_parser("create", help="Create an issuer.")
        create.add_argument("--name", required=True, help="The organisation's name.")
        create.add_argument("--url", required=True, help="The organisation's home page.")
        create.add_argument("--email", default="", help="Public contact email.")
        create.add_argument("--did", default="", help="The issuer's did:web, if it has one.")
        create.add_argument(
            "--site-did",
            action="store_true",
            help="Give it this site's did:web (as set-did does without --did).",
        )
        create.add_argument(
            "--with-key", action="store_true", help="Also generate its first signing key."
        )
        create.add_argument(
            "--unless-any",
            action="store_true",
            help="Do nothing if any issuer exists already (for setup scripts run on every deploy).",
        )
        create.add_argument("--description", default="")
        create.add_argument("--image-url", default="")
        actions.add_parser("list", help="List issuers.")
        set_did = actions.add_parser("set-did", help="Give an issuer a did:web identity.")
        set_did.add_argument("--issuer", required=True, help="Issuer id or name.")
        set_did.add_argument(
            "--did",
            help="The did:web (default: this site's issuer DID, "
            "did:web:<MICROCREDS_ISSUER_BASE_URL host>:microcreds:issuer).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self.create(options)
        elif options["action"] == "set-did":
            self.set_did(options)
        else:
            self.list()

    def create(self, options: dict[str, Any]) -> None:
        if options["unless_any"] and Issuer.objects.exists():
            self.stdout.write("An issuer exists already: nothing created.")
            return
        name = options["name"].strip()
        if Issuer.objects.filter(name__iexact=name).exists():
            raise CommandError(f"an issuer named {name!r} exists already")
        did = options["did"].strip()
        if did and options["site_did"]:
            raise CommandError("give --did or --site-did, not both")
        if options["site_did"]:
            did = self._site_did()
        if did:
            self._check_free(checked_did(did), None)
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
        # One transaction: a key that cannot be made (no MICROCREDS_SECRET_KEYS) leaves no
        # keyless issuer behind, which --unless-any would then skip on the next run.
        with transaction.atomic():
            issuer.save()
            key = self._first_key(issuer) if options["with_key"] else None
        self.stdout.write(f"Created issuer {issuer.name!r} (id {issuer.pk}).")
        if did:
            self.stdout.write(f"It signs as {did}, served at {did_web_document_url(did)}.")
        if key is None:
            self.stdout.write(
                "Give it a signing key with:\n"
                f"  manage.py lms microcreds_keys generate --issuer {issuer.pk}"
            )
        else:
            self.stdout.write(f"Generated its signing key {key.key_id}.")

    def _site_did(self) -> str:
        try:
            return did_for_base_url(issuer_base_url())
        except (ImproperlyConfigured, KeyFormatError) as exc:
            raise CommandError(f"cannot derive this site's did:web ({exc}); pass --did") from None

    def _first_key(self, issuer: Issuer) -> SigningKey:
        try:
            return generate_signing_key(issuer)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ImproperlyConfigured as exc:
            raise CommandError(f"cannot encrypt the new key: {exc}") from None

    def set_did(self, options: dict[str, Any]) -> None:
        issuer = find_issuer(options["issuer"])
        did = checked_did(options["did"].strip()) if options.get("did") else self._site_did()
        if did == issuer.did:
            self.stdout.write(f"{issuer.name!r} already is {did}.")
            return
        self._check_free(did, issuer)
        previous = issuer.did or "the did:key of its active key"
        issued = Award.objects.active().filter(definition__issuer=issuer).count()
        issuer.did = did
        issuer.save(update_fields=["did", "modified"])
        self.stdout.write(
            f"{issuer.name!r} now signs as {did} (was {previous}).\n"
            f"Its DID document must be served at {did_web_document_url(did)}."
        )
        if issued and previous.startswith("did:web:"):
            self.stdout.write(
                f"{issued} active award(s) name {previous}: they verify only while its DID "
                "document stays served."
            )
        elif issued:
            self.stdout.write(
                f"{issued} active award(s) name the did:key identity; they keep verifying (a "
                "did:key needs no document). New credentials name the new DID."
            )

    def _check_free(self, did: str, issuer: Issuer | None) -> None:
        others = Issuer.objects.filter(did=did)
        if issuer is not None:
            others = others.exclude(pk=issuer.pk)
        other = others.first()
        if other is not None:
            raise CommandError(f"issuer {other.name!r} (id {other.pk}) already is {did}")

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
