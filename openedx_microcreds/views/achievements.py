"""The Achievement a credential definition describes today, as the achievement page serves it:
built by the same function as the achievement credentials embed (a test compares the two)."""

from __future__ import annotations

from ..credentials import Profile
from ..credentials.loader import OB_V3, VC_V2
from ..definitions import parsed_rule
from ..issuing import achievement_for, issuer_profile
from ..models import CredentialDefinition, Issuer
from ..signing import NoActiveKeyError, active_signing_key, issuer_id


def achievement_document(definition: CredentialDefinition) -> dict:
    creator = _creator(definition.issuer)
    achievement = achievement_for(definition, parsed_rule(definition), creator)
    return {"@context": [VC_V2, OB_V3], **achievement.to_json()}


def _creator(issuer: Issuer) -> Profile | None:
    try:
        profile_id = issuer.did or issuer_id(issuer, active_signing_key(issuer))
    except NoActiveKeyError:
        return None  # no identity to name the issuer by yet
    return issuer_profile(issuer, profile_id)
