"""The import-linter contracts of pyproject.toml catch what they promise to catch.

Each run lints a copy of the package (so probes never touch the real tree) with the project's
own configuration: once as it is, which must pass, and once with probe modules that break each
rule, which must fail naming every probe.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# (module path in the copy, its source, the contract it breaks, the forbidden import it shows)
PROBES = [
    (
        "views/zz_probe_xmodule.py",
        "def f():\n    from xmodule.modulestore.django import modulestore  # noqa\n"
        "\n    return modulestore\n",
        "Only the platform adapter imports edx-platform",
        "openedx_microcreds.views.zz_probe_xmodule -> xmodule",
    ),
    (
        # A module nobody listed by hand: new modules are covered too.
        "zz_probe_new_module.py",
        "from common.djangoapps.student.models import CourseEnrollment  # noqa\n",
        "Only the platform adapter imports edx-platform",
        "openedx_microcreds.zz_probe_new_module -> common",
    ),
    (
        "rules/zz_probe_django.py",
        "from django.conf import settings  # noqa\n",
        "The signing core and the rule engine are plain Python",
        "openedx_microcreds.rules.zz_probe_django -> django",
    ),
]


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", "pyproject.toml", "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_package(destination: Path) -> Path:
    shutil.copytree(
        REPO / "openedx_microcreds",
        destination / "openedx_microcreds",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(REPO / "pyproject.toml", destination / "pyproject.toml")
    return destination


def test_contracts_hold_on_the_package_as_it_is(tmp_path):
    result = _lint(_copy_package(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Only the platform adapter imports edx-platform KEPT" in result.stdout


def test_each_contract_breaks_on_a_probe_import(tmp_path):
    tree = _copy_package(tmp_path)
    for module, source, _contract, _line in PROBES:
        (tree / "openedx_microcreds" / module).write_text(source)
    result = _lint(tree)
    assert result.returncode != 0, result.stdout
    for _module, _source, contract, line in PROBES:
        assert f"{contract} BROKEN" in result.stdout
        assert line in result.stdout, result.stdout
    # The adapter itself stays allowed: it is the one exception.
    assert "openedx_microcreds.platform ->" not in result.stdout


def test_a_service_that_imports_the_task_layer_breaks_the_layers(tmp_path):
    """Services name their follow-up work (followups.py); importing the task layer from one,
    even inside a function, would bring back the cycle the layers contract forbids."""
    tree = _copy_package(tmp_path)
    pending = tree / "openedx_microcreds" / "pending.py"
    pending.write_text(
        pending.read_text()
        + "\n\ndef _probe():\n    from . import tasks  # noqa\n\n    return tasks\n"
    )
    result = _lint(tree)
    assert result.returncode != 0, result.stdout
    assert "The task layer sits on the services, which sit on the records BROKEN" in result.stdout
    assert "openedx_microcreds.pending -> openedx_microcreds.tasks" in result.stdout
