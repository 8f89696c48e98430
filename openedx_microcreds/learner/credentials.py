"""The signed-in learner's credentials, as their page shows them, and the files they download
(the credential JSON, and badge images with the credential baked in).

Every function takes the owner's user id and finds nothing for anyone else's award: the
ownership check lives in the query, not in the callers.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from .. import artwork, wallets
from ..credentials.baking import bake_png, bake_svg
from ..issuing import public_credential_url
from ..models import Award
from ..views import display

SHOWN_STATES = (Award.State.ACTIVE, Award.State.EXPIRED, Award.State.REVOKED)


@dataclass
class HeldCredential:
    award: Award
    shown: dict[str, Any]
    standing: display.Standing
    image_src: str  # an https URL the credential names, or the generated artwork (data: URI)
    public_url: str
    linkedin_url: str
    deliveries: list[wallets.WalletDelivery] = field(default_factory=list)
    # Where each backpack delivery stands (backpacks.status.DeliveryView), when asked for.
    backpacks: list = field(default_factory=list)

    @property
    def uuid(self) -> str:
        return str(self.award.uuid)

    @property
    def is_active(self) -> bool:
        return self.standing.code == "active"


def own_award(user_id: int, award_id: str) -> Award | None:
    """The learner's award ``award_id`` (its public uuid), or None: unknown, malformed, not
    issued yet, or someone else's all look the same."""
    try:
        parsed = uuid.UUID(award_id)
    except (ValueError, TypeError):
        return None
    if str(parsed) != award_id:
        return None
    return (
        Award.objects.select_related("definition__issuer")
        .filter(uuid=parsed, user_id=user_id)
        .exclude(credential_json="")
        .first()
    )


def artwork_seed(award: Award) -> str:
    return str(award.definition.uuid)


def image_src(award: Award, shown: dict[str, Any]) -> str:
    image = shown["achievement"]["image"]
    if image and image["url"].startswith("https://"):
        return image["url"]  # the browser loads it; the server never fetches it
    svg = artwork.badge_svg(shown["achievement"]["name"] or shown["name"], artwork_seed(award))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def held(user_id: int, *, award_pk: int | None = None) -> list[HeldCredential]:
    """The learner's credentials, newest first: active, expired and revoked (renewed ones are
    replaced by their renewal). ``award_pk`` limits them to one award."""
    awards = (
        Award.objects.select_related("definition__issuer")
        .filter(user_id=user_id, state__in=SHOWN_STATES)
        .exclude(credential_json="")
        .order_by("-issued_at", "-pk")
    )
    if award_pk is not None:
        awards = awards.filter(pk=award_pk)
    now = timezone.now()
    awards = list(awards)
    delivered = wallets.deliveries_of_many(awards)  # one look per protocol for the lot
    found = []
    for award in awards:
        shown = display.credential_context(award.credential)
        issued = shown["awarded"] or shown["valid_from"]
        public_url = public_credential_url(award)
        found.append(
            HeldCredential(
                award=award,
                shown=shown,
                standing=display.standing(award, shown["valid_until"], now),
                image_src=image_src(award, shown),
                public_url=public_url,
                linkedin_url=display.linkedin_url_of(shown, issued=issued, public_url=public_url),
                deliveries=delivered[award.pk],
            )
        )
    return found


def filename(award: Award, extension: str) -> str:
    return f"{award.definition.slug}-{award.uuid}.{extension}"


def baked_png(award: Award) -> bytes:
    """The badge artwork as a PNG with the signed credential in its openbadgecredential chunk."""
    name = display.credential_context(award.credential)["achievement"]["name"]
    png = artwork.badge_png(name or award.definition.name, artwork_seed(award))
    return bake_png(png, award.credential_json)


def baked_svg(award: Award) -> str:
    """The badge artwork as an SVG with the signed credential in openbadges:credential."""
    name = display.credential_context(award.credential)["achievement"]["name"]
    svg = artwork.badge_svg(name or award.definition.name, artwork_seed(award))
    return bake_svg('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, award.credential_json)
