"""The newcomer's path: `make demo`, then log in to the admin, look around, run a command.

Runs sandbox/demo.py (NO_SERVE=1) into a temporary demo-output, starts the server exactly as the
demo does (sandbox.demo.serve_command: DEBUG off, static files served), and drives it with a
real browser: headless Chromium (Debian's ``chromium`` package) through Playwright. Screenshots
go to $MICROCREDS_SCREENSHOTS when set (to look at them), else to the test's temporary directory.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sandbox import demo

from .helpers import CHROMIUM, CHROMIUM_ARGS, MANAGE, REPO, sandbox_env


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """sandbox/demo.py run to the end (without serving) into a fresh demo-output."""
    output = tmp_path_factory.mktemp("demo-output")
    env = {**sandbox_env(), "DEMO_OUTPUT": str(output), "NO_SERVE": "1"}
    result = subprocess.run(
        [sys.executable, str(REPO / "sandbox" / "demo.py")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((output / "summary.json").read_text())
    return output, result.stdout, summary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, dict, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture(scope="module")
def server(demo_run):
    """The demo's server on a free port, over the demo's database (the shared default)."""
    output, _stdout, _summary = demo_run
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # No MICROCREDS_SQLITE_PATH: the server must find the demo's database by default.
    env = demo.serve_environment({**sandbox_env(), "DEMO_OUTPUT": str(output)})
    log = output / "server.log"
    with log.open("w") as log_file:
        process = subprocess.Popen(
            demo.serve_command(f"127.0.0.1:{port}"),
            cwd=REPO,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the server exited:\n{log.read_text()}"
            try:
                if _get(f"{base}/login/")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"the server did not answer:\n{log.read_text()}"
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_the_demo_prints_and_records_the_logins(demo_run):
    _output, stdout, summary = demo_run
    assert "== Log in at http://127.0.0.1:8000/login/ as staff / demo for the admin" in stdout
    assert summary["logins"]["staff"] == {"username": "staff", "password": "demo"}
    author = summary["logins"]["author"]
    assert (author["username"], author["password"]) == ("author", "demo")
    assert "== The course author author / demo (staff of course-v1:DemoX+Data101+2026" in stdout
    assert "not global staff" in stdout
    assert summary["logins"]["admin_url"] == "http://127.0.0.1:8000/admin/"
    # What the demo wrote before stays as it was.
    for key in ("base_url", "issuer_did", "status_list_url", "awards", "evaluations"):
        assert key in summary


def test_the_demo_bakes_badges_and_mails_the_learners(demo_run):
    from openedx_microcreds.credentials.baking import read_png, read_svg

    output, stdout, summary = demo_run
    for award in summary["awards"]:
        credential = (output / award["file"]).read_text()
        if award["state"] != "active":
            assert "baked" not in award
            continue
        baked = award["baked"]
        assert json.loads(read_png((output / baked["png"]).read_bytes())) == json.loads(credential)
        assert json.loads(read_svg((output / baked["svg"]).read_text())) == json.loads(credential)
    mails = sorted((output / "mail").glob("*.log"))
    subjects = [
        line
        for mail in mails
        for line in mail.read_text().splitlines()
        if line.startswith("Subject:")
    ]
    assert "Subject: Example University revoked your credential Data Visualizer" in subjects
    assert "Subject: You earned Data Pathway, a credential from Example University" in subjects
    assert f"== {len(mails)} e-mails to the learners, one file each, in {output / 'mail'}" in stdout
    assert summary["learner_pages"]["my_credentials"] == "http://127.0.0.1:8000/microcreds/me/"
    assert "(try mary: active, revoked and in progress)" in stdout
    assert summary["backpacks"] == {
        "connect_form": "http://127.0.0.1:8000/microcreds/me/#backpacks",
        "test_host": "http://127.0.0.1:8765",
        "start_test_host": "node tests/interop/ob3_host.mjs --port 8765",
    }
    assert "node tests/interop/ob3_host.mjs --port 8765" in stdout
    pages = summary["ui_pages"]
    assert pages["studio"] == (
        "http://127.0.0.1:8000/sandbox/studio/course/course-v1:DemoX+Data101+2026/pages-and-resources"
    )
    assert f"author's Pages & Resources: {pages['studio']}" in stdout
    assert f"a learner's dashboard (try mary): {pages['learner_dashboard']}" in stdout
    assert ("build them first with `make ui`" in stdout) is not pages["built"]


def test_manage_py_sees_the_demo_database_by_default(demo_run):
    output, _stdout, _summary = demo_run
    env = {**sandbox_env(), "DEMO_OUTPUT": str(output)}  # no MICROCREDS_SQLITE_PATH
    result = subprocess.run(
        [sys.executable, str(MANAGE), "lms", "microcreds_keys", "list"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "key-1" in result.stdout and "Example University" in result.stdout


def test_static_files_served_and_error_pages_plain(server):
    status, headers, _css = _get(f"{server}/static/admin/css/base.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css")
    status, _headers, body = _get(f"{server}/no/such/page")
    assert status == 404
    assert "Not Found" in body
    for debug_text in ("Traceback", "DEBUG = True", "URLconf", "Django tried these URL patterns"):
        assert debug_text not in body


def _shots_dir(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("MICROCREDS_SCREENSHOTS") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _local(url: str, server: str) -> str:
    return url.replace(demo.BASE_URL, server)


def test_in_a_browser(server, demo_run, tmp_path):
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    _output, _stdout, summary = demo_run
    shots = _shots_dir(tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})

            page.goto(f"{server}/no/such/page")
            page.screenshot(path=shots / "404.png", full_page=True)
            assert page.title() == "Not Found"
            assert "Django tried these URL patterns" not in page.content()

            page.goto(f"{server}/login/?next=/admin/")
            page.screenshot(path=shots / "login.png", full_page=True)
            page.fill("#id_username", summary["logins"]["staff"]["username"])
            page.fill("#id_password", summary["logins"]["staff"]["password"])
            page.click("input[type=submit]")
            page.wait_for_url(f"{server}/admin/")
            assert "Site administration" in page.inner_text("body")
            # The admin's stylesheet arrived: its header is coloured, not the browser default.
            header = page.evaluate("getComputedStyle(document.querySelector('#header')).background")
            assert "rgba(0, 0, 0, 0)" not in header, header
            page.screenshot(path=shots / "admin.png", full_page=True)

            page.goto(f"{server}/admin/openedx_microcreds/credentialdefinition/")
            page.click("text=Data Analyst")
            page.fill("#id_image_url", 'https://img.example/"badge".png')
            page.fill(
                "#id_alignments",
                '[{"targetName": "Evil", "targetUrl": "javascript:alert(1)"}]',
            )
            page.click("input[name=_save]")
            errors = page.inner_text("#content")
            assert "must be an http(s) URL without spaces" in errors
            assert '$[0].targetUrl: must be an http(s) URL, got "javascript:alert(1)"' in errors
            page.screenshot(path=shots / "admin-definition-errors.png", full_page=True)

            award = next(a for a in summary["awards"] if a["credential"] == "data-analyst")
            page.goto(_local(award["public_url"], server))
            assert "Verified" in page.inner_text(".mc-verdict")  # status list and DID served
            criteria = page.inner_html(".mc-criteria")
            assert "<li>" in criteria and "<strong>" in criteria
            page.screenshot(path=shots / "credential.png", full_page=True)

            _status, _headers, body = _get(_local(award["public_url"], server) + "?format=json")
            document = json.loads(body)
            achievement_url = document["credentialSubject"]["achievement"]["id"]
            page.goto(_local(achievement_url, server))
            assert "Data Analyst" in page.inner_text("h1")
            page.screenshot(path=shots / "achievement.png", full_page=True)
        finally:
            browser.close()
    for name in ("404", "login", "admin", "admin-definition-errors", "credential", "achievement"):
        assert (shots / f"{name}.png").stat().st_size > 5_000, name


def test_a_learner_in_the_demo(server, demo_run, tmp_path):
    """Mary signs in and finds her credentials: active, revoked with its reason, and the one
    she is working towards again, with her numbers; then her credential's public page."""
    from playwright.sync_api import sync_playwright

    _output, _stdout, summary = demo_run
    shots = _shots_dir(tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(f"{server}/login/?next=/microcreds/me/")
            page.fill("#id_username", "mary")
            page.fill("#id_password", summary["logins"]["learners"]["password"])
            page.click("input[type=submit]")
            page.wait_for_url(f"{server}/microcreds/me/")
            text = page.inner_text("main")
            assert "Reason: plagiarised capstone; regraded to 72 %" in text
            assert "72%, 80% needed" in text
            page.screenshot(path=shots / "demo-learner-me.png", full_page=True)
            # The connect form: the sandbox's loopback test host, or any address typed in.
            form = page.locator("form.mc-connect")
            assert "Loopback test backpack" in form.inner_text()
            assert form.locator("input#backpack-url[inputmode=url]").is_visible()
            form.screenshot(path=shots / "demo-backpack-connect-form.png")

            award = next(
                a for a in summary["awards"] if a["learner"] == "mary" and a["state"] == "active"
            )
            page.goto(_local(award["public_url"], server))
            assert "Verified" in page.inner_text(".mc-verdict")
            assert "Data Visualization" in page.inner_text(".mc-evidence")
            image = page.query_selector("img.mc-image")
            assert image.evaluate("img => img.complete && img.naturalWidth > 0")
            page.screenshot(path=shots / "demo-credential.png", full_page=True)
        finally:
            browser.close()


def readme_api_script(base: str) -> str:
    """The README's shell examples of the REST API ("## API"), on this server."""
    import re

    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## API") : readme.index("## Learners: e-mails")]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    assert len(blocks) == 2, "the README's API section has an author's and a learner's example"
    script = "set -euo pipefail\n" + "\n".join(blocks)
    return script.replace("http://127.0.0.1:8000", base)


def test_the_readme_api_examples_run_as_written(server, tmp_path):
    """The course author and a learner use the API with a session from /login/, exactly as
    the README shows (only the server's address differs)."""
    result = subprocess.run(
        ["bash", "-c", readme_api_script(server)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    documents = [json.loads(line) for line in lines if line.startswith(("{", "["))]
    listed = documents[0]
    assert [d["slug"] for d in listed["results"]] == ["data-analyst"]
    assert {"blocks", "assignment_types", "credentials"} <= set(documents[1])
    assert documents[2]["valid"] is False
    assert documents[2]["problems"][0]["code"] == "unknown_assignment_type"
    assert documents[3]["definition"]["slug"] == "exam-ace"
    assert documents[4]["definition"]["description"] == "Top marks in every exam."
    assert "412" in lines  # the edit made on the old ETag
    assert "2,alan,would_award" in result.stdout  # the dry run's CSV
    revoked, reinstated = documents[5], documents[6]
    assert revoked["award"]["state"] == "revoked" and reinstated["award"]["state"] == "active"
    assert "period,course_key,definition,name,issued,revoked" in lines
    mary_awards, mary_progress = documents[7], documents[8]
    assert {a["standing"] for a in mary_awards} == {"active", "revoked"}
    assert any(p["definition"] == "data-analyst" for p in mary_progress)
