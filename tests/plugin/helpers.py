"""Helpers for the plugin tests: run the sandbox in a separate process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MANAGE = REPO / "sandbox" / "manage.py"


def sandbox_env(sqlite_path: Path | None = None, **extra: str) -> dict[str, str]:
    """Environment for a sandbox subprocess: SQLite at ``sqlite_path``, no inherited settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICROCREDS_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if sqlite_path is not None:
        env["MICROCREDS_SQLITE_PATH"] = str(sqlite_path)
    env.update(extra)
    return env


def manage(project: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """Run ``sandbox/manage.py <project> <args>``; fails the test with the output on error."""
    result = subprocess.run(
        [sys.executable, str(MANAGE), project, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (
        f"manage.py {project} {' '.join(args)} exited {result.returncode}\n"
        f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    )
    return result


PROBE = """
import json, django
django.setup()
from django.apps import apps
from django.conf import settings
from django.urls import get_resolver
from edx_django_utils.plugins import get_plugin_apps
resolver = get_resolver()
mounted = {
    name: prefix
    for name, (prefix, sub) in resolver.namespace_dict.items()
}
print(json.dumps({
    "project": settings.SANDBOX_PROJECT,
    "installed_apps": list(settings.INSTALLED_APPS),
    "plugin_apps": get_plugin_apps(settings.SANDBOX_PROJECT),
    "app_label_loaded": apps.is_installed("openedx_microcreds"),
    "settings": {k: getattr(settings, k) for k in dir(settings) if k.startswith("MICROCREDS_")},
    "namespaces": mounted,
    "status_list_path": __import__("django.urls").urls.reverse(
        "openedx_microcreds:status_list", args=["x"]
    ),
    "receivers_module_imported": "openedx_microcreds.receivers" in __import__("sys").modules,
}))
"""


def probe(settings_module: str, env: dict[str, str]) -> dict:
    """Start Django with ``settings_module`` in a new process and report how the plugin loaded."""
    env = dict(env, DJANGO_SETTINGS_MODULE=settings_module)
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# Debian's Chromium, headless, kept off the network it would call home to (this machine's
# closed network refuses those connections, many at a time).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
