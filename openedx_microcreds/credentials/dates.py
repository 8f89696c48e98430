"""XSD dateTime values as VC verifiers accept them: with a time zone, real calendar dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from .errors import CredentialError

# Same shape safe-mode verifiers enforce: date, 'T', time, optional fraction, zone required.
# Case-sensitive: verifiers' date patterns want an upper-case 'T' and 'Z'.
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
)


class DateTimeFormatError(CredentialError):
    def __init__(self, path: str, value: object):
        self.path = path
        super().__init__(
            f"{path}: {value!r} is not a valid XSD dateTime with a time zone "
            "(expected e.g. 2026-01-31T12:00:00Z)"
        )


def parse_datetime(value: object, path: str, *, required: bool = True) -> datetime | None:
    """Parse a dateTime string; raise DateTimeFormatError naming ``path`` when malformed."""
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _DATETIME.match(value):
        raise DateTimeFormatError(path, value)
    text = value.replace("Z", "+00:00")
    fraction = re.search(r"\.(\d+)", text)
    if fraction and len(fraction.group(1)) > 6:
        text = text.replace(fraction.group(0), "." + fraction.group(1)[:6])
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise DateTimeFormatError(path, value) from None


def format_datetime(moment: datetime) -> str:
    """UTC, second precision, 'Z' suffix: the form every verifier handles."""
    if moment.tzinfo is None:
        raise CredentialError("datetimes in credentials must be timezone-aware")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
