"""Open Badges 3.0 baking: a signed credential carried inside its badge image.

The 1EdTech Open Badges 3.0 specification (section "Baking") puts the credential:

- in a PNG, in one ``iTXt`` chunk with the keyword ``openbadgecredential``, no compression
  (flag 0, method 0), empty language tag and translated keyword, and the credential (JSON, or a
  compact JWS) as its text. An image holds at most one: baking again replaces it;
- in an SVG, in an ``<openbadges:credential>`` element right after the opening ``<svg>`` tag,
  with ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` declared on ``<svg>`` and the
  credential inside a CDATA section.

Plain Python on bytes and text (no image library): the pixels are someone else's business.
"""

from __future__ import annotations

import re
import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"

_SVG_OPEN_TAG = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_SVG_CREDENTIAL = re.compile(
    r"<openbadges:credential\b[^>]*>.*?</openbadges:credential>\s*", re.DOTALL
)
_CDATA_END = "]]>"


class BakingError(ValueError):
    """The image cannot carry a credential (not a PNG, not an SVG, damaged)."""


# --- PNG -------------------------------------------------------------------------------------


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of ``png``, CRCs checked."""
    if not png.startswith(PNG_SIGNATURE):
        raise BakingError("not a PNG image (wrong signature)")
    chunks = []
    position = len(PNG_SIGNATURE)
    while position < len(png):
        if position + 8 > len(png):
            raise BakingError(f"PNG truncated in a chunk header at byte {position}")
        length, kind = struct.unpack(">I4s", png[position : position + 8])
        end = position + 8 + length
        if end + 4 > len(png):
            raise BakingError(f"PNG chunk {kind!r} at byte {position} runs past the end")
        data = png[position + 8 : end]
        (crc,) = struct.unpack(">I", png[end : end + 4])
        if crc != zlib.crc32(kind + data):
            raise BakingError(f"PNG chunk {kind!r} at byte {position} has a wrong CRC")
        chunks.append((kind, data))
        position = end + 4
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR" or chunks[-1][0] != b"IEND":
        raise BakingError("PNG must start with IHDR and end with IEND")
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _credential_text(data: bytes) -> str | None:
    """The text of an iTXt chunk if it is the credential's, else None."""
    keyword, separator, rest = data.partition(b"\x00")
    if not separator or keyword != PNG_KEYWORD:
        return None
    if len(rest) < 2:
        raise BakingError("the openbadgecredential iTXt chunk is truncated")
    compressed, method, rest = rest[0], rest[1], rest[2:]
    _language, _sep, rest = rest.partition(b"\x00")
    _translated, _sep, text = rest.partition(b"\x00")
    if compressed:
        if method != 0:
            raise BakingError(f"unknown iTXt compression method {method}")
        text = zlib.decompress(text)
    return text.decode("utf-8")


def bake_png(png: bytes, credential: str) -> bytes:
    """``png`` with ``credential`` (its JSON text, or a compact JWS) baked in, replacing any
    credential it carried; every other chunk is kept as it was."""
    kept = [
        (kind, data)
        for kind, data in _chunks(png)
        if not (kind == b"iTXt" and _credential_text(data) is not None)
    ]
    # keyword NUL, compression flag 0, method 0, empty language tag NUL, empty translated
    # keyword NUL, then the UTF-8 text.
    itxt = PNG_KEYWORD + b"\x00\x00\x00\x00\x00" + credential.encode("utf-8")
    out = [PNG_SIGNATURE]
    for kind, data in kept:
        if kind == b"IEND":
            out.append(_chunk(b"iTXt", itxt))
        out.append(_chunk(kind, data))
    return b"".join(out)


def read_png(png: bytes) -> str | None:
    """The credential baked into ``png``, or None. More than one is an error."""
    found = [
        text
        for kind, data in _chunks(png)
        if kind == b"iTXt" and (text := _credential_text(data)) is not None
    ]
    if len(found) > 1:
        raise BakingError(f"the PNG carries {len(found)} openbadgecredential chunks, not one")
    return found[0] if found else None


# --- SVG -------------------------------------------------------------------------------------


def _cdata(text: str) -> str:
    # "]]>" would end the section early: split it across two sections.
    return "<![CDATA[" + text.replace(_CDATA_END, "]]]]><![CDATA[>") + "]]>"


def bake_svg(svg: str, credential: str) -> str:
    """``svg`` with ``credential`` baked in right after its opening tag, replacing any
    credential it carried."""
    svg = _SVG_CREDENTIAL.sub("", svg)
    match = _SVG_OPEN_TAG.search(svg)
    if match is None:
        raise BakingError("not an SVG image (no <svg> element)")
    tag = match.group(0)
    if tag.endswith("/>"):
        raise BakingError("an empty <svg/> element cannot hold the credential")
    if "xmlns:openbadges=" not in tag:
        tag = f'{tag[:-1]} xmlns:openbadges="{SVG_NAMESPACE}">'
    element = f"<openbadges:credential>{_cdata(credential)}</openbadges:credential>"
    return svg[: match.start()] + tag + element + svg[match.end() :]


def read_svg(svg: str) -> str | None:
    """The credential baked into ``svg`` (the CDATA sections of its openbadges:credential
    element, joined), or None."""
    found = re.findall(
        r"<openbadges:credential\b[^>]*>(.*?)</openbadges:credential>", svg, re.DOTALL
    )
    if not found:
        return None
    if len(found) > 1:
        raise BakingError(f"the SVG carries {len(found)} openbadges:credential elements, not one")
    body = found[0].strip()
    sections = re.findall(r"<!\[CDATA\[(.*?)\]\]>", body, re.DOTALL)
    return "".join(sections) if sections else body
