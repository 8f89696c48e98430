"""Start and drive tests/interop/ob3_host.mjs (an Open Badges 3.0 host on panva's oidc-provider)
from Python tests and benchmarks, and walk a learner through its sign-in and consent pages over
HTTP, as a browser does."""

from __future__ import annotations

import json
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import requests

from .node import INTEROP_DIR, ensure_harness


class NodeBackpack:
    def __init__(
        self,
        *,
        name: str = "Loopback test backpack",
        verify: bool = False,
        access_token_ttl: int = 3600,
        port: int = 0,
        log_path: Path | None = None,
    ):
        self.args = [
            "--port",
            str(port),
            "--control-port",
            "0",
            "--name",
            name,
            "--access-token-ttl",
            str(access_token_ttl),
        ]
        if verify:
            self.args.append("--verify")
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.base = self.control_url = ""

    def __enter__(self) -> NodeBackpack:
        node = ensure_harness()
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.process = subprocess.Popen(
            [node, str(INTEROP_DIR / "ob3_host.mjs"), *self.args],
            cwd=INTEROP_DIR,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        line = self.process.stdout.readline()
        if not line:
            self.process.kill()
            raise RuntimeError(f"ob3_host.mjs did not start (see {self.log_path})")
        started = json.loads(line)
        self.base, self.control_url = started["base"], started["control"]
        return self

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    # ---- the control port ----------------------------------------------------------------
    def _control(self, method: str, path: str, body: dict | None = None) -> dict:
        answer = requests.request(method, self.control_url + path, json=body, timeout=10)
        answer.raise_for_status()
        return answer.json()

    def holdings(self, account: str) -> list[dict]:
        return self._control("GET", "/holdings").get(account, [])

    def all_holdings(self) -> dict[str, list[dict]]:
        return self._control("GET", "/holdings")

    def stats(self) -> dict:
        return self._control("GET", "/stats")

    def faults(self, **faults: int) -> dict:
        return self._control("POST", "/faults", faults)

    def down(self) -> None:
        self._control("POST", "/down")

    def up(self) -> None:
        self._control("POST", "/up")

    def revoke(self, account: str) -> int:
        return self._control("POST", "/revoke", {"account": account})["revoked"]

    def forget_clients(self) -> int:
        return self._control("POST", "/forget-clients")["forgotten"]

    # ---- a learner at the host -----------------------------------------------------------
    def consent(
        self,
        session: requests.Session,
        authorization_url: str,
        account: str,
        *,
        allow: bool = True,
        stop_at: str = "",
    ) -> str:
        """Sign in as ``account`` and allow (or deny) at the host; follow its redirects until
        one leaves the host (or starts with ``stop_at``) and return that URL, unfollowed."""
        url = authorization_url
        for _ in range(20):
            answer = session.get(url, allow_redirects=False, timeout=10)
            if answer.is_redirect:
                url = urljoin(url, answer.headers["Location"])
                if not url.startswith(self.base) or (stop_at and url.startswith(stop_at)):
                    return url
                continue
            assert answer.status_code == 200, answer.text[:500]
            action = re.search(r'action="(/interaction/[^"]+/(login|confirm))"', answer.text)
            assert action, answer.text[:500]
            if action.group(2) == "login":
                answer = session.post(
                    self.base + action.group(1),
                    data={"username": account},
                    allow_redirects=False,
                    timeout=10,
                )
            else:
                target = action.group(1) if allow else action.group(1).replace("confirm", "abort")
                answer = session.post(self.base + target, allow_redirects=False, timeout=10)
            assert answer.is_redirect, answer.text[:500]
            url = urljoin(url, answer.headers["Location"])
            if not url.startswith(self.base) or (stop_at and url.startswith(stop_at)):
                return url
        raise AssertionError(f"the host kept the learner in a loop at {url}")


def callback_params(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def wait_until(predicate, *, timeout: float = 30, interval: float = 0.2, what: str = ""):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what or predicate}")
        time.sleep(interval)
