"""Issuers' signing keys: generate, list, rotate, retire. Secrets are never shown.

A key is *active* (signs), *rotated* (no longer signs, still listed in the issuer's did:web
document, so what it signed keeps verifying) or *retired* (unlisted: for a did:web issuer, what
it signed stops verifying). Only a did:web issuer can rotate; a did:key issuer's key is its
identity (see ``microcreds_issuer set-did``).

manage.py lms microcreds_keys generate --issuer "Example University" [--key-id key-2026]
manage.py lms microcreds_keys list [--issuer ...]
manage.py lms microcreds_keys rotate --issuer ... [--key-id ...]
manage.py lms microcreds_keys retire KEY_ID [--issuer ...] [--yes]
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q

from ...models import Award, Issuer, SigningKey
from ...signing import generate_signing_key, rotate_signing_key, verification_method
from ..utils import confirm, find_issuer, format_table


class Command(BaseCommand):
    help = "Generate, list, rotate and retire issuers' signing keys."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{generate,list,rotate,retire}"
        )
        generate = actions.add_parser("generate", help="Create the issuer's first active key.")
        generate.add_argument("--issuer", required=True, help="Issuer id or name.")
        generate.add_argument("--key-id", help="Key id (default: key-<timestamp>).")

        listing = actions.add_parser("list", help="List keys (public data only).")
        listing.add_argument("--issuer", help="Only this issuer's keys (id or name).")

        rotate = actions.add_parser(
            "rotate",
            help="Generate a new active key; the old one stops signing but stays published "
            "(did:web issuers only).",
        )
        rotate.add_argument("--issuer", required=True, help="Issuer id or name.")
        rotate.add_argument("--key-id", help="Id of the new key (default: key-<timestamp>).")

        retire = actions.add_parser(
            "retire", help="Stop signing with a key and unlist it from the issuer's DID document."
        )
        retire.add_argument("key_id", metavar="KEY_ID")
        retire.add_argument("--issuer", help="Issuer id or name (needed if the id is ambiguous).")
        retire.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, options["action"])(options)

    # --- actions -------------------------------------------------------------------------

    def generate(self, options: dict[str, Any]) -> None:
        issuer = find_issuer(options["issuer"])
        active = SigningKey.objects.filter(issuer=issuer, state=SigningKey.State.ACTIVE).first()
        if active is not None:
            if issuer.did:
                advice = f"to replace it run `microcreds_keys rotate --issuer {issuer.pk}`"
            else:
                advice = (
                    "it signs as its did:key, so it cannot simply be replaced: give the issuer a "
                    f"did:web (`microcreds_issuer set-did --issuer {issuer.pk}`) and run "
                    f"`microcreds_keys rotate --issuer {issuer.pk}`"
                )
            raise CommandError(
                f"issuer {issuer.name!r} already has an active key ({active.key_id}); {advice}"
            )
        self._check_new_key_id(issuer, options.get("key_id"))
        key = self._generate(issuer, options.get("key_id"))
        self._report_new_key(issuer, key)

    def rotate(self, options: dict[str, Any]) -> None:
        issuer = find_issuer(options["issuer"])
        self._check_new_key_id(issuer, options.get("key_id"))
        old = SigningKey.objects.filter(issuer=issuer, state=SigningKey.State.ACTIVE).first()
        if old is None:
            raise CommandError(
                f"issuer {issuer.name!r} has no active key to rotate; run "
                f"`microcreds_keys generate --issuer {issuer.pk}`"
            )
        try:
            key = rotate_signing_key(issuer, key_id=options.get("key_id"))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ImproperlyConfigured as exc:
            raise CommandError(f"cannot encrypt the new key: {exc}") from None
        self.stdout.write(
            f"Rotated out {old.key_id}: it no longer signs, and stays in the DID document so "
            "what it signed keeps verifying."
        )
        self._report_new_key(issuer, key)

    def list(self, options: dict[str, Any]) -> None:
        keys = SigningKey.objects.select_related("issuer").annotate(
            active_awards=Count("awards", filter=Q(awards__state=Award.State.ACTIVE))
        )
        if options.get("issuer"):
            keys = keys.filter(issuer=find_issuer(options["issuer"]))
        # Public columns only: the encrypted secret is never read here.
        keys = keys.only(
            "key_id", "issuer__name", "state", "created", "public_key_multibase", "retired_at"
        )
        rows = [
            (
                key.key_id,
                key.issuer.name,
                key.state,
                key.created.strftime("%Y-%m-%d %H:%M"),
                key.public_key_multibase,
                key.active_awards,
            )
            for key in keys
        ]
        if not rows:
            self.stdout.write("No signing keys.")
            return
        headers = ("KEY ID", "ISSUER", "STATE", "CREATED", "PUBLIC KEY", "ACTIVE AWARDS")
        self.stdout.write(format_table(headers, rows))

    def retire(self, options: dict[str, Any]) -> None:
        key = self._find_key(options["key_id"], options.get("issuer"))
        issuer = key.issuer
        if key.state == SigningKey.State.RETIRED:
            self.stdout.write(f"Key {key.key_id} of {issuer.name!r} is already retired.")
            return
        signed = key.awards.active().count()
        if issuer.did:
            consequence = (
                "They will STOP verifying: a retired key is removed from the issuer's DID "
                "document (revoke and re-issue them, or keep the key rotated instead)."
                if signed
                else "Nothing active depends on it."
            )
        else:
            consequence = "They keep verifying: a did:key needs no DID document."
        self.stdout.write(
            f"Key {key.key_id} of {issuer.name!r} ({key.state}) signed {signed} active "
            f"award(s). {consequence}"
        )
        if key.is_active:
            self.stdout.write(
                f"Warning: {issuer.name!r} will then have no active key: awarding its "
                "credentials fails until you generate one."
            )
        if not options["yes"] and not confirm(f"Retire key {key.key_id}?"):
            raise CommandError("not retired")
        key.retire()
        self.stdout.write(f"Retired key {key.key_id}.")

    # --- helpers -------------------------------------------------------------------------

    def _check_new_key_id(self, issuer: Issuer, key_id: str | None) -> None:
        if key_id is not None and SigningKey.objects.filter(issuer=issuer, key_id=key_id).exists():
            raise CommandError(f"issuer {issuer.name!r} already has a key named {key_id!r}")

    def _generate(self, issuer: Issuer, key_id: str | None) -> SigningKey:
        try:
            return generate_signing_key(issuer, key_id=key_id)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except ImproperlyConfigured as exc:
            raise CommandError(f"cannot encrypt the new key: {exc}") from None

    def _report_new_key(self, issuer: Issuer, key: SigningKey) -> None:
        self.stdout.write(
            f"Generated key {key.key_id} for {issuer.name!r}.\n"
            f"  public key:          {key.public_key_multibase}\n"
            f"  verification method: {verification_method(issuer, key)}"
        )
        if issuer.did:
            self.stdout.write(
                f"Publish the public key in the DID document of {issuer.did} before issuing."
            )

    def _find_key(self, key_id: str, issuer_name: str | None) -> SigningKey:
        keys = SigningKey.objects.select_related("issuer").filter(key_id=key_id)
        if issuer_name:
            issuer = find_issuer(issuer_name)
            keys = keys.filter(issuer=issuer)
        found = list(keys)
        if not found:
            where = f" of issuer {issuer.name!r}" if issuer_name else ""
            raise CommandError(f"no signing key {key_id!r}{where}")
        if len(found) > 1:
            names = ", ".join(f"{key.issuer.pk}: {key.issuer.name}" for key in found)
            raise CommandError(f"several issuers have a key {key_id!r} ({names}); pass --issuer")
        return found[0]
