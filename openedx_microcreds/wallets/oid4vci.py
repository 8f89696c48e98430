"""Claiming with OpenID for Verifiable Credential Issuance 1.0: the pre-authorized code flow,
format ``ldp_vc``, key proofs of type ``jwt``.

The LMS is both the credential issuer and its authorization server; its identifier is
``<base>/microcreds/oid4vci``. An offer is ``openid-credential-offer://?credential_offer_uri=..``;
the offer URI (which holds the offer's random code) answers the credential offer, whose
pre-authorized code is derived from that code. The wallet trades the pre-authorized code (and
the transaction code, when offers require one) for an access token at the token endpoint, gets a
``c_nonce`` from the nonce endpoint, and sends the credential endpoint a key proof: a JWT signed
by its key, naming it by ``kid`` (did:key, did:jwk) or ``jwk`` (bound as its did:jwk), for our
audience, with the nonce. The answer is the award re-issued to that DID.

Requests in the 1.0 shape (``credential_configuration_id``, ``proofs``) and in the Draft 14
shape (``format`` + ``credential_definition``, ``proof``) are both accepted; each is answered in
its own shape. Errors use the specification's codes (section 6.3 for the token endpoint, 8.3.1
for the credential endpoint).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from ..credentials.jwt_proofs import ALGORITHMS, KeyProofError, verify_key_proof
from ..credentials.loader import OB_V3, VC_V2
from ..models import Award
from ..settings import get_setting, issuer_base_url
from . import WalletDelivery, WalletOffer, WalletProtocol
from .codes import code_hash, derived, keyed_hash, new_code, same
from .copies import deliver_copy, deliveries_of, deliveries_of_awards
from .exchanges import ExchangeError, advance, check_open, check_owner, exchange_for
from .exchanges import open_exchange as _open_exchange
from .models import WalletExchange, WalletProtocolName
from .nonces import (
    NonceError,
    check_nonce,
    forget_spent_nonces,
    new_nonce,
    nonce_lifetime,
    spend_nonce,
)

log = logging.getLogger(__name__)

PROTOCOL = WalletProtocolName.OID4VCI.value
LABEL = "OpenID4VCI wallet"
OFFER_SCHEME = "openid-credential-offer://"
PRE_AUTHORIZED_GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"
CONFIGURATION_ID = "OpenBadgeCredential"
FORMAT = "ldp_vc"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
TX_CODE_DIGITS = 6
TX_CODE_MAX_FAILURES = 5


class Oid4vciError(Exception):
    """An error answer: an OAuth / OpenID4VCI ``error`` code, its description and status."""

    def __init__(self, error: str, description: str, status: int = 400):
        self.error = error
        self.description = description
        self.status = status
        super().__init__(f"{error}: {description}")


class Oid4vciProtocol(WalletProtocol):
    name = PROTOCOL
    label = LABEL

    def offer(self, award: Award, request: Any) -> WalletOffer:
        check_owner(award, request)
        tx_code = None
        if get_setting("MICROCREDS_WALLET_TX_CODE"):
            tx_code = f"{secrets.randbelow(10**TX_CODE_DIGITS):0{TX_CODE_DIGITS}d}"
        exchange, code = open_exchange(award, tx_code)
        link = f"{OFFER_SCHEME}?{urlencode({'credential_offer_uri': offer_uri(code)})}"
        instructions = ""
        if tx_code:
            instructions = f"When the wallet asks for a transaction code, enter {tx_code}."
        return WalletOffer(
            protocol=PROTOCOL,
            label=LABEL,
            url=link,
            qr=link,
            expires_at=exchange.expires_at,
            instructions=instructions,
        )

    def deliveries(self, award: Award) -> list[WalletDelivery]:
        return deliveries_of(award, PROTOCOL, LABEL)

    def deliveries_of_many(self, awards: list[Award]) -> dict[int, list[WalletDelivery]]:
        return deliveries_of_awards(awards, PROTOCOL, LABEL)


def open_exchange(
    award: Award, tx_code: str | None = None, now: datetime | None = None
) -> tuple[WalletExchange, str]:
    """An OpenID4VCI exchange of ``award`` (its code is in the offer URI)."""

    def fields(code: str) -> dict[str, Any]:
        return {
            "grant_hash": code_hash(pre_authorized_code(code)),
            "tx_code_hash": _tx_code_hash(code_hash(code), tx_code) if tx_code else "",
        }

    return _open_exchange(award, PROTOCOL, now, fields)


def pre_authorized_code(code: str) -> str:
    return derived(code, "oid4vci pre-authorized code")


def _tx_code_hash(exchange_code_hash: str, tx_code: str) -> str:
    return keyed_hash(f"{exchange_code_hash}:{tx_code}", "tx_code")


# ---------------------------------------------------------------- addresses and metadata


def _url(name: str, *args: str) -> str:
    return issuer_base_url() + reverse(f"openedx_microcreds:{name}", args=args)


def credential_issuer() -> str:
    """The credential issuer identifier (and authorization server issuer)."""
    return _url("wallet_oid4vci_issuer")


def offer_uri(code: str) -> str:
    return _url("wallet_oid4vci_offer", code)


def issuer_metadata() -> dict:
    """Credential issuer metadata (section 12.2), in the 1.0 shape with the Draft 14 fields
    older wallets read (``display`` on the configuration)."""
    name = getattr(settings, "PLATFORM_NAME", "") or "Open edX"
    display = {"name": "Open Badge", "locale": "en", "description": "An Open Badges 3.0 credential"}
    return {
        "credential_issuer": credential_issuer(),
        "credential_endpoint": _url("wallet_oid4vci_credential"),
        "nonce_endpoint": _url("wallet_oid4vci_nonce"),
        "display": [{"name": name, "locale": "en"}],
        "credential_configurations_supported": {
            CONFIGURATION_ID: {
                "format": FORMAT,
                "cryptographic_binding_methods_supported": ["did:key", "did:jwk"],
                "credential_signing_alg_values_supported": [
                    get_setting("MICROCREDS_DEFAULT_CRYPTOSUITE")
                ],
                "proof_types_supported": {
                    "jwt": {"proof_signing_alg_values_supported": list(ALGORITHMS)}
                },
                "credential_definition": {"@context": [VC_V2, OB_V3], "type": CREDENTIAL_TYPES},
                "credential_metadata": {"display": [display]},
                "display": [display],
            }
        },
    }


def authorization_server_metadata() -> dict:
    """RFC 8414 metadata of the (same) authorization server: pre-authorized code only."""
    return {
        "issuer": credential_issuer(),
        "token_endpoint": _url("wallet_oid4vci_token"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


# ---------------------------------------------------------------- the flow


def credential_offer(code: str, now: datetime | None = None) -> dict:
    """The credential offer the offer URI answers (section 4.1)."""
    exchange = exchange_for(PROTOCOL, code=code)
    check_open(exchange, now or timezone.now())
    grant: dict[str, Any] = {"pre-authorized_code": pre_authorized_code(code)}
    if exchange.tx_code_hash:
        grant["tx_code"] = {
            "input_mode": "numeric",
            "length": TX_CODE_DIGITS,
            "description": "The code shown next to the QR code on your credentials page",
        }
    return {
        "credential_issuer": credential_issuer(),
        "credential_configuration_ids": [CONFIGURATION_ID],
        "grants": {PRE_AUTHORIZED_GRANT: grant},
    }


def token(params: Mapping[str, str], now: datetime | None = None) -> dict:
    """The token endpoint (section 6): a pre-authorized code for an access token, once."""
    now = now or timezone.now()
    if params.get("grant_type") != PRE_AUTHORIZED_GRANT:
        raise Oid4vciError(
            "unsupported_grant_type", f"only the grant type {PRE_AUTHORIZED_GRANT} is supported"
        )
    grant = params.get("pre-authorized_code")
    if not grant:
        raise Oid4vciError("invalid_request", "pre-authorized_code is missing")
    try:
        exchange = exchange_for(PROTOCOL, grant=grant)
        check_open(exchange, now)
    except ExchangeError as exc:
        raise Oid4vciError("invalid_grant", str(exc)) from None
    _check_tx_code(exchange, params.get("tx_code"))
    access_token = new_code()
    lifetime = get_setting("MICROCREDS_WALLET_TOKEN_TTL_SECONDS")
    try:
        advance(
            exchange,
            WalletExchange.State.OFFERED,
            WalletExchange.State.TOKEN_ISSUED,
            token_hash=code_hash(access_token),
            token_expires_at=now + timedelta(seconds=lifetime),
        )
    except ExchangeError as exc:
        raise Oid4vciError("invalid_grant", str(exc)) from None
    answer: dict[str, Any] = {
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": lifetime,
        # Draft 13 wallets read the first nonce here; later ones call the nonce endpoint.
        "c_nonce": new_nonce(now),
        "c_nonce_expires_in": int(nonce_lifetime().total_seconds()),
    }
    details = _requested_details(params.get("authorization_details"))
    if details:
        answer["authorization_details"] = details
    return answer


def _check_tx_code(exchange: WalletExchange, tx_code: str | None) -> None:
    if not exchange.tx_code_hash:
        if tx_code is not None:
            raise Oid4vciError("invalid_request", "this offer takes no transaction code")
        return
    if not tx_code:
        raise Oid4vciError("invalid_request", "this offer needs its transaction code (tx_code)")
    if same(_tx_code_hash(exchange.code_hash, tx_code), exchange.tx_code_hash):
        return
    # Count the failure in the database (several requests may guess at once) and withdraw
    # the offer at the limit, so six digits cannot be guessed online.
    WalletExchange.objects.filter(pk=exchange.pk).update(tx_code_failures=F("tx_code_failures") + 1)
    WalletExchange.objects.filter(
        pk=exchange.pk,
        state=WalletExchange.State.OFFERED,
        tx_code_failures__gte=TX_CODE_MAX_FAILURES,
    ).update(state=WalletExchange.State.WITHDRAWN)
    log.info("wallet exchange %s: wrong transaction code", exchange.pk)
    raise Oid4vciError("invalid_grant", "the transaction code is wrong")


def _requested_details(text: str | None) -> list[dict]:
    """authorization_details of the token request (RFC 9396), answered for our configuration
    with its credential identifier; nothing when the wallet sent none."""
    if not text:
        return []
    try:
        details = json.loads(text)
    except ValueError:
        raise Oid4vciError("invalid_request", "authorization_details is not JSON") from None
    if not isinstance(details, list):
        raise Oid4vciError("invalid_request", "authorization_details must be a JSON array")
    answered = []
    for item in details:
        if not isinstance(item, dict) or item.get("type") != "openid_credential":
            raise Oid4vciError(
                "invalid_authorization_details", "only openid_credential details are supported"
            )
        if item.get("credential_configuration_id") != CONFIGURATION_ID:
            raise Oid4vciError(
                "invalid_authorization_details",
                f"unknown credential_configuration_id {item.get('credential_configuration_id')!r}",
            )
        answered.append({**item, "credential_identifiers": [CONFIGURATION_ID]})
    return answered


def nonce(now: datetime | None = None) -> dict:
    """The nonce endpoint (section 7)."""
    return {"c_nonce": new_nonce(now or timezone.now())}


def credential(authorization: str | None, body: object, now: datetime | None = None) -> dict:
    """The credential endpoint (section 8): check the access token, the request and its key
    proof, then answer the award re-issued to the proved DID."""
    now = now or timezone.now()
    exchange = _exchange_of_token(authorization, now)
    draft14 = _check_request(body)
    proof = _key_proof(body, now)
    if not exchange.award.is_active:
        raise Oid4vciError("credential_request_denied", "the credential is no longer active")
    try:
        with transaction.atomic():
            spend_nonce(proof.nonce, now)
            delivered = deliver_copy(
                exchange, proof.holder, now, from_state=WalletExchange.State.TOKEN_ISSUED
            )
    except NonceError as exc:
        raise Oid4vciError("invalid_nonce", str(exc)) from None
    except ExchangeError:
        raise Oid4vciError("invalid_token", "the access token has been used", 401) from None
    forget_spent_nonces(now)
    signed = delivered.credential
    if draft14:
        return {"credential": signed}
    return {"credentials": [{"credential": signed}]}


def _exchange_of_token(authorization: str | None, now: datetime) -> WalletExchange:
    scheme, _, access_token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not access_token.strip():
        raise Oid4vciError("invalid_token", "a Bearer access token is required", 401)
    try:
        exchange = exchange_for(PROTOCOL, token=access_token.strip())
    except ExchangeError:
        raise Oid4vciError("invalid_token", "unknown access token", 401) from None
    if exchange.state != WalletExchange.State.TOKEN_ISSUED:
        raise Oid4vciError("invalid_token", "the access token has been used", 401)
    if exchange.token_expires_at is None or now >= exchange.token_expires_at:
        raise Oid4vciError("invalid_token", "the access token has expired", 401)
    return exchange


def _check_request(body: object) -> bool:
    """Validate what is requested; True for a Draft 14 request (``format``)."""
    if not isinstance(body, dict):
        raise Oid4vciError("invalid_credential_request", "the request must be a JSON object")
    if "credential_response_encryption" in body:
        raise Oid4vciError(
            "invalid_encryption_parameters", "this issuer does not encrypt credential responses"
        )
    named = [
        name
        for name in ("credential_configuration_id", "credential_identifier", "format")
        if name in body
    ]
    if len(named) != 1:
        raise Oid4vciError(
            "invalid_credential_request",
            "name the credential by exactly one of credential_configuration_id, "
            f"credential_identifier or (Draft 14) format; got {', '.join(named) or 'none'}",
        )
    if "credential_configuration_id" in body:
        if body["credential_configuration_id"] != CONFIGURATION_ID:
            raise Oid4vciError(
                "unknown_credential_configuration",
                f"unknown credential_configuration_id {body['credential_configuration_id']!r}",
            )
        return False
    if "credential_identifier" in body:
        if body["credential_identifier"] != CONFIGURATION_ID:
            raise Oid4vciError(
                "unknown_credential_identifier",
                f"unknown credential_identifier {body['credential_identifier']!r}",
            )
        return False
    if body["format"] != FORMAT:
        raise Oid4vciError(
            "unsupported_credential_format", f"only the format {FORMAT!r} is issued here"
        )
    definition = body.get("credential_definition")
    types = definition.get("type") if isinstance(definition, dict) else None
    if not isinstance(types, list) or "OpenBadgeCredential" not in types:
        raise Oid4vciError(
            "unsupported_credential_type",
            "credential_definition.type must include 'OpenBadgeCredential'",
        )
    return True


def _key_proof(body: dict, now: datetime):
    jwt = _the_jwt(body)
    try:
        proof = verify_key_proof(
            jwt, audience=credential_issuer(), now=now, max_age=nonce_lifetime()
        )
    except KeyProofError as exc:
        raise Oid4vciError("invalid_proof", str(exc)) from None
    if proof.nonce is None:
        raise Oid4vciError("invalid_proof", "the key proof must carry a c_nonce (claim nonce)")
    try:
        check_nonce(proof.nonce, now)
    except NonceError as exc:
        raise Oid4vciError("invalid_nonce", str(exc)) from None
    return proof


def _the_jwt(body: dict) -> str:
    if "proof" in body and "proofs" in body:
        raise Oid4vciError("invalid_credential_request", "send proofs or proof, not both")
    if "proofs" in body:
        proofs = body["proofs"]
        if not isinstance(proofs, dict) or len(proofs) != 1:
            raise Oid4vciError("invalid_proof", "proofs must hold exactly one proof type")
        ((proof_type, values),) = proofs.items()
        if proof_type != "jwt":
            raise Oid4vciError("invalid_proof", f"proof type {proof_type!r} is not supported")
        if not isinstance(values, list) or not values:
            raise Oid4vciError("invalid_proof", "proofs.jwt must be a non-empty array")
        if len(values) != 1:
            raise Oid4vciError(
                "invalid_proof", "this issuer binds one key per request (no batch issuance)"
            )
        return values[0]
    proof = body.get("proof")  # Draft 14
    if proof is None:
        raise Oid4vciError("invalid_proof", "the request carries no key proof")
    if not isinstance(proof, dict) or proof.get("proof_type") != "jwt" or "jwt" not in proof:
        raise Oid4vciError("invalid_proof", "proof must be {'proof_type': 'jwt', 'jwt': ...}")
    return proof["jwt"]
