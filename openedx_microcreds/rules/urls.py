"""Web addresses authors write into definitions: what every one of them must be.

A URL an author gives (an alignment's targetUrl, an image, an issuer's home page) is copied into
every credential issued. So it must be something a verifier accepts: an absolute http(s) IRI
that JavaScript's ``new URL()`` parses, that RDF canonicalizers write the same way (no spaces,
no ``<>"{}|^`\\``), and that is well formed by RFC 3987 (percent-escapes of two hex digits, one
fragment). Anything else is refused when the definition is saved, not when a learner earns it.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

from .errors import show

MAX_URL_LENGTH = 2000
EXPECTED = "an http(s) URL"

_SCHEME = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*):")
# RFC 3986 characters allowed after the authority, "%" checked separately, "#" counted.
_ASCII_ALLOWED = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@/?%#]*")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# A DNS name of ASCII labels (punycode for international names) or an IPv4 address: what
# new URL() accepts and canonicalizers leave alone. No IPv6 literals: strict mode refuses them.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_DNS_NAME = re.compile(rf"(?:{_LABEL})(?:\.{_LABEL})*\.?")
# new URL() reads a host whose last label is a number (decimal or 0x hex) as an IPv4 address.
_NUMERIC_LABEL = re.compile(r"(?:0[xX][0-9A-Fa-f]*|[0-9]+)")
# Unicode characters an IRI may not hold: controls, format characters (bidi overrides that make
# a URL read differently than it resolves), private use, surrogates, separators (spaces).
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zs", "Zl", "Zp"})


def url_problem(value: object) -> str | None:
    """None when ``value`` is an acceptable http(s) URL, else what is wrong ("must be ...")."""
    if not isinstance(value, str) or not value:
        return f"must be {EXPECTED}, got {show(value)}"
    if len(value) > MAX_URL_LENGTH:
        return f"must be {EXPECTED} of at most {MAX_URL_LENGTH} characters, got {len(value)}"
    scheme = _SCHEME.match(value)
    if scheme is None or scheme["scheme"].lower() not in ("http", "https"):
        return f"must be {EXPECTED}, got {show(value)}"
    rest = value[scheme.end() :]
    if not rest.startswith("//"):
        return f"must be {EXPECTED} starting with {scheme['scheme']}://, got {show(value)}"
    authority, path = _split_authority(rest[2:])
    return _authority_problem(authority, value) or _path_problem(path, value)


def is_http_url(value: object) -> bool:
    return url_problem(value) is None


def _split_authority(text: str) -> tuple[str, str]:
    for position, char in enumerate(text):
        if char in "/?#":
            return text[:position], text[position:]
    return text, ""


def _authority_problem(authority: str, value: str) -> str | None:
    if "@" in authority:
        return f"must be {EXPECTED} without a user name or password, got {show(value)}"
    host, _colon, port = authority.partition(":")
    if not host:
        return f"must be {EXPECTED} with a host name, got {show(value)}"
    if not _valid_host(host):
        if any(ord(char) > 127 for char in host):
            return (
                f"must be {EXPECTED} whose host name is written in ASCII (the xn-- form of an "
                f"international name), got {show(value)}"
            )
        return f"must be {EXPECTED} with a valid host name, got {show(value)}"
    if authority.endswith(":") or (port and not (port.isascii() and port.isdigit())):
        return f"must be {EXPECTED} with a numeric port, got {show(value)}"
    if port and int(port) > 65535:
        return f"must be {EXPECTED} with a port up to 65535, got {show(value)}"
    return None


def _valid_host(host: str) -> bool:
    if not _DNS_NAME.fullmatch(host):
        return False
    if _NUMERIC_LABEL.fullmatch(host.rstrip(".").rsplit(".", 1)[-1]):
        return _is_ip(host, ipaddress.IPv4Address)  # dotted decimal only, as people write it
    return True


def _is_ip(text: str, kind: type) -> bool:
    try:
        kind(text.rstrip("."))
    except ValueError:
        return False
    return True


def _path_problem(path: str, value: str) -> str | None:
    ascii_part = "".join(char for char in path if ord(char) < 128)
    bad_unicode = any(
        ord(char) >= 128 and unicodedata.category(char) in _FORBIDDEN_CATEGORIES for char in path
    )
    if bad_unicode or not _ASCII_ALLOWED.fullmatch(ascii_part):
        return (
            f"must be {EXPECTED} without spaces, control characters or any of "
            f'<>"{{}}|\\^`[] (percent-encode them), got {show(value)}'
        )
    if _PERCENT.search(path):
        return f'must be {EXPECTED} whose "%" start escapes like %20, got {show(value)}'
    if path.count("#") > 1:
        return f'must be {EXPECTED} with at most one "#", got {show(value)}'
    return None
