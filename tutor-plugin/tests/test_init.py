"""The init task: rendered by Tutor, run by a shell as `tutor local do init` runs it, first
against a recording manage.py, then against the real plugin in the sandbox (SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO

RENDER_INIT = """
import sys
from tutor import config, env, hooks
hooks.Actions.CORE_READY.do()
hooks.Actions.PROJECT_ROOT_READY.do(sys.argv[1])
cfg = config.load(sys.argv[1])
context = hooks.Contexts.app("microcreds").name
for service, task in hooks.Filters.CLI_DO_INIT_TASKS.iterate_from_context(context):
    print("=== " + service)
    print(env.render_str(cfg, task))
"""

RECORDING_MANAGE_PY = """#!/usr/bin/env python3
import json, os, sys
with open(os.environ["RECORD"], "a") as record:
    record.write(json.dumps(sys.argv[1:]) + "\\n")
"""


def init_tasks(root) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-c", RENDER_INIT, str(root.path)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    tasks = {}
    for block in out.split("=== ")[1:]:
        service, _, script = block.partition("\n")
        tasks[service] = script
    return tasks


def run_init(script: str, workdir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    # Tutor runs each task with `sh -e -c` in the lms-job container, in edx-platform's directory.
    return subprocess.run(
        ["sh", "-e", "-c", script],
        cwd=workdir,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def recorded_commands(root, tmp_path: Path) -> list[list[str]]:
    tasks = init_tasks(root)
    assert list(tasks) == ["lms"]
    manage = tmp_path / "manage.py"
    manage.write_text(RECORDING_MANAGE_PY)
    manage.chmod(0o755)
    record = tmp_path / "record.jsonl"
    record.unlink(missing_ok=True)
    done = run_init(tasks["lms"], tmp_path, {"RECORD": str(record)})
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in record.read_text().splitlines()]


def test_init_migrates_then_creates_the_first_issuer_once(make_root, tmp_path):
    root = make_root(
        "ENABLE_HTTPS=true",
        "LMS_HOST=lms.example.org",
        'PLATFORM_NAME=O\'Brien "Academy" $HOME `id`',
        "CONTACT_EMAIL=badges@example.org",
    )
    commands = recorded_commands(root, tmp_path)
    assert commands == [
        ["lms", "migrate", "openedx_microcreds"],
        [
            "lms",
            "microcreds_issuer",
            "create",
            "--unless-any",
            "--with-key",
            "--name",
            'O\'Brien "Academy" $HOME `id`',
            "--url",
            "https://lms.example.org",
            "--email",
            "badges@example.org",
            "--site-did",
        ],
    ]


def test_init_without_https_keeps_the_did_key_and_can_skip_the_issuer(make_root, tmp_path):
    root = make_root("ENABLE_HTTPS=false")
    create = recorded_commands(root, tmp_path)[1]
    assert "--site-did" not in create
    root.save("MICROCREDS_CREATE_ISSUER=false")
    assert recorded_commands(root, tmp_path) == [["lms", "migrate", "openedx_microcreds"]]


def test_init_runs_against_the_real_plugin_twice(make_root, tmp_path):
    """The rendered script, with the sandbox's manage.py (the plugin's real commands, a fresh
    SQLite database): the first init creates one issuer with one key, the second changes
    nothing."""
    root = make_root("ENABLE_HTTPS=false", "PLATFORM_NAME=Example University")
    script = init_tasks(root)["lms"]
    manage = tmp_path / "manage.py"
    manage.write_text(
        f'#!/bin/sh\nexec "{REPO}/.venv/bin/python" "{REPO}/sandbox/manage.py" "$@"\n'
    )
    manage.chmod(0o755)
    env = {"MICROCREDS_SQLITE_PATH": str(tmp_path / "lms.sqlite3")}
    # The LMS init that precedes the plugin's: every migration.
    assert run_init("./manage.py lms migrate -v0", tmp_path, env).returncode == 0
    first = run_init(script, tmp_path, env)
    assert first.returncode == 0, first.stderr
    assert "Created issuer 'Example University'" in first.stdout
    assert "Generated its signing key" in first.stdout
    second = run_init(script, tmp_path, env)
    assert second.returncode == 0, second.stderr
    assert "An issuer exists already: nothing created." in second.stdout
    listing = run_init("./manage.py lms microcreds_keys list", tmp_path, env).stdout
    rows = [line for line in listing.splitlines() if "Example University" in line]
    assert len(rows) == 1 and " active " in f" {rows[0]} "
