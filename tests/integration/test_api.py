"""REST API v1 served by a real WSGI server (gunicorn, several workers) over MariaDB:

- two course authors save the same definition at the same moment: one edit wins, the other
  gets 412, never a silent overwrite (ten rounds);
- schemathesis, an independent tool, fuzzes every operation from the committed openapi.yaml,
  signed in as global staff and as a course author: no 5xx, and every status code, content type
  and body the server answers is one the document describes.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
import yaml

from openedx_microcreds.rest_api.v1.views import SCHEMA_FILE
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "not-a-secret-test-password"  # noqa: S105 - a test user's
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(world, procs):
    """The sandbox LMS under gunicorn (2 workers x 4 threads) on the test database."""
    port = _free_port()
    proc = procs.start(
        "gunicorn",
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "120",
            "django.core.wsgi:get_wsgi_application()",
        ],
        world.env(MICROCREDS_SANDBOX_DEBUG="0"),
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(f"{base}/login/", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    procs.wait_for("the server", up, must_run=[proc])
    return base


def staff_user(username, *, courses=(), is_staff=False):
    from django.contrib.auth import get_user_model

    from sandbox.fake_platform import FakePlatform

    FakePlatform.add_user(username, f"{username}@example.edu", username.title(), is_staff=is_staff)
    for course in courses:
        FakePlatform.add_course_staff(course, get_user_model().objects.get(username=username).pk)
    user = get_user_model().objects.get(username=username)
    user.set_password(PASSWORD)
    user.save()
    return user


def session(base, username):
    """A requests session signed in through the sandbox's login page, with its CSRF token."""
    client = requests.Session()
    client.get(f"{base}/csrf/api/v1/token", timeout=10)
    response = client.post(
        f"{base}/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/login/"},
        timeout=10,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:500]
    client.headers["X-CSRFToken"] = client.cookies["csrftoken"]
    return client


def test_two_authors_saving_one_definition_at_once_one_gets_412(world, server, procs):
    staff_user("ann", courses=[scenario.DATA_COURSE])
    staff_user("ben", courses=[scenario.DATA_COURSE])
    authors = {"ann": session(server, "ann"), "ben": session(server, "ben")}
    url = f"{server}/api/microcreds/v1/courses/{scenario.DATA_COURSE}/definitions/data-analyst/"
    for round_ in range(10):
        tags = {
            name: client.get(url, timeout=10).headers["ETag"] for name, client in authors.items()
        }
        assert tags["ann"] == tags["ben"]
        answers = _at_once(url, authors, tags, round_)
        codes = sorted(response.status_code for response in answers.values())
        procs.check(
            codes == [200, 412], f"round {round_}: {codes} {[r.text for r in answers.values()]}"
        )
        winner = next(name for name, response in answers.items() if response.status_code == 200)
        loser = next(response for response in answers.values() if response.status_code == 412)
        final = authors["ann"].get(url, timeout=10)
        assert final.json()["description"] == f"{winner}, round {round_}"
        assert loser.json()["current_edit_tag"] == final.json()["edit_tag"]


def _at_once(url, authors, tags, round_):
    """Each author PATCHes with the tag they read, released together by a barrier."""
    barrier = threading.Barrier(len(authors))
    answers = {}

    def edit(name, client):
        barrier.wait()
        answers[name] = client.patch(
            url,
            json={"description": f"{name}, round {round_}"},
            headers={"If-Match": tags[name]},
            timeout=30,
        )

    threads = [threading.Thread(target=edit, args=item) for item in authors.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _schemathesis(base, client, report_dir: Path, seed: int) -> subprocess.CompletedProcess:
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    return subprocess.run(
        [
            str(SCHEMATHESIS),
            "run",
            str(SCHEMA_FILE),
            "--url",
            base,
            "--header",
            f"Cookie: {cookies}",
            "--header",
            f"X-CSRFToken: {client.headers['X-CSRFToken']}",
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,"
            "response_schema_conformance",
            "--max-examples",
            "15",
            "--seed",
            str(seed),
            "--workers",
            "2",
            "--no-color",
            "--report",
            "junit",
            "--report-dir",
            str(report_dir),
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
        cwd=report_dir,  # its example cache (.schemathesis/) goes there, not in the repository
    )


@pytest.mark.parametrize("who", ["global staff", "course author"])
def test_schemathesis_finds_no_server_error_and_every_answer_conforms(
    world, server, procs, tmp_path, who
):
    if who == "global staff":
        staff_user("root", is_staff=True)
        client = session(server, "root")
    else:
        staff_user("ann", courses=[scenario.DATA_COURSE])
        client = session(server, "ann")
    learner = world.add_passing_learner("ada")
    scenario.send_passing_status(learner, scenario.DATA_COURSE)  # an award to list and revoke
    result = _schemathesis(server, client, tmp_path, seed=7 if who == "global staff" else 11)
    summary = result.stdout[-6000:]
    procs.check(
        result.returncode == 0, f"schemathesis found problems:\n{summary}\n{result.stderr[-2000:]}"
    )
    assert " passed" in result.stdout and "failed" not in result.stdout.splitlines()[-1]
    # Every operation of the document was exercised.
    operations = sum(
        method in ("get", "post", "patch", "put", "delete")
        for item in yaml.safe_load(SCHEMA_FILE.read_text())["paths"].values()
        for method in item
    )
    assert f"Tested: {operations}" in result.stdout, summary
