"""Multibase and multicodec helpers: base58btc ("z") and base64url-no-pad ("u").

Written out rather than pulled from a dependency: these are a few lines, and the exact
alphabet and padding rules matter for interoperability.
"""

import base64

from .errors import KeyFormatError

_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {char: index for index, char in enumerate(_B58_ALPHABET)}

# Multicodec prefixes (unsigned varints) for Ed25519 keys.
ED25519_PUB_PREFIX = b"\xed\x01"
ED25519_PRIV_PREFIX = b"\x80\x26"


def b58encode(data: bytes) -> str:
    """Bitcoin base58 encoding, keeping leading zero bytes as '1'."""
    leading_zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    chars = []
    while number:
        number, remainder = divmod(number, 58)
        chars.append(_B58_ALPHABET[remainder])
    return "1" * leading_zeros + "".join(reversed(chars))


# Keys and signatures are under 100 characters; decoding is quadratic in the length, so a
# megabyte-long "key" in a supplied document would take minutes.
MAX_B58_CHARS = 256


def b58decode(text: str) -> bytes:
    """Inverse of :func:`b58encode`; raises KeyFormatError on a character outside the alphabet."""
    if len(text) > MAX_B58_CHARS:
        raise KeyFormatError(
            f"base58btc string of {len(text):,} characters is longer than any key or signature "
            f"(at most {MAX_B58_CHARS})"
        )
    number = 0
    for position, char in enumerate(text):
        try:
            number = number * 58 + _B58_INDEX[char]
        except KeyError:
            raise KeyFormatError(
                f"invalid base58btc character {char!r} at position {position}"
            ) from None
    leading_ones = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * leading_ones + body


def multibase_b58_encode(data: bytes) -> str:
    return "z" + b58encode(data)


def multibase_b58_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("z"):
        raise KeyFormatError("expected a base58btc multibase string starting with 'z'")
    return b58decode(text[1:])


def multibase_b64url_encode(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def multibase_b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or not text.startswith("u"):
        raise KeyFormatError("expected a base64url multibase string starting with 'u'")
    body = text[1:]
    try:
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError) as exc:
        raise KeyFormatError(f"invalid base64url multibase string: {exc}") from None
