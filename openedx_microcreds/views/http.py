"""HTTP plumbing shared by the public views: content negotiation, strong ETags with 304s, the
security headers of every public response, and the one "not found" answer."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Callable, Sequence
from functools import cache, wraps
from importlib import resources
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags
from django.views.decorators.csrf import csrf_exempt

HTML = "text/html"
JSON = "application/json"
LD_JSON = "application/ld+json"
VC_LD_JSON = "application/vc+ld+json"
DID_JSON = "application/did+json"

# No scripts, no frames, no forms; images from https only (achievement and issuer images are
# authored URLs); the one stylesheet is inlined and allowed by its hash.
_PAGE_CSP = (
    "default-src 'none'; img-src https: data:; style-src '{style}'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
_DOCUMENT_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"
_MAX_ID_LENGTH = 64
_NOT_FOUND_JSON = '{"detail":"Not found."}'


SAFE_METHODS = ("GET", "HEAD")


def public_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public, read-only view: GET and HEAD; any other method gets 405 with ``Allow``.

    CSRF protection guards state changes made with a visitor's cookies; these views change
    nothing and read no cookie, so it is switched off here. Otherwise Django's middleware would
    answer a POST with its 403 "CSRF verification failed" page before the view could say the
    method is not allowed.
    """

    @csrf_exempt
    @wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return cors_preflight()
        if request.method not in SAFE_METHODS:
            response = HttpResponse(
                "Method not allowed: this URL serves GET and HEAD only.\n",
                status=405,
                content_type="text/plain; charset=utf-8",
            )
            response["Allow"] = ", ".join(SAFE_METHODS)
            return secure(response)
        return view(request, *args, **kwargs)

    return guarded


def cors_preflight() -> HttpResponse:
    """The answer to a browser's CORS preflight: a verifier running in a page on another origin
    asks before a GET with ``If-None-Match`` or ``Accept`` (not on CORS's safe list), and would
    otherwise be refused the status list or the credential it needs."""
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = ", ".join(SAFE_METHODS)
    response["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
    response["Access-Control-Max-Age"] = "86400"
    response["Allow"] = ", ".join((*SAFE_METHODS, "OPTIONS"))
    return secure(response)


def parse_uuid(value: str) -> uuid.UUID | None:
    """The UUID ``value`` spells in its one canonical form: lower case, with hyphens, as every
    URL we publish writes it. Other spellings (upper case, no hyphens, braces, a ``urn:uuid:``
    prefix) are not the same URL: they get the same 404 as an unknown id, so that each resource
    has exactly one address."""
    if len(value) > _MAX_ID_LENGTH:
        return None
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return parsed if str(parsed) == value else None


def parse_id(value: str) -> int | None:
    """A positive database id in its canonical decimal form ("7", never "07" or "+7")."""
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    number = int(value)
    return number if number > 0 and str(number) == value else None


def preferred_type(request: HttpRequest, offered: Sequence[str]) -> str:
    """The media type of ``offered`` the client prefers (RFC 9110 Accept with q-values).

    The most specific range matching a type gives its quality; ties go to the more specific
    match, then to the server's order. No Accept header, or nothing acceptable: the first one.
    """
    ranges = _parse_accept(request.headers.get("Accept", ""))
    best: tuple[float, int, int] | None = None
    chosen = offered[0]
    for position, media_type in enumerate(offered):
        main = media_type.split("/", 1)[0]
        match: tuple[float, int] | None = None  # (quality, specificity)
        for range_type, quality in ranges:
            if range_type == media_type:
                specificity = 2
            elif range_type == f"{main}/*":
                specificity = 1
            elif range_type == "*/*":
                specificity = 0
            else:
                continue
            if match is None or specificity > match[1]:
                match = (quality, specificity)
        if match is None or match[0] <= 0:
            continue
        key = (match[0], match[1], -position)
        if best is None or key > best:
            best, chosen = key, media_type
    return chosen


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(",")[:32]:  # a bounded amount of work per request
        fields = [field.strip() for field in part.split(";")]
        media_range = fields[0].lower()
        if "/" not in media_range:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = max(0.0, min(1.0, float(value)))
                except ValueError:
                    quality = 0.0
        ranges.append((media_range, quality))
    return ranges


def strong_etag(body: str, content_type: str) -> str:
    """A strong validator of one representation: the same bytes served under another media type
    are another representation, so the type is hashed too."""
    digest = hashlib.sha256(content_type.encode("ascii") + b"\n" + body.encode("utf-8"))
    return '"' + digest.hexdigest()[:40] + '"'


def not_modified(request: HttpRequest, etag: str) -> bool:
    """True when If-None-Match names ``etag`` (weak comparison, as RFC 9110 asks) or is ``*``."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    tags = parse_etags(header)
    return "*" in tags or any(tag.removeprefix("W/") == etag for tag in tags)


def json_body(document: Any) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def document_response(
    request: HttpRequest,
    body: str,
    content_type: str,
    *,
    cache_control: str,
    vary_accept: bool = False,
    filename: str | None = None,
) -> HttpResponse:
    """A public JSON document with a strong ETag, answered with 304 when the client has it."""
    etag = strong_etag(body, content_type)
    if not_modified(request, etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body.encode("utf-8"), content_type=content_type)
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    response["Cache-Control"] = cache_control
    # Verifiers running in browsers fetch these from other origins; nothing here is private
    # and no cookie is ever needed.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag"
    return secure(response, vary_accept=vary_accept)


@cache
def stylesheet() -> tuple[str, str]:
    """The pages' stylesheet, inlined, and its CSP source expression (``sha256-...``)."""
    css = (
        resources.files("openedx_microcreds")
        .joinpath("static/openedx_microcreds/public.css")
        .read_text(encoding="utf-8")
    )
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii")
    return css, f"sha256-{digest}"


def html_response(template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """Render ``template`` without context processors (the pages are the same for everyone)."""
    css, style_hash = stylesheet()
    body = render_to_string(template, {**context, "css": css})
    response = HttpResponse(body, status=status, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = _PAGE_CSP.format(style=style_hash)
    return secure(response, vary_accept=True)


def secure(response: HttpResponse, *, vary_accept: bool = False) -> HttpResponse:
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Frame-Options"] = "DENY"
    if not response.has_header("Content-Security-Policy"):
        response["Content-Security-Policy"] = _DOCUMENT_CSP
    if vary_accept:
        patch_vary_headers(response, ["Accept"])
    return response


def not_found(request: HttpRequest) -> HttpResponse:
    """The one 404 of the public views: the same bytes whatever id was asked for, so a reply
    never tells a malformed id from a well-formed one that matches nothing."""
    if preferred_type(request, (HTML, JSON)) == JSON:
        response = HttpResponse(_NOT_FOUND_JSON, status=404, content_type=JSON)
        return secure(response, vary_accept=True)
    return html_response("openedx_microcreds/not_found.html", {}, status=404)
