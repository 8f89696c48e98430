"""The frontend plugin in the MFE image: installed in three MFEs, placed in their slots. The
rendered env.config.jsx is run by Node with stand-ins for the two packages it imports, so what
the MFEs would get (slot ids, widgets, the components themselves) is read from running code."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PACKAGE = "@openedx-microcreds/frontend-plugin-microcreds"

#: The contract (/work/briefs/ui-contract.md): each MFE, its slot, and the export it shows.
EXPECTED = {
    "authoring": (
        "org.openedx.frontend.authoring.additional_course_plugin.v1",
        "MicrocredsCourseAppCard",
    ),
    "learner-dashboard": (
        "org.openedx.frontend.learner_dashboard.widget_sidebar.v1",
        "MyCredentialsWidget",
    ),
    "learning": (
        "org.openedx.frontend.learning.course_outline_tab_notifications.v1",
        "CourseCredentialsPanel",
    ),
}

FPF_STUB = """
export const DIRECT_PLUGIN = 'DIRECT_PLUGIN';
export const PLUGIN_OPERATIONS = { Insert: 'insert', Hide: 'hide' };
"""

# Each export is a function that names itself, so the test sees which one a slot got.
PACKAGE_STUB = "\n".join(
    f"export function {name}() {{ return '{name}'; }}" for _slot, name in EXPECTED.values()
)

RUN_CONFIG = """
import setConfig from './env.config.mjs';
const config = await setConfig();
const slots = {};
for (const [id, slot] of Object.entries(config.pluginSlots)) {
  slots[id] = slot.plugins.map((p) => ({
    op: p.op, id: p.widget.id, type: p.widget.type, priority: p.widget.priority,
    renders: typeof p.widget.RenderWidget === 'function' ? p.widget.RenderWidget() : null,
  }));
}
console.log(JSON.stringify(slots));
"""


def stage_of(dockerfile: str, line_number: int) -> str:
    """The name of the build stage (FROM ... AS name) a Dockerfile line belongs to."""
    stage = ""
    for number, line in enumerate(dockerfile.splitlines()):
        if number > line_number:
            break
        match = re.match(r"FROM \S+ AS (\S+)", line)
        if match:
            stage = match.group(1)
    return stage


def npm_install_stages(dockerfile: str) -> list[str]:
    return [
        stage_of(dockerfile, number)
        for number, line in enumerate(dockerfile.splitlines())
        if "npm install" in line and PACKAGE in line
    ]


def run_env_config(root, tmp_path: Path, app_id: str) -> dict:
    node = shutil.which("node")
    assert node, "node is needed to run env.config.jsx (it is on CI and this machine)"
    work = tmp_path / "node"
    if not work.exists():
        for name, body in (
            ("@openedx/frontend-plugin-framework", FPF_STUB),
            (PACKAGE, PACKAGE_STUB),
        ):
            package = work / "node_modules" / name
            package.mkdir(parents=True)
            (package / "package.json").write_text(
                json.dumps({"name": name, "type": "module", "main": "index.js"})
            )
            (package / "index.js").write_text(body)
        (work / "run.mjs").write_text(RUN_CONFIG)
    # No JSX in what the plugins render here, so the file is plain ES module JavaScript.
    env_config = root.env("plugins", "mfe", "build", "mfe", "env.config.jsx")
    (work / "env.config.mjs").write_text(env_config)
    done = subprocess.run(
        [node, "run.mjs"],
        cwd=work,
        env={"APP_ID": app_id, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "failed to apply" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_the_package_is_installed_in_the_three_mfes_only(root):
    dockerfile = root.env("plugins", "mfe", "build", "mfe", "Dockerfile")
    assert sorted(npm_install_stages(dockerfile)) == [
        "authoring-common",
        "learner-dashboard-common",
        "learning-common",
    ]
    assert dockerfile.count(f"--registry=$NPM_REGISTRY {PACKAGE}@0.1.0\n") == 3


@pytest.mark.parametrize("app_id", sorted(EXPECTED))
def test_each_mfe_gets_its_component_in_its_slot(root, tmp_path, app_id):
    slot_id, component = EXPECTED[app_id]
    slots = run_env_config(root, tmp_path, app_id)
    assert slots == {
        slot_id: [
            {
                "op": "insert",
                "id": slots[slot_id][0]["id"],
                "type": "DIRECT_PLUGIN",
                "priority": slots[slot_id][0]["priority"],
                "renders": component,
            }
        ]
    }
    assert slots[slot_id][0]["id"].startswith("microcreds_")


def test_other_mfes_are_left_alone(root, tmp_path):
    assert run_env_config(root, tmp_path, "profile") == {}


def test_the_dashboard_widget_comes_before_the_default_card(root, tmp_path):
    # The learner dashboard's own "Looking for a challenge?" card has FPF's default priority 50.
    slot_id, _component = EXPECTED["learner-dashboard"]
    assert run_env_config(root, tmp_path, "learner-dashboard")[slot_id][0]["priority"] < 50


def test_the_mfe_plugins_can_be_turned_off(make_root, tmp_path):
    root = make_root("MICROCREDS_MFE_PLUGINS=false")
    dockerfile = root.env("plugins", "mfe", "build", "mfe", "Dockerfile")
    assert npm_install_stages(dockerfile) == []
    env_config = root.env("plugins", "mfe", "build", "mfe", "env.config.jsx")
    assert PACKAGE not in env_config
    # The slot entries stay (tutor-mfe's filter cannot read the configuration) and render
    # nothing.
    slot_id, _component = EXPECTED["learning"]
    assert run_env_config(root, tmp_path, "learning")[slot_id][0]["renders"] is None


def test_another_npm_source(make_root, tmp_path):
    spec = "https://example.org/frontend-plugin-microcreds-0.1.0.tgz"
    root = make_root(f"MICROCREDS_NPM_SPEC={spec}")
    dockerfile = root.env("plugins", "mfe", "build", "mfe", "Dockerfile")
    assert dockerfile.count(f"--registry=$NPM_REGISTRY {spec}\n") == 3
    # The import still names the package.
    slot_id, component = EXPECTED["authoring"]
    assert run_env_config(root, tmp_path, "authoring")[slot_id][0]["renders"] == component
