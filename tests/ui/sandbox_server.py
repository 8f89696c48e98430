"""A real sandbox LMS for the end-to-end tests: its own SQLite file, migrated and seeded
(``sandbox_seed_ui``), served by Django's server on a free loopback port as ``make demo``
serves it (DEBUG off, eager tasks), and the sandbox's commands run against the same database."""

from __future__ import annotations

import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sandbox import demo
from tests.interop.wallet_site import free_port
from tests.plugin.helpers import REPO, manage, sandbox_env


@dataclass
class SandboxServer:
    base_url: str
    env: dict[str, str]
    directory: Path
    log_name: str = "server.log"
    process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.directory / self.log_name

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        """``sandbox/manage.py lms <args>`` on the server's database; fails with its output."""
        return manage("lms", *args, env=self.env)

    def start(self) -> None:
        """Migrate and seed the database, then serve."""
        self.manage("migrate", "-v0")
        self.manage("sandbox_seed_ui", "--base-url", self.base_url)
        self.serve()

    def twin(self, **env: str) -> SandboxServer:
        """Another server (not started) of the same database on another port, its environment
        changed by ``env``."""
        base_url = f"http://127.0.0.1:{free_port()}"
        return SandboxServer(
            base_url=base_url,
            env={**self.env, **env},
            directory=self.directory,
            log_name=f"server-{base_url.rsplit(':', 1)[1]}.log",
        )

    def serve(self) -> None:
        address = self.base_url.removeprefix("http://")
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                demo.serve_command(address),
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while not self._answers():
            assert self.process.poll() is None, f"the server exited:\n{self.log.read_text()}"
            assert time.monotonic() < deadline, f"no answer:\n{self.log.read_text()}"
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/login/", timeout=5) as response:  # noqa: S310
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def sandbox_server(directory: Path) -> SandboxServer:
    """A server (not started) with its database, keys and mail in ``directory``."""
    base_url = f"http://127.0.0.1:{free_port()}"
    env = sandbox_env(
        directory / "lms.sqlite3",
        DEMO_OUTPUT=str(directory),
        MICROCREDS_SANDBOX_LMS_URL=base_url,
        MICROCREDS_SANDBOX_DEBUG="0",
    )
    return SandboxServer(base_url=base_url, env=env, directory=directory)
