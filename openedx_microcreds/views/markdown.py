"""A small, safe Markdown subset for criteria narratives.

Every character of the input is HTML-escaped first; the only markup that comes out is what this
module writes itself: paragraphs, line breaks, nested bullet and numbered lists, headings (shown
one level below the page's own), ``**strong**``, ``*emphasis*``, ```code``` and links whose
target is an absolute http(s) URL. Anything else, raw HTML included, stays visible as text.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])[ \t]+(?P<text>.*)$")
_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t#]*$")
_CODE = re.compile(r"`([^`\n]+)`")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\((https?://[^\s()<>\"']+)\)")
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_EMPHASIS = re.compile(
    r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])|(?<![\w_])_(?=\S)(.+?)(?<=\S)_(?![\w_])"
)

# Inputs longer than this are shown as plain text: the subset is for short narratives.
MAX_LENGTH = 20_000


def render(text: str | None) -> SafeString:
    """``text`` (Markdown subset) as safe HTML."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return mark_safe("")  # noqa: S308 - a constant
    if len(text) > MAX_LENGTH:
        return mark_safe(f"<p>{_breaks(escape(text))}</p>")  # noqa: S308 - escaped above
    html = []
    paragraph: list[str] = []
    items: list[tuple[int, bool, str]] = []  # (indent, ordered, text) of the list in progress

    def flush() -> None:
        if paragraph:
            html.append("<p>" + "<br>".join(inline(line) for line in paragraph) + "</p>")
            paragraph.clear()
        if items:
            html.append(_render_list(items))
            items.clear()

    for line in text.split("\n"):
        if not line.strip():
            flush()
            continue
        item = _LIST_ITEM.match(line)
        heading = _HEADING.match(line)
        if item:
            if paragraph:
                flush()
            indent = len(item.group("indent").expandtabs(4))
            ordered = item.group("marker")[0].isdigit()
            items.append((indent, ordered, item.group("text")))
        elif items and line[:1] in (" ", "\t"):
            indent, ordered, previous = items[-1]  # a continuation line of the last item
            items[-1] = (indent, ordered, previous + " " + line.strip())
        elif heading:
            flush()
            level = min(len(heading.group(1)) + 2, 6)
            html.append(f"<h{level}>{inline(heading.group(2))}</h{level}>")
        else:
            if items:
                flush()
            paragraph.append(line.strip())
    flush()
    return mark_safe("\n".join(html))  # noqa: S308 - built from escaped text only


def _render_list(items: list[tuple[int, bool, str]]) -> str:
    """Nested lists from (indent, ordered, text) lines: deeper indentation opens a sub-list."""
    out: list[str] = []
    stack: list[tuple[int, str]] = []  # (indent, tag) of open lists
    for indent, ordered, text in items:
        tag = "ol" if ordered else "ul"
        if stack and indent > stack[-1][0]:
            out.append(f"<{tag}>")  # inside the still-open <li> of the parent item
            stack.append((indent, tag))
        else:
            while len(stack) > 1 and indent < stack[-1][0]:
                out.append(f"</li></{stack.pop()[1]}>")
            if stack:
                out.append("</li>")
            else:
                out.append(f"<{tag}>")
                stack.append((indent, tag))
        out.append(f"<li>{inline(text)}")
    while stack:
        out.append(f"</li></{stack.pop()[1]}>")
    return "".join(out)


def inline(text: str) -> str:
    """Escape ``text``, then apply code spans, links, strong and emphasis."""
    parts = []
    position = 0
    for code in _CODE.finditer(text):
        parts.append(_links(text[position : code.start()]))
        parts.append(f"<code>{escape(code.group(1))}</code>")
        position = code.end()
    parts.append(_links(text[position:]))
    return "".join(parts)


def _links(text: str) -> str:
    parts = []
    position = 0
    for link in _LINK.finditer(text):
        parts.append(_emphasis(escape(text[position : link.start()])))
        label = _emphasis(escape(link.group(1)))
        href = escape(link.group(2))
        parts.append(f'<a href="{href}" rel="nofollow noopener noreferrer">{label}</a>')
        position = link.end()
    parts.append(_emphasis(escape(text[position:])))
    return "".join(parts)


def _emphasis(escaped: str) -> str:
    escaped = _STRONG.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", escaped)
    return _EMPHASIS.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", escaped)


def _breaks(escaped: str) -> str:
    return escaped.replace("\n", "<br>")
