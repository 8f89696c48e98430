"""
End-to-end tests of the frontend (issue 12): the harness bundles (frontend/harness-dist/, built
by ``make ui``) in the sandbox LMS's UI pages, against a real sandbox server (its own SQLite
database, the real REST API, eager tasks), driven by Debian's Chromium. Screenshots of every
step go to demo-output/ui/ ($MICROCREDS_UI_SCREENSHOTS moves them).

Run with ``make test-ui`` (it installs and builds what these need).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.plugin.helpers import CHROMIUM, CHROMIUM_ARGS, REPO

from .browser import AXE, HARNESS, Screenshots
from .sandbox_server import SandboxServer, sandbox_server

# Two busy cores in CI: assertions wait up to 15 s for the page to get there (they pass as soon
# as it does; nothing here measures time).
expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def harness() -> Path:
    for name in ("studio.js", "learner.js", "harness.css"):
        if not (HARNESS / name).is_file():
            pytest.fail(f"{HARNESS / name} is missing: build the frontend harness with `make ui`")
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: install the frontend's packages (`make frontend-node`)")
    return HARNESS


@pytest.fixture(scope="session")
def server(tmp_path_factory, harness) -> SandboxServer:
    running = sandbox_server(tmp_path_factory.mktemp("sandbox-lms"))
    try:
        running.start()
        yield running
    finally:
        running.stop()


# Per module: Playwright's sync API runs an event loop while it is started, and neither another
# sync Playwright nor Django's database access (pytest-django) may run in a thread that has one.
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: make browser"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="session")
def screenshots() -> Screenshots:
    directory = os.environ.get("MICROCREDS_UI_SCREENSHOTS") or REPO / "demo-output" / "ui"
    return Screenshots(Path(directory))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.ui_call_failed = report.failed
    return report


@pytest.fixture
def new_page(request, browser, server, screenshots):
    """A page in a fresh browser context (its own cookies: one person); JavaScript errors
    thrown in it fail the test. When the test fails, each page is shot as it was then
    (``failed-<test>-N.png``)."""
    contexts, errors, pages = [], [], []

    def new_page(width: int = 1280, height: int = 900):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        pages.append(page)
        return page

    yield new_page
    if getattr(request.node, "ui_call_failed", False):
        for number, page in enumerate(pages, 1):
            path = screenshots.directory / f"failed-{request.node.name}-{number}.png"
            page.screenshot(path=path, full_page=True)
    for context in contexts:
        context.close()
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)
