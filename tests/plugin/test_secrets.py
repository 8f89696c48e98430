"""Encryption at rest: round trips, wrong keys, rotation, passphrases, the SECRET_KEY fallback."""

import logging

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from openedx_microcreds import secrets
from openedx_microcreds.secrets import SecretDecryptionError

SECRET = "z3u2en7t5LR2WtQH5PfsRL2MDeF9eDCsw39gYzPJW8cZqqqqMVjQN4xYjYG7SRW2mbiXJ2bd3hsKGygNhd4Ypaaaa"
PASSPHRASE = "correct horse battery staple, but much longer than that"


def test_round_trip(secret_keys):
    token = secrets.encrypt_text(SECRET)
    assert SECRET not in token
    assert token != secrets.encrypt_text(SECRET)  # random IV per encryption
    assert secrets.decrypt_text(token) == SECRET


def test_bytes_round_trip(secret_keys):
    data = bytes(range(256))
    assert secrets.decrypt_bytes(secrets.encrypt_bytes(data)) == data


def test_wrong_key_fails_clearly_without_leaking(settings, secret_keys):
    token = secrets.encrypt_text(SECRET)
    other = secrets.generate_key()
    settings.MICROCREDS_SECRET_KEYS = [other]
    with pytest.raises(SecretDecryptionError) as excinfo:
        secrets.decrypt_text(token)
    message = str(excinfo.value)
    assert "MICROCREDS_SECRET_KEYS" in message
    for material in (SECRET, token, other, secret_keys[0]):
        assert material not in message
    assert excinfo.value.__cause__ is None
    assert excinfo.value.__suppress_context__


def test_tampered_token_fails(secret_keys):
    token = secrets.encrypt_text(SECRET)
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(SecretDecryptionError):
        secrets.decrypt_text(tampered)
    with pytest.raises(SecretDecryptionError):
        secrets.decrypt_text("not a token")


def test_rotation(settings):
    old, new = secrets.generate_key(), secrets.generate_key()
    settings.MICROCREDS_SECRET_KEYS = [old]
    token = secrets.encrypt_text(SECRET)

    settings.MICROCREDS_SECRET_KEYS = [new, old]  # new key first: it encrypts, both decrypt
    assert secrets.decrypt_text(token) == SECRET
    assert not secrets.is_encrypted_with_primary_key(token)
    rotated = secrets.reencrypt_text(token)
    assert secrets.is_encrypted_with_primary_key(rotated)
    assert Fernet(new.encode()).decrypt(rotated.encode()).decode() == SECRET
    fresh = secrets.encrypt_text(SECRET)
    assert Fernet(new.encode()).decrypt(fresh.encode()).decode() == SECRET

    settings.MICROCREDS_SECRET_KEYS = [new]  # old key dropped
    assert secrets.decrypt_text(rotated) == SECRET
    with pytest.raises(SecretDecryptionError):
        secrets.decrypt_text(token)
    with pytest.raises(SecretDecryptionError):
        secrets.reencrypt_text(token)


def test_passphrase_keys(settings):
    settings.MICROCREDS_SECRET_KEYS = [PASSPHRASE]
    token = secrets.encrypt_text(SECRET)
    derived = secrets.fernet_key_from_passphrase(PASSPHRASE)
    assert derived == secrets.fernet_key_from_passphrase(PASSPHRASE)  # deterministic
    assert Fernet(derived).decrypt(token.encode()).decode() == SECRET
    assert derived != secrets.fernet_key_from_passphrase(PASSPHRASE + "!")


def test_short_passphrase_refused(settings):
    settings.MICROCREDS_SECRET_KEYS = ["hunter2"]
    with pytest.raises(ImproperlyConfigured) as excinfo:
        secrets.encrypt_text(SECRET)
    assert "hunter2" not in str(excinfo.value)
    assert "MICROCREDS_SECRET_KEYS[0]" in str(excinfo.value)


def test_single_string_is_one_key(settings):
    key = secrets.generate_key()
    settings.MICROCREDS_SECRET_KEYS = key
    assert secrets.configured_key_count() == 1
    assert Fernet(key.encode()).decrypt(secrets.encrypt_text("x").encode()) == b"x"


@override_settings(MICROCREDS_SECRET_KEYS=[], MICROCREDS_ALLOW_SECRET_KEY_FALLBACK=False)
def test_no_keys_and_no_fallback_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match="MICROCREDS_SECRET_KEYS is empty"):
        secrets.encrypt_text(SECRET)


@override_settings(
    MICROCREDS_SECRET_KEYS=[],
    MICROCREDS_ALLOW_SECRET_KEY_FALLBACK=True,
    SECRET_KEY="a-test-secret-key",
)
def test_fallback_derives_from_secret_key_with_a_warning(caplog):
    secrets._warn_fallback.cache_clear()
    with caplog.at_level(logging.WARNING, logger="openedx_microcreds.secrets"):
        token = secrets.encrypt_text(SECRET)
        secrets.encrypt_text(SECRET)
    warnings = [r for r in caplog.records if "SECRET_KEY" in r.getMessage()]
    assert len(warnings) == 1  # once per process
    assert "a-test-secret-key" not in caplog.text
    assert secrets.decrypt_text(token) == SECRET
    # The derived key is not simply the passphrase derivation of SECRET_KEY itself.
    with pytest.raises(InvalidToken):
        Fernet(secrets.fernet_key_from_passphrase("a-test-secret-key")).decrypt(token.encode())
    with override_settings(SECRET_KEY="another-secret-key"), pytest.raises(SecretDecryptionError):
        secrets.decrypt_text(token)


def test_configured_keys_win_over_fallback(settings):
    key = secrets.generate_key()
    settings.MICROCREDS_SECRET_KEYS = [key]
    settings.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK = True
    token = secrets.encrypt_text(SECRET)
    assert Fernet(key.encode()).decrypt(token.encode()).decode() == SECRET


def test_system_check_reports_bad_configuration(settings):
    from openedx_microcreds.apps import check_settings

    settings.MICROCREDS_SECRET_KEYS = []
    settings.MICROCREDS_ALLOW_SECRET_KEY_FALLBACK = False
    # The sandbox's loopback backpack settings have checks of their own.
    settings.MICROCREDS_OB3_ALLOW_LOOPBACK = False
    settings.MICROCREDS_OB3_HOSTS = []
    assert [m.id for m in check_settings()] == ["openedx_microcreds.W002"]
    settings.MICROCREDS_SECRET_KEYS = ["short"]
    assert [m.id for m in check_settings()] == ["openedx_microcreds.E003"]
    settings.MICROCREDS_SECRET_KEYS = [secrets.generate_key()]
    settings.MICROCREDS_PLATFORM_BACKEND = "no.such.Platform"
    assert [m.id for m in check_settings()] == ["openedx_microcreds.E001"]
