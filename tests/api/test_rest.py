"""REST API v1 as a client sees it: ETags and If-Match, problems with their paths, pages, CSV,
dry-run jobs that a worker runs, the platform's JWTs, and the committed OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
import time

import jwt
import pytest
from django.conf import settings
from django.core.management import call_command

from openedx_microcreds import api
from openedx_microcreds.models import CredentialDefinition, DryRunJob
from openedx_microcreds.rest_api.v1.schema import generate
from openedx_microcreds.rest_api.v1.views import SCHEMA_FILE
from sandbox import scenario

from .conftest import API, DATA, VIZ

pytestmark = pytest.mark.django_db
D = f"{API}/courses/{DATA}"


def send(client, method, url, body=None, **headers):
    data = json.dumps(body) if body is not None else None
    return getattr(client, method)(url, data, content_type="application/json", **headers)


def test_edit_with_the_etag_and_a_stale_one_gets_412(people, as_user):
    client = as_user(people["author"])
    read = client.get(f"{D}/definitions/data-analyst/")
    etag = read["ETag"]
    assert etag == f'"{read.json()["edit_tag"]}"'
    first = send(
        client, "patch", f"{D}/definitions/data-analyst/", {"description": "A"}, HTTP_IF_MATCH=etag
    )
    assert first.status_code == 200 and first["ETag"] != etag
    second = send(
        client, "patch", f"{D}/definitions/data-analyst/", {"description": "B"}, HTTP_IF_MATCH=etag
    )
    assert second.status_code == 412
    assert second.json()["code"] == "stale"
    assert second.json()["current_edit_tag"] == first.json()["definition"]["edit_tag"]
    missing = send(client, "patch", f"{D}/definitions/data-analyst/", {"description": "B"})
    assert missing.status_code == 428
    assert client.get(f"{D}/definitions/data-analyst/").json()["description"] == "A"


def test_create_answers_with_location_etag_and_warnings(people, as_user):
    client = as_user(people["author"])
    rule = {
        "type": "block_score",
        "min": 0.5,
        "block": "block-v1:DemoX+Data101+2026+type@sequential+block@intro",
    }
    created = send(client, "post", f"{D}/definitions/", {"name": "Intro done", "rule": rule})
    assert created.status_code == 201
    body = created.json()
    assert created["Location"] == f"{D}/definitions/intro-done/"
    assert body["definition"]["course_key"] == DATA and body["definition"]["state"] == "draft"
    assert [(w["path"], w["code"]) for w in body["warnings"]] == [
        ("$.rule.block", "block_not_graded")
    ]


def test_problems_come_with_paths_and_codes(people, as_user):
    client = as_user(people["author"])
    bad = send(
        client,
        "post",
        f"{D}/definitions/",
        {
            "name": "X",
            "validity_days": "soon",
            "rule": {"type": "all", "of": [{"type": "course_grade", "min": 80}]},
        },
    )
    assert bad.status_code == 400
    assert [(p["path"], p["code"]) for p in bad.json()["problems"]] == [
        ("$.validity_days", "invalid")
    ]
    bad = send(
        client,
        "post",
        f"{D}/definitions/",
        {"name": "X", "rule": {"type": "all", "of": [{"type": "course_grade", "min": 80}]}},
    )
    assert [(p["path"], p["code"]) for p in bad.json()["problems"]] == [
        ("$.rule.of[0].min", "invalid_fraction")
    ]
    bad = send(client, "post", f"{D}/definitions/", {"name": "X", "course_key": VIZ})
    assert [(p["path"], p["code"]) for p in bad.json()["problems"]] == [
        ("$.course_key", "unknown_key")
    ]
    not_json = client.post(f"{D}/definitions/", "{", content_type="application/json")
    assert not_json.status_code == 400 and not_json.json()["code"] in ("parse_error", "invalid")
    validated = send(
        client,
        "post",
        f"{D}/rules/validate/",
        {"rule": {"type": "assignment_average", "assignment_type": "Quiz", "min": 0.5}},
    )
    assert validated.status_code == 200
    assert validated.json()["valid"] is False
    assert validated.json()["problems"][0]["code"] == "unknown_assignment_type"


def test_a_definition_is_found_in_its_own_course_only(people, as_user):
    client = as_user(people["root"])
    assert client.get(f"{API}/courses/{VIZ}/definitions/data-analyst/").status_code == 404
    assert client.get(f"{API}/courses/course-v1:Nope+X+1/definitions/").status_code == 404
    assert client.get(f"{API}/courses/not-a-key/definitions/").status_code == 403  # no course
    # Staff of another course learn nothing about which courses exist.
    vera = as_user(people["vera"])
    assert vera.get(f"{API}/courses/course-v1:Nope+X+1/definitions/").status_code == 403


def test_awards_search_filter_and_pages(people, as_user, fake_platform, committed, settings):
    settings.MICROCREDS_API_PAGE_SIZE = 2
    for name in ("cy", "dee", "eve"):
        learner = fake_platform.add_user(name, f"{name}@example.edu", name.title())
        scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
        with committed():
            scenario.send_passing_status(learner, DATA)
    client = as_user(people["author"])
    page = client.get(f"{D}/definitions/data-analyst/awards/").json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert client.get(page["next"]).json()["results"][0]["username"] in {"cy", "ada", "dee", "eve"}
    found = client.get(f"{D}/definitions/data-analyst/awards/?search=ev").json()
    assert [a["username"] for a in found["results"]] == ["eve"]
    by_mail = client.get(f"{D}/definitions/data-analyst/awards/?search=DEE@example.edu").json()
    assert [a["username"] for a in by_mail["results"]] == ["dee"]
    award = found["results"][0]["id"]
    assert client.get(f"{D}/definitions/data-analyst/awards/?search={award}").json()["count"] == 1
    with committed():
        revoked = send(
            client,
            "post",
            f"{D}/definitions/data-analyst/awards/{award}/revoke/",
            {"reason": "oops"},
        )
    assert revoked.json()["award"]["revoked_by"] == "author"
    states = client.get(f"{D}/definitions/data-analyst/awards/?state=revoked").json()
    assert [a["username"] for a in states["results"]] == ["eve"]
    assert client.get(f"{D}/definitions/data-analyst/awards/?state=gone").status_code == 400
    with committed():
        again = send(
            client,
            "post",
            f"{D}/definitions/data-analyst/awards/{award}/reinstate/",
            {"reason": "sorry"},
        )
    assert again.json()["changed"] is True and again.json()["award"]["state"] == "active"
    no_reason = send(client, "post", f"{D}/definitions/data-analyst/awards/{award}/revoke/", {})
    assert no_reason.status_code == 400 and no_reason.json()["problems"][0]["path"] == "$.reason"


def test_a_large_dry_run_is_a_job_a_worker_runs(
    people, as_user, settings, django_capture_on_commit_callbacks
):
    settings.MICROCREDS_API_DRY_RUN_SYNC_LEARNERS = 1  # Data101 has 2 learners
    client = as_user(people["author"])
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = send(
            client, "post", f"{D}/dry-run/", {"rule": {"type": "course_grade", "min": 0.85}}
        )
    assert started.status_code == 202
    job = started.json()
    assert job["state"] == "queued" and job["total"] == 2 and job["processed"] == 0
    assert started["Location"] == f"{D}/dry-run/{job['id']}/"
    assert client.get(started["Location"]).json()["state"] == "queued"
    for callback in queued:  # the commit: the task is sent (eager here, as with no broker)
        callback()
    done = client.get(started["Location"]).json()
    assert (done["state"], done["processed"]) == ("done", 2)
    assert done["counts"] == {"would_award": 1, "not_met": 1, "already_held": 0, "errors": 0}
    rows = client.get(done["results_url"] + "?outcome=would_award").json()["results"]
    assert [row["username"] for row in rows] == ["ada"]
    text = client.get(done["results_url"] + "?format=csv")
    assert text["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(text.content.decode())))
    assert {row["username"]: row["outcome"] for row in table} == {
        "ada": "would_award",
        "bob": "not_met",
    }
    assert table[1]["explanation"].startswith("[fail]")


def test_a_dry_run_job_left_behind_by_its_worker_is_not_run_twice(people):
    job = DryRunJob.objects.create(
        course_key=DATA, draft={"rule": {"type": "course_passed"}, "course_key": DATA}
    )
    from openedx_microcreds import dryrun

    assert dryrun.run_job(job.pk).state == "done"
    assert dryrun.run_job(job.pk).processed == 2  # a duplicate message changes nothing


def test_reports_json_and_csv(people, as_user):
    client = as_user(people["root"])
    report = client.get(f"{API}/reports/awards/?period=day").json()
    assert report["period"] == "day" and report["rows"][0]["definition"] == "data-analyst"
    text = client.get(f"{API}/reports/awards/?period=week&format=csv").content.decode()
    assert text.splitlines()[0] == "period,course_key,definition,name,issued,revoked"
    assert client.get(f"{API}/reports/awards/?since=2026-12-01&until=2026-01-01").status_code == 400
    assert client.get(f"{API}/reports/awards/?course_id={VIZ}").json()["rows"] == []


def test_the_learner_sees_their_own_awards_and_progress(people, as_user):
    ada = as_user(people["ada"]).get(f"{API}/me/awards/").json()
    assert [(a["definition"], a["standing"]) for a in ada] == [("data-analyst", "active")]
    assert ada[0]["downloads"]["png"].endswith("/badge.png")
    bob = as_user(people["bob"])
    assert bob.get(f"{API}/me/awards/").json() == []
    progress = bob.get(f"{API}/me/courses/{DATA}/progress/").json()
    analyst = next(p for p in progress if p["definition"] == "data-analyst")
    capstone = analyst["checklist"]["requirements"][1]
    assert (capstone["name"], capstone["score"], capstone["needed"], capstone["met"]) == (
        "Capstone project",
        "72%",
        "80%",
        False,
    )


def _jwt(user, *, key=None, **claims):
    """A JWT as the LMS signs them (RS256 with its private JWK)."""
    from jwt.algorithms import RSAAlgorithm

    issuer = settings.JWT_AUTH["JWT_ISSUERS"][0]
    now = int(time.time())
    payload = {
        "iss": issuer["ISSUER"],
        "aud": issuer["AUDIENCE"],
        "preferred_username": user.username,
        "email": user.email,
        "iat": now,
        "exp": now + 300,
        "version": "1.2.0",
        "scopes": ["read", "write"],
        "filters": [],
        "is_restricted": False,
        **claims,
    }
    signing = key or RSAAlgorithm.from_jwk(settings.JWT_AUTH["JWT_PRIVATE_SIGNING_JWK"])
    return jwt.encode(payload, signing, algorithm="RS256")


def test_the_platforms_jwts_authenticate(people, client):
    token = _jwt(people["author"])
    response = client.get(f"{D}/definitions/", HTTP_AUTHORIZATION=f"JWT {token}")
    assert response.status_code == 200 and response.json()["count"] == 1
    from cryptography.hazmat.primitives.asymmetric import rsa

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    for forged in (_jwt(people["author"], key=other_key), _hs256(token)):
        refused = client.get(f"{D}/definitions/", HTTP_AUTHORIZATION=f"JWT {forged}")
        assert refused.status_code == 401 and refused.json()["code"] == "authentication_failed"
    expired = _jwt(people["author"], exp=int(time.time()) - 60)
    assert client.get(f"{D}/definitions/", HTTP_AUTHORIZATION=f"JWT {expired}").status_code == 401
    # A learner's valid JWT is no authoring right.
    learner = _jwt(people["bob"])
    assert client.get(f"{D}/definitions/", HTTP_AUTHORIZATION=f"JWT {learner}").status_code == 403


def _hs256(token):
    claims = jwt.decode(token, options={"verify_signature": False})
    return jwt.encode(claims, "a-secret-of-thirty-two-bytes-or-more", algorithm="HS256")


def test_no_jwt_is_taken_where_the_site_publishes_no_public_keys(people, client, settings):
    """edx-drf-extensions 10.9 verifies a JWT against the published public keys first, and with
    none it accepts any signature: the API then takes no JWT at all."""
    forged = _hs256(_jwt(people["author"]))
    assert client.get(f"{D}/definitions/", HTTP_AUTHORIZATION=f"JWT {forged}").status_code == 401
    settings.JWT_AUTH = {**settings.JWT_AUTH, "JWT_PUBLIC_SIGNING_JWK_SET": None}
    assert client.get(f"{D}/definitions/", HTTP_AUTHORIZATION=f"JWT {forged}").status_code == 403


def test_writes_with_a_session_need_the_csrf_token(people):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["author"])
    refused = send(client, "post", f"{D}/rules/validate/", {"rule": {"type": "course_passed"}})
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
    token = client.get("/csrf/api/v1/token").json()["csrfToken"]
    allowed = send(
        client,
        "post",
        f"{D}/rules/validate/",
        {"rule": {"type": "course_passed"}},
        HTTP_X_CSRFTOKEN=token,
    )
    assert allowed.status_code == 200


# --- the OpenAPI document -------------------------------------------------------------------


def test_the_committed_openapi_document_is_what_the_code_generates():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == generate(), (
        "openedx_microcreds/rest_api/v1/openapi.yaml is out of date: run `make openapi`"
    )


def test_the_check_command_fails_on_a_stale_document(tmp_path):
    from django.core.management.base import CommandError

    stale = tmp_path / "openapi.yaml"
    stale.write_text(SCHEMA_FILE.read_text().replace("VERSION", "x") + "\n# edited\n")
    with pytest.raises(CommandError, match="not what the code generates"):
        call_command("microcreds_openapi", "--check", str(stale))
    call_command("microcreds_openapi", "--check", str(SCHEMA_FILE), stdout=io.StringIO())


def test_the_document_is_served_and_is_valid_openapi(client):
    import yaml
    from openapi_spec_validator import validate

    response = client.get(f"{API}/schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    document = yaml.safe_load(response.content)
    validate(document)
    assert document["info"]["title"] == "openedx-microcreds REST API"
    assert client.post(f"{API}/schema/").status_code == 405


def test_unknown_definitions_archived_do_not_vanish(people, as_user):
    client = as_user(people["author"])
    etag = client.get(f"{D}/definitions/data-analyst/")["ETag"]
    archived = client.delete(f"{D}/definitions/data-analyst/", HTTP_IF_MATCH=etag)
    assert archived.status_code == 200 and archived.json()["state"] == "archived"
    assert CredentialDefinition.objects.get(slug="data-analyst").state == "archived"
    assert [
        d["slug"] for d in client.get(f"{D}/definitions/?state=archived").json()["results"]
    ] == ["data-analyst"]
    assert api.get_definition("data-analyst").awards.count() == 1
