"""Issuer identity and signing keys: which key signs, under which DID and verification method.

An issuer with a ``did`` (did:web in production) signs as ``<did>#<key_id>``, so rotating keys
keeps the issuer's identity. An issuer without one (the sandbox) signs as the did:key of its
active key.
"""

from __future__ import annotations

import threading

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import batch
from .credentials import Ed25519Key
from .credentials.keys import did_key_of, did_key_verification_method_of
from .models import Issuer, SigningKey


class NoActiveKeyError(RuntimeError):
    """The issuer has no active signing key: nothing can be signed until one is generated."""

    def __init__(self, issuer: Issuer):
        super().__init__(
            f"issuer {issuer.name!r} (id {issuer.pk}) has no active signing key; "
            "run `manage.py lms microcreds_keys generate`"
        )


_decrypted: dict[tuple[int, str], Ed25519Key] = {}
_lock = threading.Lock()


def active_signing_key(issuer: Issuer) -> SigningKey:
    """The issuer's active key; looked up once per batch (a backfill's learners, one
    transaction): a key rotated meanwhile is still published, so what it signed verifies."""
    return batch.memo(("active-signing-key", issuer.pk), lambda: _active_key(issuer))


def _active_key(issuer: Issuer) -> SigningKey:
    key = SigningKey.objects.filter(issuer=issuer, state=SigningKey.State.ACTIVE).first()
    if key is None:
        raise NoActiveKeyError(issuer)
    return key


def load_private_key(signing_key: SigningKey) -> Ed25519Key:
    """Decrypt a stored key (cached per process by row and ciphertext, never logged)."""
    cache_key = (signing_key.pk, signing_key.encrypted_secret)
    with _lock:
        key = _decrypted.get(cache_key)
    if key is None:
        key = Ed25519Key.from_secret_multibase(signing_key.decrypt_secret())
        with _lock:
            _decrypted[cache_key] = key
    return key


def issuer_id(issuer: Issuer, signing_key: SigningKey) -> str:
    """The issuer's identifier as it appears in credentials signed with ``signing_key``."""
    if issuer.did:
        return issuer.did
    return did_key_of(signing_key.public_key_multibase)


def verification_method(issuer: Issuer, signing_key: SigningKey) -> str:
    if issuer.did:
        return f"{issuer.did}#{signing_key.key_id}"
    return did_key_verification_method_of(signing_key.public_key_multibase)


def generate_signing_key(issuer: Issuer, *, key_id: str | None = None) -> SigningKey:
    """Create the issuer's active key. Fails if one is active already (rotate instead)."""
    key = Ed25519Key.generate()
    key_id = key_id or "key-" + timezone.now().strftime("%Y%m%d%H%M%S")
    row = SigningKey(issuer=issuer, key_id=key_id, public_key_multibase=key.public_multibase)
    row.store_secret(key.secret_multibase)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        raise ValueError(
            f"issuer {issuer.name!r} already has an active key or a key named {key_id!r}; "
            "rotate or retire it first"
        ) from None
    return row


def rotate_signing_key(issuer: Issuer, *, key_id: str | None = None) -> SigningKey:
    """Make a new key active; the old one is retired from signing but stays listed in the
    issuer's DID document, so everything it signed keeps verifying."""
    if not issuer.did:
        raise ValueError(
            f"issuer {issuer.name!r} signs as a did:key, which is the key itself: rotating would "
            "change the issuer's identity. Give the issuer a did:web first "
            "(microcreds_issuer set-did) and rotate then."
        )
    with transaction.atomic():
        for old in SigningKey.objects.select_for_update().filter(
            issuer=issuer, state=SigningKey.State.ACTIVE
        ):
            old.state = SigningKey.State.ROTATED
            old.save(update_fields=["state", "active_marker"])
        return generate_signing_key(issuer, key_id=key_id)


def published_keys(issuer: Issuer) -> list[SigningKey]:
    """Keys listed in the DID document: the active one and those rotated out (not retired)."""
    listed = (SigningKey.State.ACTIVE, SigningKey.State.ROTATED)
    return list(SigningKey.objects.filter(issuer=issuer, state__in=listed).order_by("created"))


def issuer_did_document(issuer: Issuer) -> dict:
    from .credentials import Ed25519PublicMultikey, did_web_document

    keys = [
        (key.key_id, Ed25519PublicMultikey.from_multibase(key.public_key_multibase))
        for key in published_keys(issuer)
    ]
    return did_web_document(issuer.did, keys)


def did_for_base_url(base_url: str, path: str = "microcreds/issuer") -> str:
    from .credentials import did_web_from_url

    return did_web_from_url(f"{base_url.rstrip('/')}/{path}")
