"""tests/skip_policy.py: an unlisted skip fails the run; a listed one passes, with its reason."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.skip_policy import SkipListError, read_allowed_skips

REPO = Path(__file__).resolve().parent.parent

PROBE = """
import pytest

def test_runs():
    assert True

def test_probe_skip():
    pytest.skip("probe: a service is missing")
"""


def run_pytest(directory: Path, *args: str) -> subprocess.CompletedProcess:
    """A separate pytest run over ``directory`` with the plugin loaded as the Makefile loads it."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django"]
        + ["-p", "tests.skip_policy", *args],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


MODULE_SKIP = """
import pytest

pytest.importorskip("no_such_module_for_the_probe")

def test_never_runs():
    pass
"""


@pytest.fixture
def probe_dir(tmp_path):
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "test_module.py").write_text(MODULE_SKIP)
    return tmp_path


def test_an_unlisted_skip_fails_the_run(probe_dir):
    allowed = probe_dir / "allowed.txt"
    allowed.write_text("# nothing allowed\n")
    result = run_pytest(probe_dir, "--allowed-skips", str(allowed))
    assert result.returncode == 1, result.stdout
    assert "1 passed, 2 skipped" in result.stdout
    assert "test_probe.py::test_probe_skip: probe: a service is missing" in result.stdout
    # A whole module skipped at import time counts too.
    assert "test_module.py: could not import 'no_such_module_for_the_probe'" in result.stdout
    assert "2 unlisted skip(s): the run fails" in result.stdout


def test_listed_skips_pass_and_show_their_reason(probe_dir):
    allowed = probe_dir / "allowed.txt"
    allowed.write_text(
        "# reviewed\n"
        "test_probe.py::test_probe_* | the probe service is optional here\n"
        "test_module.py | the probe module is optional\n"
    )
    result = run_pytest(probe_dir, "--allowed-skips", str(allowed))
    assert result.returncode == 0, result.stdout
    assert "test_probe.py::test_probe_skip: the probe service is optional here" in result.stdout
    assert "test_module.py: the probe module is optional" in result.stdout


def test_entries_need_a_reason(tmp_path):
    path = tmp_path / "allowed.txt"
    path.write_text("# comment\n\ntests/x.py::test_a | optional service\ntests/x.py::test_b\n")
    with pytest.raises(SkipListError, match=r"allowed.txt:4: expected 'NODE_ID_OR_GLOB \| reason'"):
        read_allowed_skips(path)


def test_the_committed_list_is_well_formed():
    for entry in read_allowed_skips(REPO / "tests" / "allowed_skips.txt"):
        assert entry.reason


@pytest.mark.parametrize("target", ["test", "test-integration"])
def test_the_ci_targets_enforce_the_list(target):
    """.ci/run calls these two targets; each must run pytest with the policy and the list."""
    dry_run = subprocess.run(
        ["make", "-n", "--always-make", target],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    pytest_lines = [line for line in dry_run.stdout.splitlines() if " -m pytest " in line]
    assert pytest_lines, dry_run.stdout
    for line in pytest_lines:
        assert "-p tests.skip_policy --allowed-skips tests/allowed_skips.txt" in line
