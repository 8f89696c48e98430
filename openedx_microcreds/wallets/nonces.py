"""OpenID4VCI ``c_nonce`` values: handed out by an open endpoint, each spent by one key proof.

A nonce carries its issue time and a MAC over it, so the nonce endpoint writes nothing (anyone
may call it, as often as they like); only a nonce that a key proof spends is recorded, until it
would have expired anyway.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from ..settings import get_setting
from .models import SpentWalletNonce

_RANDOM_BYTES = 16
_MAC_BYTES = 16
_LAYOUT = struct.Struct(">Q")  # issue time, whole seconds since 1970


class NonceError(ValueError):
    """The nonce cannot be accepted; ``reason`` is ``malformed``, ``expired`` or ``spent``."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        super().__init__(message)


def nonce_lifetime() -> timedelta:
    return timedelta(seconds=get_setting("MICROCREDS_WALLET_NONCE_TTL_SECONDS"))


def new_nonce(now: datetime) -> str:
    body = _LAYOUT.pack(int(now.timestamp())) + secrets.token_bytes(_RANDOM_BYTES)
    return _encode(body + _mac(body))


def check_nonce(nonce: str, now: datetime) -> datetime:
    """When ``nonce`` was issued, if we issued it and it has not expired; NonceError otherwise.
    Does not spend it (see :func:`spend_nonce`)."""
    raw = _decode(nonce)
    body, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if len(body) != _LAYOUT.size + _RANDOM_BYTES or not hmac.compare_digest(mac, _mac(body)):
        raise NonceError("malformed", "this c_nonce was not issued here")
    (issued_seconds,) = _LAYOUT.unpack(body[: _LAYOUT.size])
    issued = datetime.fromtimestamp(issued_seconds, now.tzinfo)
    if now - issued > nonce_lifetime():
        raise NonceError("expired", "this c_nonce has expired: get a fresh one")
    if issued - now > timedelta(seconds=5):
        raise NonceError("malformed", "this c_nonce was not issued here")
    return issued


def spend_nonce(nonce: str, now: datetime) -> None:
    """Record ``nonce`` as used; NonceError when it is invalid, expired or already spent.

    Call it inside the transaction that issues the credential: a failure later rolls the
    spending back, so the wallet may try again with the same nonce.
    """
    issued = check_nonce(nonce, now)
    try:
        with transaction.atomic():
            SpentWalletNonce.objects.create(
                nonce_hash=hashlib.sha256(nonce.encode("ascii")).hexdigest(),
                expires_at=issued + nonce_lifetime(),
            )
    except IntegrityError:
        raise NonceError("spent", "this c_nonce has been used already: get a fresh one") from None


def _mac(body: bytes) -> bytes:
    return salted_hmac("openedx_microcreds.wallets.nonce", body, algorithm="sha256").digest()[
        :_MAC_BYTES
    ]


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _decode(nonce: object) -> bytes:
    if not isinstance(nonce, str) or not nonce or len(nonce) > 128 or not nonce.isascii():
        raise NonceError("malformed", "the key proof carries no valid c_nonce")
    try:
        return base64.urlsafe_b64decode(nonce + "=" * (-len(nonce) % 4))
    except (binascii.Error, ValueError):
        raise NonceError("malformed", "the key proof carries no valid c_nonce") from None


def forget_spent_nonces(now: datetime) -> int:
    """Delete the records of spent nonces that have expired (an expired nonce is refused by its
    own time). Run outside the issuing transaction: a range delete there would hold locks that
    concurrent claims wait on."""
    deleted, _ = SpentWalletNonce.objects.filter(expires_at__lt=now).delete()
    return deleted
