"""Who may do what: every endpoint and method of REST API v1 against anonymous visitors, a
learner, staff of another course, the course's staff and global staff, with the status each
gets. Each request runs in a savepoint that is rolled back, so every role meets the same state."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from openedx_microcreds import api
from openedx_microcreds.models import Award

from .conftest import API, DATA

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "learner", "other_course_staff", "course_staff", "global_staff")
WHO = {
    "anonymous": None,
    "learner": "bob",
    "other_course_staff": "vera",  # staff of Viz201, acting on Data101
    "course_staff": "author",
    "global_staff": "root",
}
D = f"{API}/courses/{DATA}"
RULE = {"type": "course_grade", "min": 0.7}

# (name, method, path, body, expected status per role in ROLES order)
AUTHORING = (401, 403, 403)
MATRIX = [
    ("list definitions", "get", "{D}/definitions/", None, (*AUTHORING, 200, 200)),
    (
        "create a definition",
        "post",
        "{D}/definitions/",
        {"name": "New", "rule": RULE},
        (*AUTHORING, 201, 201),
    ),
    ("get a definition", "get", "{D}/definitions/data-analyst/", None, (*AUTHORING, 200, 200)),
    (
        "edit a definition",
        "patch",
        "{D}/definitions/data-analyst/",
        {"description": "x"},
        (*AUTHORING, 200, 200),
    ),
    (
        "archive a definition",
        "delete",
        "{D}/definitions/data-analyst/",
        None,
        (*AUTHORING, 200, 200),
    ),
    ("replace a definition", "put", "{D}/definitions/data-analyst/", {}, (*AUTHORING, 405, 405)),
    (
        "duplicate a definition",
        "post",
        "{D}/definitions/data-analyst/duplicate/",
        {},
        (*AUTHORING, 201, 201),
    ),
    ("list awards", "get", "{D}/definitions/data-analyst/awards/", None, (*AUTHORING, 200, 200)),
    (
        "revoke an award",
        "post",
        "{D}/definitions/data-analyst/awards/{award}/revoke/",
        {"reason": "r"},
        (*AUTHORING, 200, 200),
    ),
    (
        "reinstate an award",
        "post",
        "{D}/definitions/data-analyst/awards/{award}/reinstate/",
        {"reason": "r"},
        (*AUTHORING, 200, 200),
    ),
    ("the rule builder's context", "get", "{D}/context/", None, (*AUTHORING, 200, 200)),
    ("validate a rule", "post", "{D}/rules/validate/", {"rule": RULE}, (*AUTHORING, 200, 200)),
    (
        "start a dry run",
        "post",
        "{D}/dry-run/",
        {"definition": "data-analyst"},
        (*AUTHORING, 200, 200),
    ),
    ("a dry run", "get", "{D}/dry-run/{job}/", None, (*AUTHORING, 200, 200)),
    ("a dry run's results", "get", "{D}/dry-run/{job}/results/", None, (*AUTHORING, 200, 200)),
    (
        "a dry run's results as CSV",
        "get",
        "{D}/dry-run/{job}/results/?format=csv",
        None,
        (*AUTHORING, 200, 200),
    ),
    ("the course's report", "get", "{D}/reports/awards/", None, (*AUTHORING, 200, 200)),
    ("the cross-course report", "get", "{API}/reports/awards/", None, (401, 403, 403, 403, 200)),
    (
        "the cross-course report as CSV",
        "get",
        "{API}/reports/awards/?format=csv",
        None,
        (401, 403, 403, 403, 200),
    ),
    ("the rule schema", "get", "{API}/rule-schema/", None, (200, 200, 200, 200, 200)),
    ("the OpenAPI schema", "get", "{API}/schema/", None, (200, 200, 200, 200, 200)),
    ("my awards", "get", "{API}/me/awards/", None, (401, 200, 200, 200, 200)),
    ("my awards, posted", "post", "{API}/me/awards/", {}, (401, 405, 405, 405, 405)),
    # Only bob is enrolled in Data101: the others have no progress there to see.
    ("my progress", "get", "{API}/me/courses/{DATA}/progress/", None, (401, 200, 404, 404, 404)),
]


@pytest.fixture
def world(people):
    author = people["author"]
    job = api.start_dry_run(DATA, definition="data-analyst", requested_by=author)
    award = Award.objects.get(user=people["ada"])
    return {"award": award.uuid, "job": job.uuid}


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "expected"), MATRIX, ids=[m[0] for m in MATRIX]
)
def test_permission_matrix(client, people, world, name, method, path, body, expected):
    url = path.format(D=D, API=API, DATA=DATA, **world)
    got = {}
    for role in ROLES:
        client.logout()
        if WHO[role]:
            client.force_login(people[WHO[role]])
        headers = {}
        if method in ("patch", "delete", "put"):
            headers["HTTP_IF_MATCH"] = api.get_definition("data-analyst").edit_tag
        with transaction.atomic():
            response = getattr(client, method)(
                url,
                json.dumps(body) if body is not None else None,
                content_type="application/json",
                **headers,
            )
            transaction.set_rollback(True)
        got[role] = response.status_code
        if response.status_code >= 400 and url != f"{API}/schema/":
            assert "code" in response.json() and "detail" in response.json(), response.content
    assert got == dict(zip(ROLES, expected, strict=True))


def test_every_endpoint_and_method_of_the_schema_is_in_the_matrix():
    import yaml

    from openedx_microcreds.rest_api.v1.views import SCHEMA_FILE

    document = yaml.safe_load(SCHEMA_FILE.read_text())
    operations = {
        (method, path.removeprefix("/api/microcreds/v1"))
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    }
    covered = set()
    for _name, method, path, _body, _expected in MATRIX:
        template = (
            path.split("?")[0]
            .replace("{D}", "/courses/{course_id}")
            .replace("{API}", "")
            .replace("{DATA}", "{course_id}")
            .replace("{award}", "{award_id}")
            .replace("{job}", "{job_id}")
            .replace("data-analyst", "{slug}")
        )
        covered.add((method, template))
    assert operations <= covered, operations - covered
