"""Renewal scheduling: a scheduler service (default), a Celery beat service, or none, in
docker-compose and Kubernetes."""

from __future__ import annotations

import ast
import subprocess

import pytest
import yaml
from conftest import REPO
from tutormicrocreds.plugin import slot_ids


def compose_services(root) -> dict:
    return yaml.safe_load(root.env("local", "docker-compose.prod.yml"))["services"]


def k8s_deployments(root) -> dict:
    docs = yaml.safe_load_all(root.env("k8s", "deployments.yml"))
    return {doc["metadata"]["name"]: doc for doc in docs if doc}


def scheduled_commands(script: str) -> list[tuple[int, list[str]]]:
    """The (interval, command) pairs of the scheduler loop, read from its code."""
    for node in ast.walk(ast.parse(script)):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "JOBS":
            return [tuple(job) for job in ast.literal_eval(node.value)]
    raise AssertionError("no JOBS in the scheduler")


def test_the_default_scheduler_runs_renewal_and_retries(make_root):
    root = make_root("MICROCREDS_RETRY_INTERVAL_SECONDS=300")
    service = compose_services(root)["microcreds-cron"]
    assert service["environment"]["DJANGO_SETTINGS_MODULE"] == "lms.envs.tutor.production"
    assert service["command"][:2] == ["python", "-c"]
    jobs = scheduled_commands(service["command"][2])
    assert jobs == [
        (21600, ["./manage.py", "lms", "microcreds_renew"]),
        (300, ["./manage.py", "lms", "microcreds_evaluate", "--retry-failed", "--no-progress"]),
    ]
    # The plugin's real commands know these options (the sandbox's manage.py, as the LMS's).
    for _interval, command in jobs:
        done = subprocess.run(
            [str(REPO / ".venv" / "bin" / "python"), str(REPO / "sandbox" / "manage.py")]
            + command[1:3]
            + ["--help"],
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        for option in command[3:]:
            assert option in done.stdout, (command[2], option)
    deployment = k8s_deployments(root)["microcreds-cron"]
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert scheduled_commands(container["command"][2]) == jobs


def test_beat_instead(make_root):
    root = make_root("MICROCREDS_SCHEDULER=beat")
    services = compose_services(root)
    assert "microcreds-cron" not in services
    assert services["microcreds-beat"]["command"][:3] == ["celery", "--app=lms.celery", "beat"]
    container = k8s_deployments(root)["microcreds-beat"]["spec"]["template"]["spec"]
    assert container["containers"][0]["command"][:3] == ["celery", "--app=lms.celery", "beat"]


def test_no_scheduler(make_root):
    root = make_root("MICROCREDS_SCHEDULER=none")
    assert not [name for name in compose_services(root) if name.startswith("microcreds")]
    assert not [name for name in k8s_deployments(root) if name.startswith("microcreds")]


@pytest.mark.parametrize("major", [19, 20, 22])
def test_slot_ids_per_release(major):
    ids = slot_ids(major)
    if major == 19:
        # Sumac: the ids that became aliases in Teak.
        assert ids["authoring"] == "additional_course_plugin"
        assert ids["learner-dashboard"] == "widget_sidebar_slot"
    else:
        assert ids["authoring"] == "org.openedx.frontend.authoring.additional_course_plugin.v1"
        assert ids["learning"].endswith(".course_outline_tab_notifications.v1")
