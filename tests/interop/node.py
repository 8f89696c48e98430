"""Run the offline Node interop harness (tests/interop/*.mjs) from Python.

Each script reads one JSON request on stdin and writes one JSON result on stdout. It exits 0
even when verification fails (the result says so) and non-zero only on a harness error.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

INTEROP_DIR = Path(__file__).resolve().parent
REPO_ROOT = INTEROP_DIR.parent.parent

# A package whose presence shows that `npm ci` has run in tests/interop.
_MARKERS = ("@digitalbazaar/vc", "@digitalcredentials/verifier-core")


class NodeHarnessError(RuntimeError):
    """The harness itself failed (not a verification failure)."""


class NodeHarnessMissing(NodeHarnessError):
    """Node or tests/interop/node_modules is not installed."""


def ensure_harness(interop_dir: Path = INTEROP_DIR) -> str:
    """Return the path of ``node``; raise NodeHarnessMissing saying what to install."""
    node = shutil.which("node")
    if node is None:
        raise NodeHarnessMissing(
            "`node` is not on PATH: the interop tests need Node.js 20+ "
            "(then run `make node` in the repository root)"
        )
    modules = interop_dir / "node_modules"
    missing = [name for name in _MARKERS if not (modules / name / "package.json").is_file()]
    if missing:
        raise NodeHarnessMissing(
            f"{modules} is missing or incomplete (no {', '.join(missing)}): "
            "run `make node` in the repository root "
            f"(or `npm ci` in {interop_dir})"
        )
    return node


def run_node(
    script: str,
    request: dict,
    timeout: float = 60,
    *,
    args: tuple[str, ...] = (),
    interop_dir: Path = INTEROP_DIR,
) -> dict:
    """Run ``node tests/interop/<script>`` with ``request`` as JSON on stdin; return its result.

    ``script`` may also be a path relative to the repository root (e.g.
    ``benchmarks/node/bench.mjs``). Raises NodeHarnessMissing when Node or the node_modules are
    not installed, and NodeHarnessError when the script exits non-zero or prints no JSON.
    """
    node = ensure_harness(interop_dir)
    path = interop_dir / script
    if not path.is_file():
        path = REPO_ROOT / script
    if not path.is_file():
        raise NodeHarnessError(f"no such harness script: {script}")
    try:
        proc = subprocess.run(
            [node, str(path), *args],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            cwd=interop_dir,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise NodeHarnessError(f"node {script} timed out after {timeout}s") from exc
    if proc.returncode != 0:
        raise NodeHarnessError(
            f"node {script} exited {proc.returncode}:\n{proc.stderr.strip() or '(no stderr)'}"
        )
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise NodeHarnessError(
            f"node {script} printed no JSON result ({exc}):\n"
            f"stdout: {proc.stdout[:2000]!r}\nstderr: {proc.stderr[-2000:]}"
        ) from exc
