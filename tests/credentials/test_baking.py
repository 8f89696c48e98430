"""Open Badges 3.0 baking in PNG (iTXt "openbadgecredential") and SVG (openbadges:credential)."""

from __future__ import annotations

import struct
import zlib

import pytest

from openedx_microcreds.credentials.baking import (
    PNG_SIGNATURE,
    BakingError,
    bake_png,
    bake_svg,
    read_png,
    read_svg,
)

CREDENTIAL = '{"name":"Café ]]> <b>&amp;","type":["VerifiableCredential"]}'


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png(*extra: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00")
    return (
        PNG_SIGNATURE
        + chunk(b"IHDR", header)
        + b"".join(extra)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def chunk_types(png: bytes) -> list[bytes]:
    types, at = [], len(PNG_SIGNATURE)
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        types.append(png[at + 4 : at + 8])
        at += 12 + length
    return types


def test_png_round_trip_keeps_the_other_chunks():
    text = chunk(b"tEXt", b"Comment\x00made by hand")
    baked = bake_png(tiny_png(text), CREDENTIAL)
    assert read_png(baked) == CREDENTIAL
    assert chunk_types(baked) == [b"IHDR", b"tEXt", b"IDAT", b"iTXt", b"IEND"]
    # The chunk is uncompressed, with empty language tag and translated keyword.
    assert b"openbadgecredential\x00\x00\x00\x00\x00{" in baked


def test_baking_again_replaces_the_credential():
    twice = bake_png(bake_png(tiny_png(), '{"a":1}'), CREDENTIAL)
    assert chunk_types(twice).count(b"iTXt") == 1
    assert read_png(twice) == CREDENTIAL


def test_a_compressed_chunk_is_read_too():
    data = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(CREDENTIAL.encode())
    assert read_png(tiny_png(chunk(b"iTXt", data))) == CREDENTIAL


def test_png_errors_say_what_is_wrong():
    assert read_png(tiny_png()) is None
    with pytest.raises(BakingError, match="not a PNG"):
        bake_png(b"GIF89a...", CREDENTIAL)
    baked = bytearray(bake_png(tiny_png(), CREDENTIAL))
    baked[baked.index(b"Caf")] ^= 1
    with pytest.raises(BakingError, match="iTXt.*wrong CRC"):
        read_png(bytes(baked))
    two = b"openbadgecredential\x00\x00\x00\x00\x00{}"
    with pytest.raises(BakingError, match="2 openbadgecredential chunks"):
        read_png(tiny_png(chunk(b"iTXt", two), chunk(b"iTXt", two)))
    with pytest.raises(BakingError, match="truncated"):
        read_png(tiny_png()[:-6])


SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10"><rect/></svg>'


def test_svg_round_trip():
    baked = bake_svg(SVG, CREDENTIAL)
    assert baked.startswith(
        '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
        'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential>'
        "<![CDATA["
    )
    assert read_svg(baked) == CREDENTIAL
    assert "]]]]><![CDATA[>" in baked  # "]]>" split across two CDATA sections
    again = bake_svg(baked, '{"b":2}')
    assert again.count("<openbadges:credential>") == 1 and read_svg(again) == '{"b":2}'
    assert again.count("xmlns:openbadges=") == 1


def test_svg_errors():
    assert read_svg(SVG) is None
    with pytest.raises(BakingError, match="no <svg> element"):
        bake_svg("<html></html>", CREDENTIAL)
    with pytest.raises(BakingError, match="empty <svg/>"):
        bake_svg('<svg xmlns="http://www.w3.org/2000/svg"/>', CREDENTIAL)
