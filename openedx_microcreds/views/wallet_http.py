"""HTTP plumbing of the wallet endpoints: JSON in and out, CORS, no caching, and no code in logs.

Wallets call these endpoints without an LMS session: each request is authorized by the
capability it carries (a code in the URL, a pre-authorized code, an access token), never by a
cookie. So CSRF protection (which guards cookie-authorized changes) does not apply, and any origin
may call them from a browser (a web wallet): ``Access-Control-Allow-Origin: *``, no credentials.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
_CORS_HEADERS = "Authorization, Content-Type, DPoP"
# RFC 6749: error_description is printable ASCII without '"' and '\'.
_NOT_DESCRIPTION = re.compile(r"[^\x20-\x21\x23-\x5b\x5d-\x7e]")


class BodyError(ValueError):
    """The request body is not what the endpoint takes."""


def wallet_endpoint(*methods: str) -> Callable:
    """A wallet endpoint answering ``methods`` (and CORS preflights); any other method gets 405
    with ``Allow``. Every answer is uncached, CORS-open, and kept out of Django's request log
    (which would print the path, and the path may hold an offer's code)."""
    allowed = ", ".join((*methods, "OPTIONS"))

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def endpoint(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = allowed
                response["Access-Control-Allow-Headers"] = _CORS_HEADERS
                response["Access-Control-Max-Age"] = "600"
            elif request.method not in methods:
                response = json_answer(
                    {"error": "method_not_allowed", "error_description": f"use {allowed}"},
                    status=405,
                )
                response["Allow"] = allowed
            else:
                response = view(request, *args, **kwargs)
            return _finish(response)

        return endpoint

    return decorate


def _finish(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "WWW-Authenticate"
    response.setdefault("Cache-Control", "no-store")
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    # django.request logs every 4xx with the request path; ours may carry a code.
    response._has_been_logged = True
    return response


def json_answer(
    document: Any, *, status: int = 200, content_type: str = JSON, cache: str | None = None
) -> HttpResponse:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body.encode("utf-8"), status=status, content_type=content_type)
    if cache:
        response["Cache-Control"] = cache
    return response


def problem(status: int, error: str, detail: str) -> HttpResponse:
    """An RFC 9457 problem (VC-API's error form), with a machine-readable ``error``."""
    log.info("wallet request refused: %s (%s)", error, status)
    return json_answer(
        {"title": error.replace("_", " "), "status": status, "error": error, "detail": detail},
        status=status,
        content_type=PROBLEM_JSON,
    )


def oauth_error(status: int, error: str, description: str) -> HttpResponse:
    """An OAuth 2.0 / OpenID4VCI error answer; a 401 also says so in WWW-Authenticate."""
    log.info("wallet request refused: %s (%s)", error, status)
    description = _NOT_DESCRIPTION.sub("?", description)[:300]
    response = json_answer({"error": error, "error_description": description}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = (
            f'Bearer error="{error}", error_description="{description.replace(chr(34), "")}"'
        )
    return response


def read_json(request: HttpRequest, *, empty: Any = None) -> Any:
    """The request's JSON body (``empty`` when it has none); BodyError when too large or not
    JSON."""
    length = request.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise BodyError(f"the request body is larger than {MAX_BODY_BYTES} bytes")
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise BodyError(f"the request body is larger than {MAX_BODY_BYTES} bytes")
    if not body.strip():
        if empty is None:
            raise BodyError("the request has no body; send JSON")
        return empty
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BodyError(f"the request body is not JSON: {exc}") from None
