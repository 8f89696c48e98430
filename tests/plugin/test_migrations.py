"""Both projects migrate from an empty database, back to zero, and no migration is missing."""

import pytest

from .helpers import manage, sandbox_env


@pytest.mark.parametrize("project", ["cms", "lms"])
def test_migrates_from_zero_and_back(tmp_path, project):
    env = sandbox_env(tmp_path / "db.sqlite3")
    manage(project, "migrate", "--no-input", env=env)
    shown = manage(project, "showmigrations", "openedx_microcreds", env=env).stdout
    assert "[X] 0001_initial" in shown
    manage(project, "migrate", "openedx_microcreds", "zero", "--no-input", env=env)
    manage(project, "migrate", "openedx_microcreds", "--no-input", env=env)


def test_lms_and_cms_share_one_database(tmp_path):
    """Like edxapp: Studio migrates, then the LMS finds nothing left to do on the same DB."""
    env = sandbox_env(tmp_path / "db.sqlite3")
    manage("cms", "migrate", "--no-input", env=env)
    plan = manage("lms", "migrate", "--plan", env=env).stdout
    assert "openedx_microcreds" not in plan


@pytest.mark.parametrize("project", ["lms", "cms"])
def test_no_missing_migrations(tmp_path, project):
    env = sandbox_env(tmp_path / "db.sqlite3")
    manage(project, "makemigrations", "--check", "--dry-run", "openedx_microcreds", env=env)
    if project == "lms":  # the sandbox's own tables (its fake platform's) too
        manage(project, "makemigrations", "--check", "--dry-run", "sandbox", env=env)


def test_system_checks_pass(tmp_path):
    env = sandbox_env(tmp_path / "db.sqlite3")
    manage("lms", "check", "--fail-level", "WARNING", env=env)
    manage("cms", "check", "--fail-level", "WARNING", env=env)
