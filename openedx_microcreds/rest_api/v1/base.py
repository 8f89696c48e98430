"""What every v1 view shares: the platform's authentication, one error shape, pagination, CSV.

Authentication is the platform's own (JWT, the LMS's OAuth2 bearer tokens, the session), given by
the platform adapter, so that the sandbox and the tests run without edx-platform. Errors are
``{"code": ..., "detail": ..., "problems": [{path, code, message, severity}]}`` whatever raised
them: the Python API, DRF (401, 403, 405, a body that is not JSON) or a missing page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ... import api
from ...platform import CourseNotFoundError, get_platform, parse_course_key
from ...settings import get_setting
from . import permissions
from .schema import Schema as AutoSchema

# Course keys are at most this long in the plugin's tables (and edx-platform's).
MAX_COURSE_KEY = 255

_DRF_CODES = {
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.ParseError: "parse_error",
    exceptions.Throttled: "throttled",
}


class CSVRenderer(BaseRenderer):
    """Text the view made as CSV (``?format=csv`` or ``Accept: text/csv``)."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        return data if isinstance(data, (str, bytes)) else ""


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Any) -> int:
        self.page_size = get_setting("MICROCREDS_API_PAGE_SIZE")
        return super().get_page_size(request)


class MicrocredsView(APIView):
    """Base of the v1 views."""

    renderer_classes = [JSONRenderer]
    permission_classes = [permissions.Authenticated]
    schema = AutoSchema()

    def get_authenticators(self) -> list[Any]:
        return [authenticator() for authenticator in get_platform().api_authentication_classes()]

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, api.ApiError):
            return error_response(exc)
        if isinstance(exc, Http404):
            exc = exceptions.NotFound()
        if isinstance(exc, exceptions.ValidationError):
            return problems_response(validation_problems(exc.detail))
        if isinstance(exc, exceptions.APIException) and not isinstance(
            exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed
        ):
            code = _DRF_CODES.get(type(exc), exc.default_code)
            self.headers.update(self._allow(exc))
            return Response({"code": code, "detail": str(exc.detail)}, status=exc.status_code)
        response = super().handle_exception(exc)  # 401 with WWW-Authenticate
        code = _DRF_CODES.get(type(exc), "error")
        response.data = {"code": code, "detail": str(getattr(exc, "detail", exc))}
        return response

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        # Errors are JSON even where a CSV file was asked for.
        if getattr(response, "status_code", 200) >= 400 and isinstance(response, Response):
            renderer = getattr(request, "accepted_renderer", None)
            if renderer is None or renderer.format != "json":
                request.accepted_renderer = JSONRenderer()
                request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)

    def _allow(self, exc: Exception) -> dict[str, str]:
        if isinstance(exc, exceptions.MethodNotAllowed):
            return {"Allow": ", ".join(self.allowed_methods)}
        return {}

    # --- the course of the URL -----------------------------------------------------------

    def course_key(self) -> str:
        """The URL's course, once the permission check let the request through: 404 for a
        course that does not exist (only those who may see it get that far)."""
        raw = self.kwargs["course_id"]
        try:
            key = str(parse_course_key(raw)) if len(raw) <= MAX_COURSE_KEY else None
        except CourseNotFoundError:
            key = None
        if key is None or not get_platform().course_exists(key):
            raise api.NotFound(f"no course {raw}")
        return key

    def paginate(self, queryset: Any, serialize: Any) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response([serialize(item) for item in page])

    def wants_csv(self) -> bool:
        return getattr(self.request, "accepted_renderer", None) is not None and (
            self.request.accepted_renderer.format == "csv"
        )


def error_response(exc: api.ApiError) -> Response:
    body: dict[str, Any] = {"code": exc.code, "detail": exc.message}
    headers = {}
    if isinstance(exc, api.InvalidInput):
        body["problems"] = [problem.as_dict() for problem in exc.problems]
        code = status.HTTP_400_BAD_REQUEST
    elif isinstance(exc, api.NotFound):
        code = status.HTTP_404_NOT_FOUND
    elif isinstance(exc, api.StaleEdit):
        body["current_edit_tag"] = exc.current_tag
        code = status.HTTP_412_PRECONDITION_FAILED
    elif isinstance(exc, api.EditTagRequired):
        code = status.HTTP_428_PRECONDITION_REQUIRED
    else:
        code = status.HTTP_409_CONFLICT
    return Response(body, status=code, headers=headers)


def problems_response(problems: list[api.Problem]) -> Response:
    return error_response(api.InvalidInput(problems))


def validation_problems(detail: Any, path: str = "$") -> list[api.Problem]:
    """A DRF serializer's errors as problems with JSON paths."""
    if isinstance(detail, dict):
        found = []
        for key, value in detail.items():
            inner = path if key == "non_field_errors" else f"{path}.{key}"
            found.extend(validation_problems(value, inner))
        return found
    if isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            return [api.Problem(path, str(item.code), str(item)) for item in detail]
        found = []
        for index, item in enumerate(detail):
            found.extend(validation_problems(item, f"{path}[{index}]"))
        return found
    return [api.Problem(path, str(getattr(detail, "code", "invalid")), str(detail))]


def validated(serializer_class: Any, data: Any, **kwargs: Any) -> dict[str, Any]:
    """The request body checked by ``serializer_class`` (its problems with their paths)."""
    if not isinstance(data, dict):
        raise api.InvalidInput([api.Problem("$", "not_an_object", "must be a JSON object")])
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        raise api.InvalidInput(validation_problems(serializer.errors))
    unknown = sorted(set(data) - set(serializer.fields))
    if unknown:
        raise api.InvalidInput(
            [
                api.Problem(
                    f"$.{key}",
                    "unknown_key",
                    f"is not a field here ({', '.join(serializer.fields)})",
                )
                for key in unknown
            ]
        )
    return dict(serializer.validated_data)
