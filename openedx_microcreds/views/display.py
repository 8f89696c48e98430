"""What the public pages show, read from the signed credential itself (what a verifier sees), not
from the definition as it is today. Plain functions from dicts to dicts: the templates only lay
out what these return, and every piece of text stays a string for the template to escape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.utils.translation import gettext as _

from ..credentials.dates import DateTimeFormatError, parse_datetime
from ..models import CredentialDefinition
from ..settings import get_setting
from . import markdown

LINKEDIN_ADD_TO_PROFILE = "https://www.linkedin.com/profile/add"


def web_url(value: Any) -> str | None:
    """``value`` when it is an absolute http(s) URL, safe to put in an href or src."""
    if not isinstance(value, str) or len(value) > 2000:
        return None
    parts = urlsplit(value.strip())
    if parts.scheme in ("http", "https") and parts.netloc:
        return value.strip()
    return None


def moment(value: Any) -> datetime | None:
    try:
        return parse_datetime(value, "date", required=False) if isinstance(value, str) else None
    except DateTimeFormatError:
        return None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _image(value: Any) -> dict | None:
    if isinstance(value, dict):
        url = web_url(value.get("id"))
        caption = _text(value.get("caption"))
    else:
        url, caption = web_url(value), ""
    return {"url": url, "caption": caption} if url else None


def _list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def issuer_of(issuer: Any) -> dict:
    issuer = issuer if isinstance(issuer, dict) else {"id": issuer}
    return {
        "id": _text(issuer.get("id")),
        "name": _text(issuer.get("name")),
        "url": web_url(issuer.get("url")),
        "description": _text(issuer.get("description")),
        "image": _image(issuer.get("image")),
    }


def alignments_of(achievement: dict) -> list[dict]:
    found = []
    for alignment in _list(achievement.get("alignment")):
        if not isinstance(alignment, dict):
            continue
        found.append(
            {
                "name": _text(alignment.get("targetName")),
                "url": web_url(alignment.get("targetUrl")),
                "code": _text(alignment.get("targetCode")),
                "framework": _text(alignment.get("targetFramework")),
                "type": _text(alignment.get("targetType")),
            }
        )
    return found


def _with_unit(value: str, result_type: str) -> str:
    return f"{value} %" if value and result_type == "Percent" else value


def result_descriptions_of(achievement: dict) -> list[dict]:
    found = []
    for description in _list(achievement.get("resultDescription")):
        if not isinstance(description, dict):
            continue
        result_type = _text(description.get("resultType"))
        found.append(
            {
                "id": _text(description.get("id")),
                "name": _text(description.get("name")),
                "type": result_type,
                "required": _with_unit(_text(description.get("requiredValue")), result_type),
            }
        )
    return found


def achievement_of(achievement: Any) -> dict:
    achievement = achievement if isinstance(achievement, dict) else {}
    criteria = achievement.get("criteria")
    narrative = criteria.get("narrative") if isinstance(criteria, dict) else None
    labels = dict(CredentialDefinition.AchievementType.choices)
    kinds = [
        str(labels.get(kind, kind))
        for kind in _list(achievement.get("achievementType"))
        if isinstance(kind, str)
    ]
    return {
        "id": _text(achievement.get("id")),
        "url": web_url(achievement.get("id")),
        "name": _text(achievement.get("name")),
        "description": _text(achievement.get("description")),
        "criteria_html": markdown.render(_text(narrative)),
        "criteria_url": web_url(criteria.get("id")) if isinstance(criteria, dict) else None,
        "type": ", ".join(kinds),
        "image": _image(achievement.get("image")),
        "alignments": alignments_of(achievement),
        "result_descriptions": result_descriptions_of(achievement),
        "version": _text(achievement.get("version")),
    }


def results_of(subject: dict, descriptions: list[dict]) -> list[dict]:
    by_id = {description["id"]: description for description in descriptions if description["id"]}
    shown = []
    for result in _list(subject.get("result")):
        if not isinstance(result, dict):
            continue
        description = by_id.get(_text(result.get("resultDescription")), {})
        value = _with_unit(_text(result.get("value")), description.get("type", ""))
        shown.append(
            {
                "name": description.get("name") or _("Result"),
                "value": value,
                "status": _text(result.get("status")),
                "required": description.get("required", ""),
            }
        )
    return shown


@dataclass(frozen=True)
class Standing:
    """The award's state in words: ``code`` is one of active, revoked, expired, superseded."""

    code: str
    label: str
    detail: str = ""
    when: datetime | None = None


def standing(award: Any, valid_until: datetime | None, now: datetime) -> Standing:
    state = award.state
    if state == "revoked":
        return Standing(
            "revoked", _("Revoked"), award.revocation_reason or "", award.revoked_at or None
        )
    if state == "superseded":
        return Standing(
            "superseded", _("Superseded"), _("A newer credential replaced this one."), None
        )
    ends = valid_until or award.valid_until
    if state == "expired" or (ends and ends <= now):
        return Standing("expired", _("Expired"), "", ends)
    return Standing("active", _("Active"), "", None)


def linkedin_url(
    *,
    name: str,
    organization: str,
    organization_id: str | int | None = None,
    issued: datetime | None,
    expires: datetime | None,
    cert_url: str,
    cert_id: str,
) -> str:
    """LinkedIn's "add to profile" link for a certification, with the parameters LinkedIn
    documents: the organization by its numeric LinkedIn id when the site has one (LinkedIn then
    links its page and logo), by name otherwise."""
    query: dict[str, Any] = {"startTask": "CERTIFICATION_NAME", "name": name}
    if organization_id:
        query["organizationId"] = organization_id
    elif organization:
        query["organizationName"] = organization
    if issued:
        query["issueYear"], query["issueMonth"] = issued.year, issued.month
    if expires:
        query["expirationYear"], query["expirationMonth"] = expires.year, expires.month
    query["certUrl"] = cert_url
    query["certId"] = cert_id
    return f"{LINKEDIN_ADD_TO_PROFILE}?{urlencode(query)}"


def evidence_of(credential: dict) -> list[dict]:
    """The credential's evidence: what it names (a course by its title) and where it points."""
    found = []
    for evidence in _list(credential.get("evidence")):
        if not isinstance(evidence, dict):
            continue
        name = _text(evidence.get("name")) or _text(evidence.get("narrative"))
        if name:
            found.append(
                {
                    "name": name,
                    "url": web_url(evidence.get("id")),
                    "genre": _text(evidence.get("genre")),
                    "description": _text(evidence.get("description")),
                }
            )
    return found


def credential_context(credential: dict) -> dict:
    """The displayable parts of a signed credential. Deliberately nothing about the recipient
    beyond how they are identified: the page is public."""
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    achievement = achievement_of(subject.get("achievement"))
    identifier = subject.get("identifier")
    identity_type = ""
    for identity in _list(identifier):
        if isinstance(identity, dict):
            identity_type = _text(identity.get("identityType"))
            break
    return {
        "id": _text(credential.get("id")),
        "name": _text(credential.get("name")) or achievement["name"],
        "issuer": issuer_of(credential.get("issuer")),
        "achievement": achievement,
        "results": results_of(subject, achievement["result_descriptions"]),
        "evidence": evidence_of(credential),
        "valid_from": moment(credential.get("validFrom")),
        "valid_until": moment(credential.get("validUntil")),
        "awarded": moment(credential.get("awardedDate")),
        "recipient_is_did": isinstance(subject.get("id"), str),
        "recipient_identity_type": identity_type,
    }


def _check_labels() -> dict[str, str]:
    return {
        "document": _("Document"),
        "key": _("Issuer's key"),
        "proof": _("Signature"),
        "issuer": _("Issuer"),
        "validity": _("Validity period"),
        "status": _("Revocation status"),
    }


def _status_labels() -> dict[str, str]:
    return {"passed": _("passed"), "failed": _("failed"), "skipped": _("skipped")}


def checks_of(checks: list[Any]) -> list[dict]:
    """Verification checks (``Check(name, status, detail)``) with words for people."""
    labels, statuses = _check_labels(), _status_labels()
    shown = []
    for check in checks:
        base, _bracket, suffix = check.name.partition("[")
        label = labels.get(base, check.name)
        shown.append(
            {
                "name": check.name,
                "label": f"{label} [{suffix}" if suffix else label,
                "status": check.status,
                "status_label": statuses.get(check.status, check.status),
                "detail": check.detail,
            }
        )
    return shown


def linkedin_url_of(shown: dict[str, Any], *, issued: datetime | None, public_url: str) -> str:
    """LinkedIn's link for a credential as the pages show it (see :func:`linkedin_url`)."""
    return linkedin_url(
        name=shown["achievement"]["name"] or shown["name"],
        organization=shown["issuer"]["name"],
        organization_id=get_setting("MICROCREDS_LINKEDIN_ORGANIZATION_ID"),
        issued=issued,
        expires=shown["valid_until"],
        cert_url=public_url,
        cert_id=shown["id"],
    )
