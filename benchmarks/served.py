"""A sandbox LMS served by gunicorn on loopback, for the benchmarks that measure HTTP.

Each such benchmark prepares a fresh SQLite database in a child process (its own ``--prepare``
entry, which prints one JSON line last), then serves it with real gunicorn workers and drives
it. :func:`sandbox_server` does the common part and always stops the server and removes the
temporary folder, however the measurement ends.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Settings a developer's shell may hold that would point the benchmark elsewhere.
_INHERITED_BUT_IGNORED = (
    "MICROCREDS_TEST_DB",
    "MICROCREDS_CELERY_BROKER",
    "MICROCREDS_ISSUER_BASE_URL",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(db_path: Path, port: int) -> dict[str, str]:
    """The environment of a sandbox LMS process on ``db_path`` that believes it is at ``port``."""
    env = {key: value for key, value in os.environ.items() if key not in _INHERITED_BUT_IGNORED}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sandbox.settings.lms",
            "MICROCREDS_SQLITE_PATH": str(db_path),
            "MICROCREDS_SANDBOX_LMS_URL": f"http://127.0.0.1:{port}",
            "MICROCREDS_SANDBOX_DEBUG": "0",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def wait_until_up(url: str, server: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {url} within {timeout_s} s")


@dataclass
class Served:
    base: str  # http://127.0.0.1:<port>
    prepared: dict  # what the prepare step printed
    workdir: Path
    process: subprocess.Popen

    def wait_until_up(self, path: str) -> None:
        wait_until_up(self.base + path, self.process)


@contextmanager
def sandbox_server(
    prepare_command: Sequence[str],
    *,
    app: str = "django.core.wsgi:get_wsgi_application()",
    workers: int = 1,
    prepare_timeout_s: int = 300,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Served]:
    """
    Prepare a database with ``python <prepare_command...>`` and serve it with ``workers`` sync
    gunicorn workers running ``app``; yields a :class:`Served`. The server's errors go to
    ``server.log`` in the temporary folder, which is shown when preparing fails.
    """
    workdir = Path(tempfile.mkdtemp(prefix="microcreds-bench-"))
    port = free_port()
    env = environment(workdir / "bench.sqlite3", port)
    env["DEMO_OUTPUT"] = str(workdir)
    env.update(extra_env or {})
    try:
        prepared = subprocess.run(
            [sys.executable, *prepare_command],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=prepare_timeout_s,
        )
        if prepared.returncode != 0:
            raise RuntimeError(f"preparing the database failed:\n{prepared.stderr[-4000:]}")
        data = json.loads(prepared.stdout.strip().splitlines()[-1])
        with open(workdir / "server.log", "w") as server_log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}",
                 "--workers", str(workers), "--worker-class", "sync",
                 "--log-level", "warning", app],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=server_log,
                start_new_session=True,  # so that stopping it stops its workers too
            )  # fmt: skip
            try:
                yield Served(f"http://127.0.0.1:{port}", data, workdir, server)
            finally:
                _stop(server)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=15)
