"""The sandbox's UI pages around the components: signing in first, and what a visitor sees when
the harness is not built."""

from __future__ import annotations

from playwright.sync_api import expect

from sandbox import scenario

from .browser import assert_accessible, log_in

COURSE = scenario.DATA_COURSE
STUDIO = f"/sandbox/studio/course/{COURSE}/pages-and-resources"


def test_the_pages_send_a_visitor_to_the_login_page_and_back(new_page, server, screenshots):
    page = new_page()
    page.goto(server.base_url + STUDIO)
    assert page.url.startswith(f"{server.base_url}/login/?next=/sandbox/studio/course/")
    assert_accessible(page, "login page")
    screenshots.take(page, "login")
    log_in(page, server.base_url, "author", STUDIO)
    assert page.url == server.base_url + STUDIO
    cookies = {cookie["name"]: cookie for cookie in page.context.cookies()}
    assert cookies["csrftoken"]["value"]  # what the harness sends as X-CSRFToken
    assert cookies["sessionid"]["httpOnly"]


def test_without_a_build_the_page_says_how_to_build_it(new_page, server, screenshots, tmp_path):
    """The page a newcomer gets before `make ui`: a second server of the same database whose
    harness directory is empty."""
    unbuilt = server.twin(MICROCREDS_SANDBOX_HARNESS_DIR=str(tmp_path / "empty"))
    unbuilt.serve()
    try:
        page = new_page(1000, 700)
        log_in(page, unbuilt.base_url, "author", STUDIO)
        assert page.url == unbuilt.base_url + STUDIO
        assert page.get_by_role("heading", level=1).inner_text() == "The frontend is not built yet"
        assert page.locator("pre").inner_text() == "make ui"
        assert "Missing in" in page.inner_text("main")
        assert page.locator("#microcreds-root").count() == 0
        assert_accessible(page, "not-built page")
        screenshots.take(page, "not-built")
    finally:
        unbuilt.stop()


def test_a_learner_in_studio_sees_no_credentials(new_page, server, screenshots):
    """The page itself only needs a login; the API behind it refuses a learner who is not
    course staff, and the editor says so instead of showing anything of the course's."""
    page = new_page(1000, 700)
    log_in(page, server.base_url, "ada", STUDIO)
    page.get_by_role("button", name="Manage micro-credentials").click()
    editor = page.get_by_role("dialog", name="Micro-credentials")
    expect(editor.get_by_role("alert")).to_contain_text(
        "Could not load: You may not see or change the credentials of this course."
    )
    expect(editor.get_by_role("table")).to_have_count(0)
    expect(editor.get_by_role("button", name="New credential")).to_have_count(0)
    assert_accessible(page, "editor refused")
    screenshots.take(page, "learner-in-studio-refused")
