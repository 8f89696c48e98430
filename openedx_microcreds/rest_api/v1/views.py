"""REST API v1 views: each checks who asks (permissions.py), calls the Python API and lays out
the answer (serializers.py). See the committed openapi.yaml for the whole contract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.http import HttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ... import api
from ...platform import get_platform
from . import serializers as s
from .base import CSVRenderer, MicrocredsView, validated
from .permissions import CourseAuthor, CourseReadOrAuthor, GlobalStaff

SCHEMA_FILE = Path(__file__).with_name("openapi.yaml")

COURSE = OpenApiParameter(
    "course_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="A course run key."
)
SLUG = OpenApiParameter("slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="Its slug.")
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description='The ETag of the definition as it was read ("3.7"); older: 412.',
)
FORMAT = OpenApiParameter(
    "format",
    OpenApiTypes.STR,
    OpenApiParameter.QUERY,
    enum=["json", "csv"],
    description="csv: a CSV file.",
)
PAGE = [
    OpenApiParameter("page", OpenApiTypes.INT, OpenApiParameter.QUERY),
    OpenApiParameter(
        "page_size", OpenApiTypes.INT, OpenApiParameter.QUERY, description="At most 500."
    ),
]


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    words = {
        400: "What was sent has problems (each with its path and code).",
        401: "Not signed in (JWT, bearer token or session).",
        403: "Not allowed.",
        404: "No such course, definition, award or dry run.",
        409: "Not possible in the current state of things.",
        412: "The definition changed since the If-Match tag: load it again.",
        428: "If-Match is required.",
    }
    return {code: OpenApiResponse(s.ErrorSerializer, description=words[code]) for code in codes}


READ_ERRORS = errors(401, 403, 404)


def _definition_response(definition: Any, warnings: list[api.Problem], code: int) -> Response:
    body = {
        "definition": s.DefinitionSerializer(definition).data,
        "warnings": [problem.as_dict() for problem in warnings],
    }
    response = Response(body, status=code, headers={"ETag": f'"{definition.edit_tag}"'})
    return response


def _definition_url(definition: Any) -> str:
    return reverse(
        "openedx_microcreds:api:v1:definition", args=[definition.course_key, definition.slug]
    )


# --- authoring ------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    parameters=[
        COURSE,
        OpenApiParameter(
            "state",
            OpenApiTypes.STR,
            enum=["draft", "active", "archived"],
            description="Only these.",
        ),
        *PAGE,
    ],
    responses={200: s.DefinitionSerializer(many=True), **READ_ERRORS, **errors(400)},
)
@extend_schema(
    methods=["POST"],
    parameters=[COURSE],
    request=s.DefinitionWriteSerializer,
    responses={201: s.DefinitionResultSerializer, **READ_ERRORS, **errors(400)},
)
class DefinitionListView(MicrocredsView):
    """The credential definitions of a course."""

    permission_classes = [CourseReadOrAuthor]

    def get(self, request: Any, course_id: str) -> Response:
        state = request.query_params.get("state")
        if state is not None and state not in ("draft", "active", "archived"):
            raise api.InvalidInput(
                [api.Problem("$.state", "invalid_choice", "must be draft, active or archived")]
            )
        definitions = api.list_definitions(self.course_key(), states=[state] if state else None)
        return self.paginate(definitions, lambda d: s.DefinitionSerializer(d).data)

    def post(self, request: Any, course_id: str) -> Response:
        course_key = self.course_key()
        data = validated(s.DefinitionWriteSerializer, request.data)
        definition, warnings = api.create_definition({**data, "course_key": course_key})
        response = _definition_response(definition, warnings, status.HTTP_201_CREATED)
        response["Location"] = _definition_url(definition)
        return response


@extend_schema(
    methods=["GET"],
    parameters=[COURSE, SLUG],
    responses={200: s.DefinitionSerializer, **READ_ERRORS},
)
@extend_schema(
    methods=["PATCH"],
    parameters=[COURSE, SLUG, IF_MATCH],
    request=s.DefinitionUpdateSerializer,
    responses={
        200: s.DefinitionResultSerializer,
        **READ_ERRORS,
        **errors(400, 412, 428),
    },
)
@extend_schema(
    methods=["DELETE"],
    parameters=[COURSE, SLUG, IF_MATCH],
    request=None,
    responses={200: s.DefinitionSerializer, **READ_ERRORS, **errors(400, 412, 428)},
    description="Archive: no new awards; credentials already issued stay valid.",
)
class DefinitionView(MicrocredsView):
    """One definition: read, edit (If-Match), archive (DELETE, If-Match)."""

    permission_classes = [CourseReadOrAuthor]

    def definition(self) -> Any:
        return api.get_definition(self.kwargs["slug"], course_key=self.course_key())

    def get(self, request: Any, course_id: str, slug: str) -> Response:
        definition = self.definition()
        return Response(
            s.DefinitionSerializer(definition).data, headers={"ETag": f'"{definition.edit_tag}"'}
        )

    def patch(self, request: Any, course_id: str, slug: str) -> Response:
        definition = self.definition()
        changes = validated(s.DefinitionUpdateSerializer, request.data)
        definition, warnings = api.update_definition(
            definition, changes, expected_tag=request.headers.get("If-Match")
        )
        return _definition_response(definition, warnings, status.HTTP_200_OK)

    def delete(self, request: Any, course_id: str, slug: str) -> Response:
        definition = api.archive_definition(
            self.definition(), expected_tag=request.headers.get("If-Match")
        )
        return Response(
            s.DefinitionSerializer(definition).data, headers={"ETag": f'"{definition.edit_tag}"'}
        )


@extend_schema(
    methods=["POST"],
    parameters=[COURSE, SLUG],
    request=s.DuplicateSerializer,
    responses={201: s.DefinitionResultSerializer, **READ_ERRORS, **errors(400, 409)},
)
class DuplicateView(MicrocredsView):
    """A draft copy, in this course or another run (the rule's keys moved to it)."""

    permission_classes = [CourseAuthor]

    def post(self, request: Any, course_id: str, slug: str) -> Response:
        original = api.get_definition(slug, course_key=self.course_key())
        data = validated(s.DuplicateSerializer, request.data)
        target = data.pop("course_id", None)
        if target is not None:
            if not get_platform().can_author(request.user, target):
                raise api.InvalidInput(
                    [api.Problem("$.course_id", "not_allowed", "you do not author that course")]
                )
            if not get_platform().course_exists(target):
                raise api.InvalidInput(
                    [api.Problem("$.course_id", "unknown_course", f"no course {target}")]
                )
        definition, warnings = api.duplicate_definition(original, course_key=target, **data)
        response = _definition_response(definition, warnings, status.HTTP_201_CREATED)
        response["Location"] = _definition_url(definition)
        return response


@extend_schema(
    methods=["GET"],
    parameters=[COURSE],
    responses={200: s.ContextSerializer, **READ_ERRORS},
)
class ContextView(MicrocredsView):
    """What a rule builder's pickers offer: the course's blocks, assignment types, and the
    credentials a rule may stack on."""

    permission_classes = [CourseAuthor]

    def get(self, request: Any, course_id: str) -> Response:
        context = api.course_context(self.course_key())
        return Response(
            {
                "course_key": context.course_key,
                "display_name": context.display_name,
                "blocks": [block.__dict__ for block in context.outline.blocks],
                "assignment_types": list(context.outline.assignment_types),
                "credentials": [
                    {"slug": d.slug, "name": d.name, "course_key": d.course_key, "state": d.state}
                    for d in context.credentials
                ],
            }
        )


@extend_schema(
    methods=["POST"],
    parameters=[COURSE],
    request=s.ValidateRuleSerializer,
    responses={200: s.ValidationResultSerializer, **READ_ERRORS, **errors(400)},
)
class ValidateRuleView(MicrocredsView):
    """Every problem of a rule for this course, with its path and code (200 either way)."""

    permission_classes = [CourseAuthor]

    def post(self, request: Any, course_id: str) -> Response:
        course_key = self.course_key()
        data = validated(s.ValidateRuleSerializer, request.data)
        problems = api.validate_rule(data["rule"], course_key=course_key, slug=data.get("slug"))
        return Response(
            {
                "valid": not api.errors_only(problems),
                "problems": [problem.as_dict() for problem in problems],
            }
        )


@extend_schema(
    methods=["GET"],
    auth=[],
    parameters=[
        OpenApiParameter(
            "pathway", OpenApiTypes.BOOL, description="Of a credential with no course of its own."
        )
    ],
    responses={200: OpenApiTypes.OBJECT},
)
class RuleSchemaView(MicrocredsView):
    """The JSON Schema of award rules, for editors that check a rule as it is typed."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_authenticators(self) -> list[Any]:
        return []

    def get(self, request: Any) -> Response:
        pathway = request.query_params.get("pathway", "").lower() in ("1", "true", "yes")
        return Response(api.rule_schema(pathway=pathway))


# --- dry runs -------------------------------------------------------------------------------


def _job_response(job: Any, code: int) -> Response:
    body = s.DryRunJobSerializer(job).data
    location = reverse("openedx_microcreds:api:v1:dry-run", args=[job.course_key, str(job.uuid)])
    return Response(body, status=code, headers={"Location": location})


@extend_schema(
    methods=["POST"],
    parameters=[COURSE],
    request=s.DryRunRequestSerializer,
    responses={
        200: s.DryRunJobSerializer,
        202: s.DryRunJobSerializer,
        **READ_ERRORS,
        **errors(400),
    },
)
class DryRunStartView(MicrocredsView):
    """Try a definition (or a rule not saved yet) on the course's learners; nothing awarded.
    A small course answers 200 with the job done; a large one 202 with the job to poll."""

    permission_classes = [CourseAuthor]

    def post(self, request: Any, course_id: str) -> Response:
        course_key = self.course_key()
        data = validated(s.DryRunRequestSerializer, request.data)
        job = api.start_dry_run(
            course_key,
            definition=data.get("definition"),
            rule=data.get("rule"),
            requested_by=request.user,
        )
        done = job.state in ("done", "failed")
        return _job_response(job, status.HTTP_200_OK if done else status.HTTP_202_ACCEPTED)


@extend_schema(
    methods=["GET"],
    parameters=[COURSE, OpenApiParameter("job_id", OpenApiTypes.STR, OpenApiParameter.PATH)],
    responses={200: s.DryRunJobSerializer, **READ_ERRORS},
)
class DryRunView(MicrocredsView):
    """A dry run's state, progress and counts."""

    permission_classes = [CourseAuthor]

    def get(self, request: Any, course_id: str, job_id: str) -> Response:
        job = api.get_dry_run(job_id, course_key=self.course_key())
        return _job_response(job, status.HTTP_200_OK)


@extend_schema(
    methods=["GET"],
    parameters=[
        COURSE,
        OpenApiParameter("job_id", OpenApiTypes.STR, OpenApiParameter.PATH),
        OpenApiParameter(
            "outcome",
            OpenApiTypes.STR,
            enum=["would_award", "not_met", "already_held", "failed"],
        ),
        FORMAT,
        *PAGE,
    ],
    responses={
        (200, "application/json"): s.DryRunResultSerializer(many=True),
        (200, "text/csv"): OpenApiTypes.STR,
        **READ_ERRORS,
    },
)
class DryRunResultsView(MicrocredsView):
    """A dry run's rows, a page at a time, or all as CSV."""

    permission_classes = [CourseAuthor]
    renderer_classes = [JSONRenderer, CSVRenderer]

    def get(self, request: Any, course_id: str, job_id: str) -> Response:
        job = api.get_dry_run(job_id, course_key=self.course_key())
        outcome = request.query_params.get("outcome") or None
        rows = api.dry_run_results(job, outcome=outcome)
        if self.wants_csv():
            return _csv(_dry_run_csv(rows), f"dry-run-{job.uuid}.csv")
        return self.paginate(rows, lambda row: s.DryRunResultSerializer(row).data)


def _dry_run_csv(rows: Any) -> str:
    import csv
    import io

    from ...management.utils import explanation_from_dict

    output = io.StringIO()
    writer = csv.writer(output, lineterminator="\n")
    writer.writerow(["user_id", "username", "outcome", "reason", "explanation"])
    for row in rows.iterator(chunk_size=2000):
        tree = row.explanation
        text = explanation_from_dict(tree).render_text(ascii_marks=True) if tree else ""
        writer.writerow([row.user_id, row.username, row.outcome, row.reason, text])
    return output.getvalue()


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- awards ---------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    parameters=[
        COURSE,
        SLUG,
        OpenApiParameter(
            "state",
            OpenApiTypes.STR,
            enum=["active", "revoked", "expired", "superseded"],
        ),
        OpenApiParameter(
            "search",
            OpenApiTypes.STR,
            description="A username (or its start), e-mail, award or credential id.",
        ),
        *PAGE,
    ],
    responses={200: s.AwardSerializer(many=True), **READ_ERRORS, **errors(400)},
)
class AwardListView(MicrocredsView):
    """The awards of a definition, newest first."""

    permission_classes = [CourseReadOrAuthor]

    def get(self, request: Any, course_id: str, slug: str) -> Response:
        awards = api.awards_of(
            slug,
            course_key=self.course_key(),
            state=request.query_params.get("state") or None,
            search=request.query_params.get("search") or None,
        ).only(*s.AwardSerializer.READS)  # not the signed documents and evidence of every row
        return self.paginate(awards, lambda award: s.AwardSerializer(award).data)


class _AwardChangeView(MicrocredsView):
    permission_classes = [CourseAuthor]
    change: Any = None

    def post(self, request: Any, course_id: str, slug: str, award_id: str) -> Response:
        course_key = self.course_key()
        award = api.get_award(award_id, definition=slug, course_key=course_key)
        data = validated(s.ReasonSerializer, request.data)
        result = type(self).change(award, reason=data["reason"], by=request.user)
        award = api.get_award(str(result.award.uuid))
        return Response(
            {
                "changed": result.changed,
                "message": result.message,
                "award": s.AwardSerializer(award).data,
            }
        )


AWARD = OpenApiParameter(
    "award_id", OpenApiTypes.STR, OpenApiParameter.PATH, description="The award's id."
)


@extend_schema(
    methods=["POST"],
    parameters=[COURSE, SLUG, AWARD],
    request=s.ReasonSerializer,
    responses={200: s.AwardChangeSerializer, **READ_ERRORS, **errors(400, 409)},
)
class RevokeView(_AwardChangeView):
    """Revoke an award, with a reason (told to the learner)."""

    change = staticmethod(api.revoke_award)

    def post(self, request: Any, course_id: str, slug: str, award_id: str) -> Response:
        return super().post(request, course_id, slug, award_id)


@extend_schema(
    methods=["POST"],
    parameters=[COURSE, SLUG, AWARD],
    request=s.ReasonSerializer,
    responses={200: s.AwardChangeSerializer, **READ_ERRORS, **errors(400, 409)},
)
class ReinstateView(_AwardChangeView):
    """Undo a revocation made in error: the same credential, as it was issued, is valid again
    (409 when it cannot be: a newer award of the learner, an expiry, a retired key)."""

    change = staticmethod(api.reinstate_award)

    def post(self, request: Any, course_id: str, slug: str, award_id: str) -> Response:
        return super().post(request, course_id, slug, award_id)


# --- reports --------------------------------------------------------------------------------

REPORT_PARAMETERS = [
    OpenApiParameter("period", OpenApiTypes.STR, enum=["day", "week", "month"]),
    OpenApiParameter("since", OpenApiTypes.DATE, description="From this day (UTC)."),
    OpenApiParameter("until", OpenApiTypes.DATE, description="To this day (UTC), inclusive."),
    OpenApiParameter("definition", OpenApiTypes.STR, description="One definition's slug."),
    FORMAT,
]
REPORT_RESPONSES = {
    (200, "application/json"): s.ReportSerializer,
    (200, "text/csv"): OpenApiTypes.STR,
}


class _ReportView(MicrocredsView):
    renderer_classes = [JSONRenderer, CSVRenderer]

    def report(self, request: Any, course_key: str | None) -> Response:
        query = {k: v for k, v in request.query_params.items() if k != "format"}
        params = validated(s.ReportQuerySerializer, query)
        course_key = course_key or params.get("course_id")
        rows = api.awards_report(
            course_key=course_key,
            definition=params.get("definition"),
            period=params["period"],
            since=params.get("since"),
            until=params.get("until"),
        )
        if self.wants_csv():
            return _csv(api.awards_report_csv(rows), "awards.csv")
        return Response(
            {"period": params["period"], "rows": [s.ReportRowSerializer(row).data for row in rows]}
        )


@extend_schema(
    methods=["GET"],
    parameters=[COURSE, *REPORT_PARAMETERS],
    responses={**REPORT_RESPONSES, **READ_ERRORS, **errors(400)},
)
class CourseReportView(_ReportView):
    """Awards of the course's definitions issued and revoked per period."""

    permission_classes = [CourseReadOrAuthor]

    def get(self, request: Any, course_id: str) -> Response:
        return self.report(request, self.course_key())


@extend_schema(
    methods=["GET"],
    parameters=[
        OpenApiParameter("course_id", OpenApiTypes.STR, description="One course only."),
        *REPORT_PARAMETERS,
    ],
    responses={**REPORT_RESPONSES, **errors(400, 401, 403, 404)},
)
class ReportView(_ReportView):
    """Awards of every course's definitions (or one course's) issued and revoked per period:
    global staff only."""

    permission_classes = [GlobalStaff]

    def get(self, request: Any) -> Response:
        return self.report(request, None)


# --- learners -------------------------------------------------------------------------------


@extend_schema(
    methods=["GET"],
    responses={200: s.MyAwardSerializer(many=True), **errors(401, 403)},
)
class MyAwardsView(MicrocredsView):
    """The signed-in learner's credentials: active, expired, revoked (with the reason)."""

    def get(self, request: Any) -> Response:
        held = api.learner_awards(request.user.pk)
        return Response([s.MyAwardSerializer(item).data for item in held])


@extend_schema(
    methods=["GET"],
    parameters=[COURSE],
    responses={200: s.ProgressSerializer(many=True), **errors(401, 403, 404)},
)
class MyProgressView(MicrocredsView):
    """The signed-in learner's progress towards what they can still earn in a course they are
    enrolled in: each requirement, met or not, with their number and the number needed."""

    def get(self, request: Any, course_id: str) -> Response:
        progress = api.learner_progress(request.user.pk, self.course_key())
        return Response([s.ProgressSerializer(item).data for item in progress])


# --- the schema -----------------------------------------------------------------------------


def openapi_schema(request: Any) -> HttpResponse:
    """The committed OpenAPI document of this API (tests keep it equal to the code's)."""
    if request.method not in ("GET", "HEAD"):
        response = HttpResponse(status=405)
        response["Allow"] = "GET, HEAD"
        return response
    body = SCHEMA_FILE.read_bytes()
    return HttpResponse(body, content_type="application/vnd.oai.openapi; charset=utf-8")


def not_found(request: Any) -> HttpResponse:
    """No endpoint at this address (or an id no endpoint accepts, such as one with a "/")."""
    body = json.dumps({"code": "not_found", "detail": "No endpoint of the API has this address."})
    return HttpResponse(body, status=404, content_type="application/json")
