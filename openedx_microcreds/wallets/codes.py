"""The secrets of wallet offers: random codes, what the database keeps of them (hashes), and
values derived from them (an exchange's challenge, a pre-authorized code), so that nothing a
wallet must present is ever stored in clear."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.utils.crypto import salted_hmac

CODE_BYTES = 32  # 256 bits: unguessable


def new_code() -> str:
    """A fresh random code, URL-safe."""
    return secrets.token_urlsafe(CODE_BYTES)


def code_hash(code: str) -> str:
    """What the database stores to find a code again: its SHA-256, hex."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def derived(code: str, purpose: str) -> str:
    """A second secret computed from ``code`` (HMAC-SHA256 keyed by it), URL-safe: whoever holds
    the code can be told it again, and the database needs neither."""
    digest = hmac.new(code.encode("utf-8"), purpose.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def keyed_hash(value: str, purpose: str) -> str:
    """A hash keyed by the site's SECRET_KEY, for short values (transaction codes) that a plain
    hash would not protect."""
    return salted_hmac(
        f"openedx_microcreds.wallets.{purpose}", value, algorithm="sha256"
    ).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))
