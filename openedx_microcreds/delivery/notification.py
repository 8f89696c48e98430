"""What the e-mail about an award event says: the credential and its issuer, why the learner
earned it (the rule engine's numbers, from the award's evidence), links to their credential's
page and to "add to wallet". One context for both ways of sending (edx-ace, Django)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from .. import wallets
from ..definitions import parsed_rule
from ..issuing import public_credential_url
from ..learner.names import DisplayNames
from ..learner.requirements import checklist
from ..models import Award
from ..platform import PlatformUser
from ..settings import issuer_base_url
from ..views import display

TEMPLATES = "openedx_microcreds/email/"


def learner_url(name: str, *args: Any) -> str:
    return issuer_base_url() + reverse(f"openedx_microcreds:{name}", args=args)


def context(award: Award, event: str, learner: PlatformUser) -> dict[str, Any]:
    """Everything the templates show; plain values (edx-ace serializes the context)."""
    document = award.credential or {}
    # Only the names and the end of validity: not the whole page context (which renders the
    # criteria's Markdown), a third of the time of building a message.
    subject = document.get("credentialSubject") or {}
    achievement = subject.get("achievement") if isinstance(subject, dict) else None
    achievement = achievement if isinstance(achievement, dict) else {}
    issuer = display.issuer_of(document.get("issuer"))
    definition = award.definition
    names = DisplayNames()
    reasons: list[tuple[int, str]] = []
    explanation = (award.evidence or {}).get("explanation")
    if event in ("issued", "renewed") and isinstance(explanation, dict):
        try:
            rule = parsed_rule(definition)
        except Exception:  # noqa: BLE001 - the rule changed since: the engine's own words
            rule = None
        reasons = checklist(rule, explanation, definition.course_key, names).lines()
    valid_until = display.moment(document.get("validUntil")) or award.valid_until
    return {
        "event": event,
        "learner_name": learner.full_name or learner.username,
        "credential_name": _text(achievement.get("name"))
        or _text(document.get("name"))
        or definition.name,
        "issuer_name": issuer["name"] or definition.issuer.name,
        "reasons": [{"depth": depth, "text": text} for depth, text in reasons],
        "revocation_reason": award.revocation_reason if event == "revoked" else "",
        "valid_until": valid_until.date().isoformat() if valid_until else "",
        "credential_url": public_credential_url(award),
        "my_credentials_url": learner_url("learner_credentials"),
        "wallet_url": learner_url("learner_wallet", str(award.uuid)),
        "wallets_available": bool(wallets.protocols()),
    }


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def render(values: dict[str, Any], language: str | None = None) -> tuple[str, str, str]:
    """(subject, plain text, HTML) in ``language`` (the site's by default)."""
    with translation.override(language or translation.get_language()):
        subject = render_to_string(TEMPLATES + "subject.txt", values)
        text = render_to_string(TEMPLATES + "body.txt", values)
        html = render_to_string(TEMPLATES + "body.html", values)
    return " ".join(subject.split()), text.strip() + "\n", html
