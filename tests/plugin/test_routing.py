"""Evaluations read grades, so they run on LMS workers: Studio sends them to the LMS's queue."""

import json
import subprocess
import sys

import pytest

from .helpers import REPO, sandbox_env

SHOW = """
import json, django
django.setup()
from openedx_microcreds import tasks
print(json.dumps({"options": tasks.task_options(), "studio": tasks.running_in_studio()}))
"""


def options_in(project: str, **env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=REPO,
        env=sandbox_env(DJANGO_SETTINGS_MODULE=f"sandbox.settings.{project}", **env),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("project", ["cms", "cms_test"])
def test_studio_sends_the_plugins_tasks_to_the_lms_queue(project):
    assert options_in(project) == {"options": {"queue": "edx.lms.core.default"}, "studio": True}


def test_the_lms_uses_its_default_queue():
    assert options_in("lms") == {"options": {}, "studio": False}


def test_operators_choose_the_queues(settings):
    from openedx_microcreds import tasks

    app = tasks.run_pending.app
    saved = app.conf.task_default_queue
    try:
        settings.MICROCREDS_CELERY_QUEUE = "microcreds"
        assert tasks.task_options() == {"queue": "microcreds"}  # everywhere, Studio included
        settings.MICROCREDS_CELERY_QUEUE = None
        app.conf.task_default_queue = "edx.cms.core.default"
        settings.MICROCREDS_LMS_CELERY_QUEUE = "edx.lms.core.microcreds"
        assert tasks.task_options() == {"queue": "edx.lms.core.microcreds"}
    finally:
        app.conf.task_default_queue = saved
