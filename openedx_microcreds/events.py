"""Events out: BADGE_AWARDED and BADGE_REVOKED, as openedx/credentials emits them."""

from __future__ import annotations

import logging

from openedx_events.learning.data import (
    BadgeData,
    BadgeTemplateData,
    UserData,
    UserPersonalData,
)
from openedx_events.learning.signals import BADGE_AWARDED, BADGE_REVOKED

from .models import Award
from .platform import PlatformUser, get_platform

log = logging.getLogger(__name__)
ORIGIN = "openedx_microcreds"


def badge_data(award: Award, learner: PlatformUser | None = None) -> BadgeData:
    definition = award.definition
    learner = learner or get_platform().get_user(award.user_id)
    pii = UserPersonalData(
        username=learner.username if learner else "",
        email=learner.email if learner else "",
        name=learner.full_name if learner else "",
    )
    return BadgeData(
        uuid=str(award.uuid),
        user=UserData(id=award.user_id, is_active=bool(learner and learner.is_active), pii=pii),
        template=BadgeTemplateData(
            uuid=str(definition.uuid),
            origin=ORIGIN,
            name=definition.name,
            description=definition.description,
            image_url=definition.image_url or None,
        ),
    )


def emit_badge_awarded(award: Award, learner: PlatformUser | None = None) -> None:
    BADGE_AWARDED.send_event(badge=badge_data(award, learner))


def emit_badge_revoked(award: Award) -> None:
    BADGE_REVOKED.send_event(badge=badge_data(award))
