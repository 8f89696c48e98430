"""The sandbox LMS's UI pages (sandbox/ui_shells.py): the shells that load the frontend harness
in place of Studio's and the learner MFEs' pages."""

from __future__ import annotations

import re

import pytest

from sandbox import scenario

pytestmark = pytest.mark.django_db

COURSE = scenario.DATA_COURSE
STUDIO = f"/sandbox/studio/course/{COURSE}/pages-and-resources"
DASHBOARD = "/sandbox/learner-dashboard/"
COURSE_HOME = f"/sandbox/learning/course/{COURSE}/home"


@pytest.fixture
def course(fake_platform):
    fake_platform.add_course(COURSE, "Data Analysis with Python")
    return COURSE


@pytest.fixture
def harness(tmp_path, settings):
    """A built harness: the three files the shells load."""
    directory = tmp_path / "harness-dist"
    directory.mkdir()
    (directory / "studio.js").write_text("console.log('studio');\n")
    (directory / "learner.js").write_text("console.log('learner');\n")
    (directory / "harness.css").write_text("body { margin: 0; }\n")
    settings.SANDBOX_HARNESS_DIR = str(directory)
    return directory


@pytest.fixture
def no_harness(tmp_path, settings):
    settings.SANDBOX_HARNESS_DIR = str(tmp_path / "not-built")


@pytest.fixture
def signed_in(client, fake_platform):
    user = fake_platform.add_user("author", "author@example.edu", "Ann Author")
    client.force_login(_django_user(user.id))
    return client


def _django_user(user_id):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=user_id)


def _root(html: str) -> dict[str, str]:
    tag = re.search(r'<div id="microcreds-root"([^>]*)>', html).group(1)
    return dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', tag))


@pytest.mark.parametrize("url", [STUDIO, DASHBOARD, COURSE_HOME])
def test_the_pages_ask_for_a_login(client, course, harness, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/sandbox/")


def test_studio_page_loads_the_studio_bundle(signed_in, course, harness):
    response = signed_in.get(STUDIO)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script src="/sandbox/harness/studio.js"></script>' in html
    assert '<link rel="stylesheet" href="/sandbox/harness/harness.css">' in html
    assert _root(html) == {
        "data-basename": "/sandbox/studio",
        "data-course-id": COURSE,
        "data-lms-base-url": "http://testserver",
    }
    # The API's session authentication checks this token on writes (X-CSRFToken).
    assert response.cookies["csrftoken"].value


def test_learner_pages_load_the_learner_bundle(signed_in, course, harness):
    dashboard = signed_in.get(DASHBOARD)
    home = signed_in.get(COURSE_HOME)
    for response in (dashboard, home):
        assert response.status_code == 200
        assert 'src="/sandbox/harness/learner.js"' in response.content.decode()
        assert response.cookies["csrftoken"].value
    assert _root(dashboard.content.decode())["data-surface"] == "learner-dashboard"
    assert _root(home.content.decode()) == {
        "data-basename": "/sandbox/learning",
        "data-course-id": COURSE,
        "data-lms-base-url": "http://testserver",
        "data-surface": "course-outline",
    }


@pytest.mark.parametrize("url", [STUDIO, COURSE_HOME])
def test_an_unknown_course_is_not_found(signed_in, harness, url):
    assert signed_in.get(url.replace("Data101", "Nope101")).status_code == 404


@pytest.mark.parametrize(
    ("url", "missing"),
    [(STUDIO, "studio.js, harness.css"), (DASHBOARD, "learner.js, harness.css")],
)
def test_without_a_build_the_page_says_make_ui(signed_in, course, no_harness, url, missing):
    response = signed_in.get(url)
    assert response.status_code == 503
    html = response.content.decode()
    assert "<pre>make ui</pre>" in html
    assert f": {missing}." in html
    assert "microcreds-root" not in html


def test_harness_files_are_served(client, harness):
    (harness / "assets").mkdir()
    (harness / "assets" / "font.woff2").write_bytes(b"wOF2font")
    response = client.get("/sandbox/harness/studio.js")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] in ("text/javascript", "application/javascript")
    assert b"".join(response.streaming_content) == b"console.log('studio');\n"
    assert response["Cache-Control"] == "no-cache"
    font = client.get("/sandbox/harness/assets/font.woff2")
    assert b"".join(font.streaming_content) == b"wOF2font"


def test_nothing_outside_the_harness_is_served(client, harness):
    (harness.parent / "secret.txt").write_text("not for you")
    for url in ("/sandbox/harness/../secret.txt", "/sandbox/harness/%2e%2e/secret.txt"):
        assert client.get(url).status_code == 404
    assert client.get("/sandbox/harness/missing.js").status_code == 404


def test_no_files_without_a_build(client, no_harness):
    assert client.get("/sandbox/harness/studio.js").status_code == 404
