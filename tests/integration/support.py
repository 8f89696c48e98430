"""Helpers for tests that start real processes: start them with the test's settings, wait for
something with a bound, always stop them, and put their logs in every failure message."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
MANAGE = REPO / "sandbox" / "manage.py"
SETTINGS_MODULE = "tests.integration.settings"
LOG_TAIL_LINES = 150


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip locally; fail in CI, which must start every service rather than skip tests."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: services must be running; see scripts/services.sh)")
    pytest.skip(reason)


def child_environment(base: dict[str, str], **extra: str | None) -> dict[str, str]:
    """The environment of a process started by a test: this interpreter's environment, the
    integration settings, ``base`` (database, platform state...), then ``extra``; a value of
    None removes the variable."""
    env = dict(os.environ)
    env.pop("MICROCREDS_CELERY_BROKER", None)  # eager unless a test names a broker
    env.update(
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        PYTHONPATH=os.pathsep.join([str(REPO), *filter(None, [env.get("PYTHONPATH")])]),
        PYTHONUNBUFFERED="1",
    )
    env.update(base)
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _die_with_parent() -> None:
    """In the child, before exec: be sent SIGTERM when the test process dies, so that a killed
    test run (a CI timeout, say) leaves no worker or consumer behind. Linux only."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class Proc:
    name: str
    args: Sequence[str]
    popen: subprocess.Popen
    log_path: Path

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process group started for this process, then SIGKILL it if it lingers
        (a Celery worker's pool processes are in that group too)."""
        if self.popen.poll() is None:
            self._signal_group(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=timeout)
        # The group may outlive its leader (pool processes); a group id is the leader's pid.
        self._signal_group(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=timeout)

    def _signal_group(self, sig: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, sig)


@dataclass
class Procs:
    """The processes of one test. Each runs in its own session, logging to a file."""

    log_dir: Path
    procs: list[Proc] = field(default_factory=list)

    def start(self, name: str, args: Sequence[str], env: dict[str, str]) -> Proc:
        log_path = self.log_dir / f"{name}.log"
        with open(log_path, "ab") as log:
            popen = subprocess.Popen(
                list(args),
                cwd=REPO,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        proc = Proc(name, list(args), popen, log_path)
        self.procs.append(proc)
        return proc

    def manage(self, name: str, command: Sequence[str], env: dict[str, str]) -> Proc:
        """``python sandbox/manage.py lms <command>`` with the given environment."""
        return self.start(name, [sys.executable, str(MANAGE), "lms", *command], env)

    def stop_all(self) -> None:
        for proc in reversed(self.procs):
            proc.stop()

    def report(self) -> str:
        parts = []
        for proc in self.procs:
            state = "running" if proc.running else f"exited with {proc.popen.returncode}"
            lines = proc.log().splitlines()
            tail = lines[-LOG_TAIL_LINES:]
            skipped = f"[{len(lines) - len(tail)} earlier lines in {proc.log_path}]\n" * (
                len(lines) > len(tail)
            )
            parts.append(
                f"----- {proc.name} ({state}): {' '.join(proc.args)}\n{skipped}" + "\n".join(tail)
            )
        return "\n".join(parts) or "(no processes were started)"

    def wait_for(
        self,
        what: str,
        predicate: Callable[[], Any],
        *,
        timeout: float = 60.0,
        interval: float = 0.2,
        must_run: Sequence[Proc] = (),
    ) -> Any:
        """Poll ``predicate`` until it returns something truthy (returned). Fails, with every
        process's log, on timeout or as soon as one of ``must_run`` has exited."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            for proc in must_run:
                if not proc.running:
                    pytest.fail(f"{proc.name} exited while waiting for {what}\n{self.report()}")
            if time.monotonic() >= deadline:
                pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n{self.report()}")
            time.sleep(interval)

    def check(self, condition: bool, message: str) -> None:
        """``assert condition``, with the processes' logs in the failure message."""
        if not condition:
            pytest.fail(f"{message}\n{self.report()}")


def celery_worker_args(queue: str, hostname: str, *, concurrency: int = 2) -> list[str]:
    """``celery worker`` for the sandbox's app: prefork, consuming only ``queue``."""
    return [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "sandbox.celery",
        "worker",
        "--pool=prefork",
        f"--concurrency={concurrency}",
        "--queues",
        queue,
        "--hostname",
        f"{hostname}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]


def verify_award(award) -> Any:
    """Verify an award's credential with its status list as the issuer serves it: the list's
    bits as stored, in a status list credential signed with the award's key."""
    from openedx_microcreds.credentials import (
        StatusBits,
        sign,
        status_list_credential,
        verify_credential,
    )
    from openedx_microcreds.signing import load_private_key
    from openedx_microcreds.status import status_list_url

    status_list = award.status_list
    bits = StatusBits(status_list.size, bytes(status_list.bits) or None)
    url = status_list_url(status_list)
    document = status_list_credential(
        list_url=url,
        issuer=award.credential["issuer"]["id"],
        bits=bits,
        valid_from=award.issued_at,
    )
    return verify_credential(
        award.credential, status_lists={url: sign(document, load_private_key(award.signing_key))}
    )


def dump(value: Any) -> str:
    return json.dumps(value, indent=1, sort_keys=True, default=str)
