"""
Encryption at rest for secrets the plugin stores in the database (signing keys).

Keys come from ``MICROCREDS_SECRET_KEYS``, a list of strings. The first encrypts, every one of
them decrypts (``cryptography.fernet.MultiFernet``), so rotation is: put a new key first, keep
the old ones after it, re-encrypt stored secrets (:func:`reencrypt_text`), then drop the old keys.

Each entry is either

* a Fernet key (urlsafe base64 of 32 random bytes, as made by :func:`generate_key`), used as is;
* or a passphrase of at least :data:`MIN_PASSPHRASE_LENGTH` characters, turned into a Fernet key
  with HKDF-SHA256. HKDF is an extractor/expander for input that is already high-entropy (such as
  Django's SECRET_KEY or a random string from a secrets manager); it does no key stretching, so a
  short, human-chosen password would be no harder to brute-force than the password itself. That is
  why short passphrases are refused. The fixed ``info`` label separates this use from any other
  use of the same string: the derived key is unrelated to, say, Django's own HMAC keys.

When the list is empty and ``MICROCREDS_ALLOW_SECRET_KEY_FALLBACK`` is true (the ``test`` and
``devstack`` settings turn it on) the key is derived from SECRET_KEY the same way, with a warning.
Production must set real keys: rotating SECRET_KEY would otherwise make every stored signing key
unreadable.

Nothing here logs or puts secret material (keys, plaintexts, tokens) in exception messages.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

#: Shortest passphrase accepted in MICROCREDS_SECRET_KEYS (a Fernet key is always accepted).
MIN_PASSPHRASE_LENGTH = 32

_HKDF_INFO = b"openedx-microcreds/secrets/fernet-key/v1"
_HKDF_SALT = b"openedx-microcreds"


class SecretDecryptionError(Exception):
    """A stored secret could not be decrypted with any configured key (or was tampered with)."""


def generate_key() -> str:
    """A new random Fernet key, suitable as an entry of MICROCREDS_SECRET_KEYS."""
    return Fernet.generate_key().decode("ascii")


def fernet_key_from_passphrase(passphrase: str) -> bytes:
    """Derive a Fernet key (urlsafe base64 of 32 bytes) from a high-entropy passphrase."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO)
    return base64.urlsafe_b64encode(hkdf.derive(passphrase.encode("utf-8")))


def _as_fernet_key(entry: str, position: int) -> bytes:
    if not isinstance(entry, str) or not entry:
        raise ImproperlyConfigured(
            f"MICROCREDS_SECRET_KEYS[{position}] must be a non-empty string."
        )
    try:
        raw = base64.urlsafe_b64decode(entry.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raw = b""
    if len(raw) == 32 and len(entry) == 44:
        return entry.encode("ascii")
    if len(entry) < MIN_PASSPHRASE_LENGTH:
        raise ImproperlyConfigured(
            f"MICROCREDS_SECRET_KEYS[{position}] is neither a Fernet key nor a passphrase of at "
            f"least {MIN_PASSPHRASE_LENGTH} characters."
        )
    return fernet_key_from_passphrase(entry)


@functools.lru_cache(maxsize=8)
def _multifernet(entries: tuple[str, ...]) -> MultiFernet:
    return MultiFernet(
        [Fernet(_as_fernet_key(entry, position)) for position, entry in enumerate(entries)]
    )


def _configured_entries() -> tuple[str, ...]:
    from django.conf import settings

    from .settings import get_setting

    keys = get_setting("MICROCREDS_SECRET_KEYS")
    if isinstance(keys, str):
        keys = [keys]
    if keys:
        if not isinstance(keys, Sequence):
            raise ImproperlyConfigured("MICROCREDS_SECRET_KEYS must be a list of strings.")
        return tuple(keys)
    if get_setting("MICROCREDS_ALLOW_SECRET_KEY_FALLBACK"):
        if not settings.SECRET_KEY:
            raise ImproperlyConfigured("SECRET_KEY is empty; set MICROCREDS_SECRET_KEYS.")
        _warn_fallback()
        # Prefixed so the derived key differs from one made from the same string listed directly.
        return ("django-secret-key:" + settings.SECRET_KEY,)
    raise ImproperlyConfigured(
        "MICROCREDS_SECRET_KEYS is empty. Set it to a list with at least one key from "
        "openedx_microcreds.secrets.generate_key() (or a passphrase of at least "
        f"{MIN_PASSPHRASE_LENGTH} characters)."
    )


@functools.lru_cache(maxsize=1)
def _warn_fallback() -> None:
    # lru_cache makes this run once per process.
    log.warning(
        "MICROCREDS_SECRET_KEYS is not set: deriving the key that encrypts signing keys from "
        "SECRET_KEY. Acceptable for tests and development only."
    )


def _fernet() -> MultiFernet:
    return _multifernet(_configured_entries())


def configured_key_count() -> int:
    """How many decryption keys are configured; raises ImproperlyConfigured if any is unusable."""
    entries = _configured_entries()
    _multifernet(entries)
    return len(entries)


def encrypt_bytes(plaintext: bytes) -> str:
    """Encrypt ``plaintext`` with the primary key; returns an ASCII token safe to store."""
    return _fernet().encrypt(plaintext).decode("ascii")


def decrypt_bytes(token: str) -> bytes:
    """Decrypt a token made by :func:`encrypt_bytes` with any configured key."""
    try:
        return _fernet().decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError, AttributeError):
        raise SecretDecryptionError(
            "The stored secret cannot be decrypted with any key in MICROCREDS_SECRET_KEYS: it was "
            "encrypted with a key that is no longer configured, or it was altered."
        ) from None


def encrypt_text(plaintext: str) -> str:
    """Encrypt a text secret (UTF-8) with the primary key."""
    return encrypt_bytes(plaintext.encode("utf-8"))


def decrypt_text(token: str) -> str:
    """Decrypt a token made by :func:`encrypt_text`."""
    return decrypt_bytes(token).decode("utf-8")


def reencrypt_text(token: str) -> str:
    """Re-encrypt a stored token with the current primary key (for key rotation).

    The plaintext never leaves this function. Raises :class:`SecretDecryptionError` if no
    configured key can read the token.
    """
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except (InvalidToken, UnicodeEncodeError, AttributeError):
        raise SecretDecryptionError(
            "The stored secret cannot be re-encrypted: no key in MICROCREDS_SECRET_KEYS "
            "decrypts it."
        ) from None


def is_encrypted_with_primary_key(token: str) -> bool:
    """True if the primary (first) key decrypts ``token``: no re-encryption needed."""
    entries = _configured_entries()
    primary = Fernet(_as_fernet_key(entries[0], 0))
    try:
        primary.decrypt(token.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError, AttributeError):
        return False
    return True
