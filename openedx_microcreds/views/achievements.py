"""The Achievement a credential definition describes today, as the achievement page serves it.

It mirrors the achievement part of :func:`openedx_microcreds.issuing.build_credential`, so the
document at an achievement's id is the one its credentials embed (a test compares the two).
"""

from __future__ import annotations

from .. import rules
from ..awarding import parsed_rule
from ..credentials import Achievement, Alignment, Image, Profile, ResultDescription
from ..credentials.loader import OB_V3, VC_V2
from ..issuing import achievement_url
from ..models import CredentialDefinition, Issuer
from ..signing import NoActiveKeyError, active_signing_key, issuer_id


def achievement_document(definition: CredentialDefinition) -> dict:
    rule = parsed_rule(definition)
    achievement_id = achievement_url(definition)
    descriptions = [
        ResultDescription(
            id=f"{achievement_id}#result-{threshold.clause_id}",
            name=threshold.name,
            result_type=threshold.result_type,
            required_value=threshold.required_value,
            value_min="0" if threshold.result_type == "Percent" else None,
            value_max="100" if threshold.result_type == "Percent" else None,
        )
        for threshold in rules.thresholds(rule)
    ]
    alignments = [
        Alignment(
            target_name=competency.name,
            target_url=competency.url,
            target_code=competency.code,
            target_framework=competency.framework,
            target_type="ceasn:Competency",
        )
        for competency in rules.competencies(rule)
    ]
    alignments += [
        Alignment(
            target_name=extra["targetName"],
            target_url=extra["targetUrl"],
            target_code=extra.get("targetCode"),
            target_framework=extra.get("targetFramework"),
            target_type=extra.get("targetType"),
        )
        for extra in definition.alignments or []
    ]
    achievement = Achievement(
        id=achievement_id,
        name=definition.name,
        description=definition.description or definition.name,
        criteria_narrative=definition.criteria_narrative or rules.describe(rule),
        achievement_type=definition.achievement_type,
        image=Image(definition.image_url, caption=definition.name)
        if definition.image_url
        else None,
        alignments=alignments,
        result_descriptions=descriptions,
        creator=_creator(definition.issuer),
        version=str(definition.version),
    )
    return {"@context": [VC_V2, OB_V3], **achievement.to_json()}


def _creator(issuer: Issuer) -> Profile | None:
    try:
        profile_id = issuer.did or issuer_id(issuer, active_signing_key(issuer))
    except NoActiveKeyError:
        return None  # no identity to name the issuer by yet
    return Profile(
        id=profile_id,
        name=issuer.name,
        url=issuer.url or None,
        email=issuer.email or None,
        description=issuer.description or None,
        image=Image(issuer.image_url) if issuer.image_url else None,
    )
