"""A sandbox LMS serving on loopback, for wallets played by Node to claim credentials from.

Its database is a fresh SQLite file. Child processes (``python -m tests.interop.wallet_site
<command>``, Django set up on that file) prepare it, create offers and report what happened;
the server is the demo's (Django's runserver, DEBUG off) on a free port, so every URL in its
credentials and offers names the address it really serves.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

REPO = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def environment(db_path: Path, base_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in ("MICROCREDS_TEST_DB", "MICROCREDS_CELERY_BROKER", "MICROCREDS_ISSUER_BASE_URL")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "sandbox.settings.lms",
            "MICROCREDS_SQLITE_PATH": str(db_path),
            "MICROCREDS_SANDBOX_LMS_URL": base_url,
            "MICROCREDS_SANDBOX_DEBUG": "0",
            "PYTHONPATH": str(REPO),
        }
    )
    return env


class Site:
    """The server and its database; ``call(command, ...)`` runs a child command on it."""

    def __init__(self, workdir: Path, *, port: int | None = None, db_path: Path | None = None):
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.db_path = db_path or workdir / "wallets.sqlite3"
        self.log_path = workdir / "server.log"
        self.env = environment(self.db_path, self.base_url)
        self.server: subprocess.Popen | None = None

    def call(self, command: str, **arguments) -> dict:
        result = subprocess.run(
            [sys.executable, "-m", "tests.interop.wallet_site", command, json.dumps(arguments)],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"wallet_site {command} failed:\n{result.stderr[-4000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def manage(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(REPO / "sandbox" / "manage.py"), "lms", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    def start(self) -> None:
        from sandbox.demo import serve_command

        self.log = self.log_path.open("w")
        self.server = subprocess.Popen(
            serve_command(f"127.0.0.1:{self.port}"),
            cwd=REPO,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log_path.read_text()[-4000:]}")
            try:
                self.get_json("/microcreds/issuer/did.json")
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start within 60 s")

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
            self.log.close()

    def get_json(self, path_or_url: str) -> dict:
        url = path_or_url if path_or_url.startswith("http") else self.base_url + path_or_url
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return json.loads(response.read())

    def verification_documents(self, credential: dict) -> dict:
        """The issuer's DID document and the credential's status list, as the server serves
        them: what a verifier would fetch."""
        did_document = self.get_json("/microcreds/issuer/did.json")
        status_url = credential["credentialStatus"]["statusListCredential"]
        return {
            "didDocuments": {did_document["id"]: did_document},
            "statusLists": {status_url: self.get_json(status_url)},
        }


# ---------------------------------------------------------------- child commands


def _setup() -> None:
    import django

    django.setup()


def prepare() -> dict:
    """Migrate; an issuer with a did:web on this address; one award each for ada and bob."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from openedx_microcreds.models import Award
    from openedx_microcreds.settings import issuer_base_url
    from openedx_microcreds.signing import did_for_base_url
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    issuer = scenario.create_catalogue(issuer_base_url())
    issuer.did = did_for_base_url(issuer_base_url())
    issuer.save()
    awards = {}
    for name in ("ada", "bob"):
        user = FakePlatform.add_user(name, f"{name}@example.edu", name.title())
        scenario.grade_analyst(user, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
        scenario.send_passing_status(user, scenario.DATA_COURSE)
        award = Award.objects.get(user_id=user.id, definition__slug="data-analyst")
        awards[name] = {"uuid": str(award.uuid), "credential": award.credential}
    return {"awards": awards, "issuer_did": issuer.did}


def offers(learner: str, protocol: str, count: int = 1, expired: bool = False, tx_code=None):
    """``count`` fresh offers of the learner's award: for lcw, each spelling of one offer; for
    oid4vci the offer link (and its transaction code when ``tx_code`` is given)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from openedx_microcreds.models import Award
    from openedx_microcreds.wallets import lcw, oid4vci
    from openedx_microcreds.wallets.exchanges import open_exchange

    award = Award.objects.get(user__username=learner, definition__slug="data-analyst")
    request = SimpleNamespace(user=get_user_model().objects.get(username=learner))
    made = []
    for _ in range(count):
        if expired:
            past = timezone.now() - timedelta(days=1)
            if protocol == "lcw":
                _exchange, code = open_exchange(award, "lcw", now=past)
                made.append({"interaction": lcw.interaction_url(code)})
            else:
                _exchange, code = oid4vci.open_exchange(award, now=past)
                made.append({"offer": _offer_link(oid4vci.offer_uri(code))})
        elif protocol == "lcw":
            offer = lcw.LcwProtocol().offer(award, request)
            made.append(
                {"interaction": offer.qr, "invitation": offer.url, "legacy": offer.links[0][1]}
            )
        elif tx_code:
            _exchange, code = oid4vci.open_exchange(award, tx_code)
            made.append({"offer": _offer_link(oid4vci.offer_uri(code)), "tx_code": tx_code})
        else:
            made.append({"offer": oid4vci.Oid4vciProtocol().offer(award, request).url})
    return {"offers": made}


def _offer_link(uri: str) -> str:
    from urllib.parse import urlencode

    from openedx_microcreds.wallets.oid4vci import OFFER_SCHEME

    return f"{OFFER_SCHEME}?{urlencode({'credential_offer_uri': uri})}"


def state(learner: str) -> dict:
    """The exchanges and copies of the learner's award, and what deliveries() reports."""
    from openedx_microcreds import wallets
    from openedx_microcreds.models import Award

    award = Award.objects.get(user__username=learner, definition__slug="data-analyst")
    return {
        "exchanges": list(award.wallet_exchanges.order_by("pk").values("protocol", "state")),
        "copies": [
            {
                "protocol": copy.protocol,
                "holder": copy.holder_did,
                "credential_id": copy.credential_id,
                "exchange_state": copy.exchange.state if copy.exchange else None,
            }
            for copy in award.wallet_copies.order_by("pk")
        ],
        "deliveries": [
            {"protocol": item.protocol, "holder": item.holder, "credential_id": item.credential_id}
            for item in wallets.deliveries(award)
        ],
    }


if __name__ == "__main__":
    _setup()
    command, arguments = sys.argv[1], json.loads(sys.argv[2])
    outcome = {"prepare": prepare, "offers": offers, "state": state}[command](**arguments)
    print(json.dumps(outcome))
