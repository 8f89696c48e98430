"""Re-issue an award to the DID a wallet proved control of, and say where copies went.

The copy is the award's own signed credential with three changes: a new ``id``, a
``credentialSubject`` identified by the holder's DID (instead of the salted e-mail hash), and a
fresh proof by the issuer's active key. Achievement, results, evidence, dates and the status
entry are the award's: revoking the award flips the one bit every copy points at.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from ..credentials import sign
from ..models import Award, Issuer, SigningKey, new_credential_id
from ..settings import get_setting
from ..signing import active_signing_key, issuer_id, load_private_key, verification_method
from . import WalletDelivery
from .exchanges import advance
from .models import WalletCopy, WalletExchange

log = logging.getLogger(__name__)


def copy_document(award: Award, holder_did: str, issuer: Issuer, key: SigningKey) -> dict:
    """The unsigned copy of ``award``'s credential for ``holder_did``."""
    original = award.credential
    if original is None:
        raise ValueError(f"award {award.pk} has no credential to copy")
    document = {name: value for name, value in original.items() if name != "proof"}
    document["id"] = new_credential_id()
    subject = {
        name: value
        for name, value in original["credentialSubject"].items()
        if name not in ("id", "identifier")
    }
    document["credentialSubject"] = {"id": holder_did, **subject}
    _follow_issuer_identity(document, issuer_id(issuer, key))
    return document


def _follow_issuer_identity(document: dict, current: str) -> None:
    """An issuer given a did:web after the award signs as that DID now: name it so in the copy
    (issuer and achievement creator), or verifiers would find a key its issuer does not own."""
    issuer = document.get("issuer")
    previous = issuer.get("id") if isinstance(issuer, dict) else issuer
    if previous == current:
        return
    document["issuer"] = {**issuer, "id": current} if isinstance(issuer, dict) else current
    achievement = document["credentialSubject"].get("achievement") or {}
    creator = achievement.get("creator")
    if isinstance(creator, dict) and creator.get("id") == previous:
        document["credentialSubject"]["achievement"] = {
            **achievement,
            "creator": {**creator, "id": current},
        }


@dataclass(frozen=True)
class Delivered:
    copy: WalletCopy
    credential: dict[str, Any]  # the signed copy


def deliver_copy(
    exchange: WalletExchange, holder_did: str, now: datetime, *, from_state: str
) -> Delivered:
    """Sign the copy of ``exchange``'s award for ``holder_did``, store it and close the exchange,
    all in one transaction: either the wallet gets its credential and the exchange is spent, or
    neither (ExchangeError("used") when another request closed it first)."""
    award = exchange.award
    issuer = award.definition.issuer
    with transaction.atomic():
        key = active_signing_key(issuer)
        document = copy_document(award, holder_did, issuer, key)
        signed = sign(
            document,
            load_private_key(key),
            cryptosuite=get_setting("MICROCREDS_DEFAULT_CRYPTOSUITE"),
            verification_method=verification_method(issuer, key),
            created=now,
        )
        advance(exchange, from_state, WalletExchange.State.CLAIMED, claimed_at=now)
        copy = WalletCopy.objects.create(
            award=award,
            exchange=exchange,
            protocol=exchange.protocol,
            holder_did=holder_did,
            credential_id=document["id"],
            credential_json=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
            signing_key=key,
            delivered_at=now,
        )
    log.info("award %s delivered to a wallet (%s), copy %s", award.pk, exchange.protocol, copy.pk)
    return Delivered(copy, signed)


def deliveries_of(award: Award, protocol: str, label: str) -> list[WalletDelivery]:
    return deliveries_of_awards([award], protocol, label)[award.pk]


def deliveries_of_awards(
    awards: list[Award], protocol: str, label: str
) -> dict[int, list[WalletDelivery]]:
    """The copies of these awards delivered through ``protocol``, by award id, in one query."""
    found: dict[int, list[WalletDelivery]] = {award.pk: [] for award in awards}
    copies = WalletCopy.objects.filter(award__in=awards, protocol=protocol).order_by(
        "delivered_at", "pk"
    )
    for copy in copies:
        found[copy.award_id].append(
            WalletDelivery(
                protocol=protocol,
                label=label,
                holder=copy.holder_did,
                delivered_at=copy.delivered_at,
                credential_id=copy.credential_id,
            )
        )
    return found


def signed_copy(copy: WalletCopy) -> dict[str, Any]:
    return json.loads(copy.credential_json)
