"""``/api/microcreds/v1/``. Course ids are course run keys (``course-v1:Org+Number+Run``)."""

from django.urls import path, re_path

from . import views

COURSE = "courses/<str:course_id>/"
DEFINITION = COURSE + "definitions/<str:slug>/"

urlpatterns = [
    path(COURSE + "definitions/", views.DefinitionListView.as_view(), name="definitions"),
    path(DEFINITION, views.DefinitionView.as_view(), name="definition"),
    path(DEFINITION + "duplicate/", views.DuplicateView.as_view(), name="duplicate"),
    path(DEFINITION + "awards/", views.AwardListView.as_view(), name="awards"),
    path(DEFINITION + "awards/<str:award_id>/revoke/", views.RevokeView.as_view(), name="revoke"),
    path(
        DEFINITION + "awards/<str:award_id>/reinstate/",
        views.ReinstateView.as_view(),
        name="reinstate",
    ),
    path(COURSE + "context/", views.ContextView.as_view(), name="context"),
    path(COURSE + "rules/validate/", views.ValidateRuleView.as_view(), name="validate-rule"),
    path(COURSE + "dry-run/", views.DryRunStartView.as_view(), name="dry-runs"),
    path(COURSE + "dry-run/<str:job_id>/", views.DryRunView.as_view(), name="dry-run"),
    path(
        COURSE + "dry-run/<str:job_id>/results/",
        views.DryRunResultsView.as_view(),
        name="dry-run-results",
    ),
    path(COURSE + "reports/awards/", views.CourseReportView.as_view(), name="course-report"),
    path("reports/awards/", views.ReportView.as_view(), name="report"),
    path("rule-schema/", views.RuleSchemaView.as_view(), name="rule-schema"),
    path("me/awards/", views.MyAwardsView.as_view(), name="my-awards"),
    path(
        "me/courses/<str:course_id>/progress/", views.MyProgressView.as_view(), name="my-progress"
    ),
    path("schema/", views.openapi_schema, name="schema"),
    # Anything else under the API's prefix: a JSON 404 like every other answer of the API.
    re_path(r"^[\s\S]*$", views.not_found),
]
