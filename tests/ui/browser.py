"""Driving Debian's Chromium through Playwright for Python: launching, logging in, screenshots
of every step, and the accessibility checks made on every page the tests look at."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from tests.plugin.helpers import REPO

HARNESS = REPO / "frontend" / "harness-dist"
AXE = REPO / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "demo"  # sandbox/ui_seed.py: every user's


class Screenshots:
    """Numbered screenshots of the story's steps: ``NN-step-name.png`` in one directory."""

    def __init__(self, directory: Path):
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        self.directory = directory
        self.taken: list[Path] = []

    def take(self, page: Any, name: str, *, full_page: bool = True) -> Path:
        assert re.fullmatch(r"[a-z0-9-]+", name), name
        path = self.directory / f"{len(self.taken) + 1:02d}-{name}.png"
        page.screenshot(path=path, full_page=full_page)
        self.taken.append(path)
        return path


def log_in(page: Any, base_url: str, username: str, next_path: str) -> None:
    """Sign in on the sandbox's login page, as a person does, and land on ``next_path``."""
    page.goto(f"{base_url}/login/?next={quote(next_path)}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: url.startswith(base_url) and "/login/" not in url)


def accessibility_violations(page: Any, *, within: str | None = None) -> list[dict]:
    """Serious and critical WCAG 2.x A/AA violations axe-core finds on the page as it is now
    (``within``: a CSS selector limiting the check to a part of it), each as
    ``{"id", "impact", "help", "targets"}``."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        """async (within) => {
            const context = within ? document.querySelector(within) : document;
            return await axe.run(context, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                resultTypes: ['violations'],
            });
        }""",
        within,
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def assert_accessible(page: Any, where: str, *, within: str | None = None) -> None:
    violations = accessibility_violations(page, within=within)
    assert not violations, f"{where}: {json.dumps(violations, indent=1)}"


def unnamed_controls(page: Any) -> list[str]:
    """Visible form controls and buttons without an accessible name, as Chromium computes it
    (its accessibility tree, through Playwright's ARIA snapshot of each control)."""
    missing = []
    controls = page.locator(
        "input:not([type=hidden]), select, textarea, button, [role=button], [role=combobox], "
        "[role=checkbox], [role=radio], [role=switch], [role=tab], [role=textbox]"
    )
    for index in range(controls.count()):
        control = controls.nth(index)
        if not control.is_visible():
            continue
        snapshot = yaml.safe_load(control.aria_snapshot() or "[]") or []
        if not snapshot:
            continue  # hidden from assistive technology (behind a modal dialog)
        # [ 'textbox "Minimum score (%)"' ] or [ {'combobox "Subsection or unit"': [...]} ]
        node = snapshot[0] if isinstance(snapshot[0], str) else next(iter(snapshot[0]))
        if not re.match(r'^[a-z]+ "[^"]+"', str(node)):
            missing.append(f"{node}: " + control.evaluate("e => e.outerHTML.slice(0, 160)"))
    return missing
