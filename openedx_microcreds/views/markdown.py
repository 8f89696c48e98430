"""Criteria narratives (Markdown) as safe HTML for the public pages.

CommonMark through markdown-it-py, whose parser does linear work in the input: our own regular
expressions did quadratic work on inputs such as ``" __x" * 4999``, and the criteria of an
achievement is shown on pages anyone can request. The configuration keeps the output safe:

- no raw HTML: tags in the text stay visible as text, every character is escaped;
- links only to absolute http(s) URLs, marked ``rel="nofollow noopener noreferrer"``;
  anything else (``javascript:``, ``data:``, relative links) stays text;
- no images (the pages load images only from the credential's own fields);
- headings one level below the page's own;
- a single line break is kept as a line break, as authors of narratives expect.

Narratives longer than :data:`MAX_LENGTH` characters are shown as escaped plain text.
"""

from __future__ import annotations

from functools import cache
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from ..field_checks import NARRATIVE_MAX_LENGTH

# Longer narratives are not parsed: the criteria of a credential is a few paragraphs (a
# definition cannot hold more), and the bound caps the work one anonymous request can cause.
MAX_LENGTH = NARRATIVE_MAX_LENGTH
LINK_REL = "nofollow noopener noreferrer"
# Page headings are h1 (the achievement) and h2 (sections): a narrative's "# Steps" is an h3.
HEADING_SHIFT = 2


def render(text: str | None) -> SafeString:
    """``text`` (CommonMark) as safe HTML."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return mark_safe("")  # noqa: S308 - a constant
    if len(text) > MAX_LENGTH:
        return mark_safe("<p>" + escape(text).replace("\n", "<br>") + "</p>")  # noqa: S308
    return mark_safe(_parser().render(text).strip())  # noqa: S308 - html=False: all escaped


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt(
        "commonmark",
        {"html": False, "breaks": True, "linkify": False, "typographer": False},
    )
    parser.disable(["html_block", "html_inline", "image"])
    parser.validateLink = is_web_link
    parser.core.ruler.push("microcreds_pages", _fit_to_page)
    return parser


def is_web_link(url: str) -> bool:
    """Link targets allowed on the pages: absolute http(s) URLs with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _fit_to_page(state: StateCore) -> None:
    """Shift headings below the page's own and mark links as not endorsed by the issuer."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            level = min(int(token.tag[1]) + HEADING_SHIFT, 6)
            token.tag = f"h{level}"
        for child in token.children or ():
            if child.type == "link_open":
                child.attrSet("rel", LINK_REL)
