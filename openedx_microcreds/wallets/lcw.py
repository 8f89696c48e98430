"""Claiming into the DCC Learner Credential Wallet (LCW): a VC-API exchange with DID
Authentication, as LCW 2.x speaks it.

An offer is an exchange, named by a random code in its URLs:

- the interaction URL (``.../wallet/lcw/<code>?iuv=1``), which LCW's QR scanner reads: a GET with
  ``Accept: application/json`` answers ``{"protocols": {"vcapi": <exchange URL>}}``;
- the invitation ``https://lcw.app/request?request=<JSON>`` (a universal link that opens LCW on
  the phone), whose JSON names the same exchange URL;
- the legacy deep link ``dccrequest://request?issuer=..&vc_request_url=..&challenge=..
  &auth_type=bearer`` of older LCW versions, which POST the signed presentation straight to
  ``vc_request_url`` (with the challenge, without a domain) and expect the credential back.

On the exchange URL, ``POST {}`` answers a VerifiablePresentationRequest for DIDAuthentication
with a challenge and a domain; ``POST {"verifiablePresentation": VP}`` checks the presentation
(signature, challenge, domain, the holder controls the key, fresh) and answers the award
re-issued to the holder's DID, inside a presentation. The exchange then is spent.

The challenge is derived from the exchange's code (see ``codes.derived``): each exchange has its
own, and the database stores neither.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from django.urls import reverse
from django.utils import timezone

from ..credentials.loader import VC_V2
from ..credentials.presentations import verify_did_authentication
from ..models import Award
from ..settings import issuer_base_url
from ..signing import active_signing_key, issuer_id
from . import WalletDelivery, WalletOffer, WalletProtocol
from .codes import derived
from .copies import deliver_copy, deliveries_of, deliveries_of_awards
from .exchanges import check_code, check_open, check_owner, exchange_for, open_exchange
from .models import WalletExchange, WalletProtocolName

PROTOCOL = WalletProtocolName.LCW.value
LABEL = "Learner Credential Wallet"
INVITATION_BASE = "https://lcw.app/request"
LEGACY_SCHEME = "dccrequest://request"


class LcwProtocol(WalletProtocol):
    name = PROTOCOL
    label = LABEL

    def offer(self, award: Award, request: Any) -> WalletOffer:
        check_owner(award, request)
        exchange, code = open_exchange(award, PROTOCOL)
        return WalletOffer(
            protocol=PROTOCOL,
            label=LABEL,
            url=invitation_url(code),
            qr=interaction_url(code),
            expires_at=exchange.expires_at,
            instructions="In the Learner Credential Wallet: Add credential, then Scan QR code.",
            links=(("Older Learner Credential Wallet versions", legacy_link(code, award)),),
        )

    def deliveries(self, award: Award) -> list[WalletDelivery]:
        return deliveries_of(award, PROTOCOL, LABEL)

    def deliveries_of_many(self, awards: list[Award]) -> dict[int, list[WalletDelivery]]:
        return deliveries_of_awards(awards, PROTOCOL, LABEL)


# ---------------------------------------------------------------- addresses


def _absolute(name: str, code: str) -> str:
    return issuer_base_url() + reverse(f"openedx_microcreds:{name}", args=[code])


def interaction_url(code: str) -> str:
    return _absolute("wallet_lcw_interaction", code) + "?iuv=1"


def exchange_url(code: str) -> str:
    return _absolute("wallet_lcw_exchange", code)


def legacy_request_url(code: str) -> str:
    return _absolute("wallet_lcw_request", code)


def invitation_url(code: str) -> str:
    invitation = {"credentialRequestOrigin": domain(), "protocols": {"vcapi": exchange_url(code)}}
    text = json.dumps(invitation, separators=(",", ":"))
    return f"{INVITATION_BASE}?request={quote(text, safe='')}"


def legacy_link(code: str, award: Award) -> str:
    issuer = award.definition.issuer
    query = urlencode(
        {
            "issuer": issuer_id(issuer, active_signing_key(issuer)),
            "vc_request_url": legacy_request_url(code),
            "challenge": challenge_for(code),
            "auth_type": "bearer",
        }
    )
    return f"{LEGACY_SCHEME}?{query}"


def domain() -> str:
    """The origin the DIDAuth proof must name: this site's."""
    parts = urlsplit(issuer_base_url())
    return f"{parts.scheme}://{parts.netloc}"


def challenge_for(code: str) -> str:
    return derived(code, "lcw challenge")


# ---------------------------------------------------------------- the exchange


def interaction(code: str, now: datetime | None = None) -> dict:
    """What the interaction URL answers: the protocols this offer speaks (VC-API only)."""
    check_code(PROTOCOL, code, now or timezone.now())
    return {"protocols": {"vcapi": exchange_url(code)}}


def presentation_request(code: str, now: datetime | None = None) -> dict:
    """The answer to ``POST {}``: DIDAuthentication with this exchange's challenge."""
    check_code(PROTOCOL, code, now or timezone.now())
    return {
        "verifiablePresentationRequest": {
            "query": [{"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}],
            "challenge": challenge_for(code),
            "domain": domain(),
            "interact": {
                "service": [
                    {
                        "type": "UnmediatedHttpPresentationService2021",
                        "serviceEndpoint": exchange_url(code),
                    }
                ]
            },
        }
    }


def receive_presentation(
    code: str, presentation: object, *, legacy: bool = False, now: datetime | None = None
) -> dict:
    """Check the DIDAuth presentation and return the signed copy for its holder.

    Raises ExchangeError (unknown, expired, used, inactive) or PresentationError (the check
    that failed). ``legacy``: the older request flow, whose proof has no domain.
    """
    now = now or timezone.now()
    exchange = exchange_for(PROTOCOL, code=code)
    check_open(exchange, now)
    holder = verify_did_authentication(
        presentation,
        challenge=challenge_for(code),
        domain=domain(),
        require_domain=not legacy,
        not_before=exchange.created,
        now=now,
    )
    return deliver_copy(
        exchange, holder.did, now, from_state=WalletExchange.State.OFFERED
    ).credential


def presentation_of(credential: dict) -> dict:
    """The exchange's final answer: the credential in an (unsigned) presentation."""
    return {
        "verifiablePresentation": {
            "@context": [VC_V2],
            "type": ["VerifiablePresentation"],
            "verifiableCredential": [credential],
        }
    }
