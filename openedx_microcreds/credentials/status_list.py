"""Bitstring Status List v1.0: a compressed bitstring of revocation flags, one bit a credential.

Index 0 is the most significant bit of the first byte. The encoded list is multibase
base64url (no padding) of the GZIP-compressed bits, and a list holds at least 131,072 entries
(16 KiB) so that one revoked credential hides among many (herd privacy).

The specification sets that minimum and no maximum ("if better group privacy is required, the
bitstring can be made larger", section 2). A list is read from whoever serves it, and a few
hundred kilobytes of GZIP can expand to gigabytes, so we decompress in a stream and stop at
MAX_BITSTRING_BYTES: 16 MiB, 134,217,728 entries, 1,024 times the specification's list size
(and the limit other verifiers, such as SpruceID's ssi, apply).
"""

from __future__ import annotations

import gzip
import secrets
import zlib
from datetime import datetime

from .dates import format_datetime
from .errors import StatusListError
from .loader import VC_V2
from .multibase import KeyFormatError, multibase_b64url_decode, multibase_b64url_encode

MIN_ENTRIES = 131_072
MAX_BITSTRING_BYTES = 16 * 1024 * 1024
# GZIP output is never much larger than its input: base64url of a list that does not compress.
_MAX_ENCODED_CHARS = (MAX_BITSTRING_BYTES + 64 * 1024) * 4 // 3
STATUS_PURPOSES = ("revocation", "suspension", "refresh", "message")


class StatusBits:
    """A mutable bitstring with the list's bit order."""

    __slots__ = ("_bits", "size")

    def __init__(self, size: int = MIN_ENTRIES, data: bytes | None = None):
        if size < MIN_ENTRIES:
            raise StatusListError(f"a status list holds at least {MIN_ENTRIES} entries, not {size}")
        if size % 8:
            raise StatusListError("a status list size must be a multiple of 8")
        self.size = size
        if data is None:
            self._bits = bytearray(size // 8)
        elif len(data) * 8 != size:
            raise StatusListError(f"expected {size // 8} bytes of status bits, got {len(data)}")
        else:
            self._bits = bytearray(data)

    def _check(self, index: int) -> None:
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < self.size:
            raise StatusListError(f"status index {index!r} is outside 0..{self.size - 1}")

    def get(self, index: int) -> bool:
        self._check(index)
        return bool(self._bits[index >> 3] & (0x80 >> (index & 7)))

    def set(self, index: int, value: bool = True) -> bool:
        """Set a bit; return True when it changed."""
        self._check(index)
        mask = 0x80 >> (index & 7)
        before = bool(self._bits[index >> 3] & mask)
        if value:
            self._bits[index >> 3] |= mask
        else:
            self._bits[index >> 3] &= ~mask & 0xFF
        return before != bool(value)

    def count(self) -> int:
        return sum(bin(byte).count("1") for byte in self._bits if byte)

    def to_bytes(self) -> bytes:
        return bytes(self._bits)

    def encode(self) -> str:
        # mtime=0 keeps the encoding deterministic: the same bits give the same list.
        return multibase_b64url_encode(gzip.compress(bytes(self._bits), compresslevel=9, mtime=0))

    @classmethod
    def decode(cls, encoded: str) -> StatusBits:
        if isinstance(encoded, str) and len(encoded) > _MAX_ENCODED_CHARS:
            raise StatusListError(
                f"encodedList is {len(encoded):,} characters long; a list of at most "
                f"{MAX_BITSTRING_BYTES * 8:,} entries is never that long"
            )
        try:
            raw = _gunzip(multibase_b64url_decode(encoded), MAX_BITSTRING_BYTES)
        except (KeyFormatError, zlib.error, EOFError) as exc:
            raise StatusListError(
                f"encodedList is not multibase base64url GZIP data: {exc}"
            ) from None
        if len(raw) * 8 < MIN_ENTRIES:
            raise StatusListError(
                f"encodedList holds {len(raw) * 8} entries, fewer than the {MIN_ENTRIES} required"
            )
        return cls(len(raw) * 8, raw)


def _gunzip(data: bytes, limit: int) -> bytes:
    """GZIP-decompress ``data`` (one or more members), refusing output beyond ``limit`` bytes
    without ever holding more than that."""
    out = bytearray()
    while True:
        stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        out += stream.decompress(data, limit + 1 - len(out))
        if len(out) > limit:
            raise StatusListError(
                f"encodedList decompresses to more than {limit:,} bytes "
                f"({limit * 8:,} entries), the most a status list may hold here"
            )
        if not stream.eof:
            raise EOFError("the GZIP data ends early")
        data = stream.unused_data
        if not data:
            return bytes(out)


def random_free_index(bits_in_use: set[int], size: int = MIN_ENTRIES) -> int:
    """A random index not in ``bits_in_use``: sequential indexes would leak issue order."""
    if len(bits_in_use) >= size:
        raise StatusListError(f"status list is full ({size} entries in use)")
    # Random probing is fast while the list is sparse; fall back to a scan when it is dense.
    for _ in range(64):
        candidate = secrets.randbelow(size)
        if candidate not in bits_in_use:
            return candidate
    free = [index for index in range(size) if index not in bits_in_use]
    return free[secrets.randbelow(len(free))]


def status_list_credential(
    *,
    list_url: str,
    issuer: str | dict,
    bits: StatusBits,
    valid_from: datetime,
    purpose: str = "revocation",
    valid_until: datetime | None = None,
) -> dict:
    """The unsigned BitstringStatusListCredential served at ``list_url``."""
    if purpose not in STATUS_PURPOSES:
        raise StatusListError(f"unknown statusPurpose {purpose!r}")
    document = {
        "@context": [VC_V2],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": format_datetime(valid_from),
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": bits.encode(),
        },
    }
    if valid_until is not None:
        document["validUntil"] = format_datetime(valid_until)
    return document
