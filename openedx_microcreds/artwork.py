"""Badge artwork generated from a credential's name: the pixels of baked images, and the image
of pages whose definition has none.

Why generated, not the definition's ``image_url``: baking needs the image's bytes on the server,
and fetching an author-supplied URL from the server would let anyone who can edit a definition
make the LMS request internal addresses (SSRF), and would parse untrusted images
(decompression bombs) on every download. Generated artwork needs no network, no storage and no
image parsing; the same name always gives the same picture. The authored image is still shown
by browsers wherever the credential names it.
"""

from __future__ import annotations

import hashlib
import io
from functools import lru_cache
from xml.sax.saxutils import escape

# (ring, fill) pairs with white text at WCAG AA contrast or better on the fill.
PALETTE = (
    ("#06405f", "#0a5c8a"),
    ("#0c4a2a", "#17703a"),
    ("#5a1d6e", "#7b2d96"),
    ("#7a1013", "#a4161a"),
    ("#5c3d00", "#7a5200"),
    ("#12355b", "#1f5596"),
    ("#2e3a40", "#46565f"),
    ("#004d4d", "#007070"),
)
SIZE = 400


def colours(seed: str) -> tuple[str, str]:
    """The (ring, fill) colours of ``seed`` (stable across processes, unlike ``hash``)."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def initials(name: str) -> str:
    """Up to two letters: the first letters of the first two words ("Data Analyst" -> "DA")."""
    words = [word for word in name.replace("-", " ").split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:2]).upper()
    return letters or "?"


def badge_svg(name: str, seed: str) -> str:
    """An SVG badge: a ring, the initials, and the name on a ribbon."""
    ring, fill = colours(seed)
    label = name if len(name) <= 28 else name[:27] + "…"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label="{escape(name, {chr(34): "&quot;"})}">'
        f"<title>{escape(name)}</title>"
        f'<circle cx="200" cy="190" r="170" fill="{ring}"/>'
        f'<circle cx="200" cy="190" r="148" fill="{fill}"/>'
        f'<circle cx="200" cy="190" r="132" fill="none" stroke="#ffffff" stroke-width="3" '
        f'stroke-opacity="0.6"/>'
        f'<text x="200" y="222" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="104" font-weight="700" fill="#ffffff">{escape(initials(name))}</text>'
        f'<rect x="30" y="318" width="340" height="56" rx="10" fill="#ffffff" stroke="{ring}" '
        f'stroke-width="4"/>'
        f'<text x="200" y="355" text-anchor="middle" font-family="Arial, Helvetica, sans-serif" '
        f'font-size="{_label_size(label)}" font-weight="700" fill="{ring}">{escape(label)}</text>'
        "</svg>"
    )


def _label_size(label: str) -> int:
    return 26 if len(label) <= 18 else 20 if len(label) <= 24 else 17


@lru_cache(maxsize=256)
def badge_png(name: str, seed: str) -> bytes:
    """The same badge as :func:`badge_svg`, drawn with Pillow (the LMS has it)."""
    from PIL import Image, ImageDraw, ImageFont

    ring, fill = colours(seed)
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((30, 20, 370, 360), fill=ring)
    draw.ellipse((52, 42, 348, 338), fill=fill)
    draw.ellipse((68, 58, 332, 322), outline=(255, 255, 255, 153), width=3)
    big = ImageFont.load_default(size=104)
    draw.text((200, 190), initials(name), font=big, fill="#ffffff", anchor="mm")
    draw.rounded_rectangle((30, 318, 370, 374), radius=10, fill="#ffffff", outline=ring, width=4)
    label = name if len(name) <= 28 else name[:27] + "…"
    small = ImageFont.load_default(size=_label_size(label))
    draw.text((200, 346), label, font=small, fill=ring, anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
