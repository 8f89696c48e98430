"""Claiming into wallets: server time of one complete exchange on loopback, against one rdfc
sign + one verify of the same credential by the signing core, in alternating rounds.

A real WSGI server (gunicorn, one sync worker) serves the sandbox LMS from a fresh SQLite
database holding one award and enough offers. A wallet played in this process runs each flow:

- ``lcw``: the Learner Credential Wallet's exchange: GET the interaction URL, ``POST {}``,
  ``POST {"verifiablePresentation": ..}`` (an Ed25519Signature2020 DIDAuth presentation);
- ``oid4vci``: GET the credential offer, the issuer and authorization server metadata, the token
  request, the nonce request, the credential request (an EdDSA key proof).

Server time of a flow is the sum of its requests' round trips on loopback (what the wallet
waits for); the wallet's own signing happens between requests and is not counted. The peer is
``sign()`` (eddsa-rdfc-2022) + ``verify_credential()`` of the copy's document, timed in the same
rounds. Goal: each flow's median at most 1.5x the peer's.

    python benchmarks/wallets.py [--rounds 10 --per-round 10]      # prints one JSON line
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
GOAL = 1.5
GRANT = "urn:ietf:params:oauth:grant-type:pre-authorized_code"


def prepare(count: int) -> dict:
    """In a child process: migrate, award one credential through real events, make ``count``
    offers per protocol (valid for the whole run)."""
    import django

    django.setup()
    from types import SimpleNamespace

    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from openedx_microcreds.models import Award
    from openedx_microcreds.settings import issuer_base_url
    from openedx_microcreds.signing import did_for_base_url
    from openedx_microcreds.wallets.lcw import LcwProtocol
    from openedx_microcreds.wallets.oid4vci import Oid4vciProtocol
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    issuer = scenario.create_catalogue(issuer_base_url())
    issuer.did = did_for_base_url(issuer_base_url())
    issuer.save()
    learner = FakePlatform.add_user("bench", "bench@example.edu", "Bench Learner")
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    award = Award.objects.select_related("user").get(
        user_id=learner.id, definition__slug="data-analyst"
    )
    settings.MICROCREDS_WALLET_OFFER_TTL_SECONDS = 24 * 3600
    request = SimpleNamespace(user=award.user)
    return {
        "credential": award.credential,
        "lcw": [LcwProtocol().offer(award, request).qr for _ in range(count)],
        "oid4vci": [Oid4vciProtocol().offer(award, request).url for _ in range(count)],
    }


class Wallet:
    """The wallet side: HTTP on loopback, timing each request; signing in between, untimed."""

    def __init__(self):
        from tests.wallet_holder import DidKeyHolder, JwtHolder

        self.holder = DidKeyHolder.new()
        self.jwt_holder = JwtHolder("ed25519-kid")
        self.spent = 0.0
        self.server_wall = 0.0
        self.server_cpu = 0.0

    def start(self) -> None:
        self.spent = self.server_wall = self.server_cpu = 0.0

    def call(self, method: str, url: str, body=None, headers=None) -> dict:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        start = time.perf_counter()
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        self.spent += time.perf_counter() - start
        timing = dict(
            part.strip().split(";dur=") for part in response.getheader("Server-Timing").split(",")
        )
        self.server_wall += float(timing["app"]) / 1000
        self.server_cpu += float(timing["cpu"]) / 1000
        if response.status != 200:
            raise RuntimeError(f"{method} {url} answered {response.status}: {data[:500]!r}")
        return json.loads(data)

    def post_json(self, url: str, document, **headers) -> dict:
        return self.call(
            "POST", url, json.dumps(document), {"Content-Type": "application/json", **headers}
        )

    def lcw(self, interaction_url: str) -> dict:
        self.start()
        exchange = self.call("GET", interaction_url, headers={"Accept": "application/json"})
        url = exchange["protocols"]["vcapi"]
        request = self.post_json(url, {})["verifiablePresentationRequest"]
        vp = self.holder.presentation(challenge=request["challenge"], domain=request["domain"])
        answer = self.post_json(url, {"verifiablePresentation": vp})
        return answer["verifiablePresentation"]["verifiableCredential"][0]

    def oid4vci(self, link: str) -> dict:
        self.start()
        offer = self.call("GET", parse_qs(urlsplit(link).query)["credential_offer_uri"][0])
        issuer = offer["credential_issuer"]
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(issuer))
        path = urlsplit(issuer).path
        metadata = self.call("GET", f"{origin}/.well-known/openid-credential-issuer{path}")
        server = self.call("GET", f"{origin}/.well-known/oauth-authorization-server{path}")
        form = urlencode(
            {
                "grant_type": GRANT,
                "pre-authorized_code": offer["grants"][GRANT]["pre-authorized_code"],
            }
        )
        token = self.call(
            "POST",
            server["token_endpoint"],
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )["access_token"]
        nonce = self.call("POST", metadata["nonce_endpoint"])["c_nonce"]
        proof = self.jwt_holder.proof(audience=issuer, nonce=nonce)
        answer = self.post_json(
            metadata["credential_endpoint"],
            {"credential_configuration_id": "OpenBadgeCredential", "proofs": {"jwt": [proof]}},
            Authorization=f"Bearer {token}",
        )
        return answer["credentials"][0]["credential"]


def _peer(credential: dict):
    """One rdfc sign + one verify of the copy's document (the same size the server signs)."""
    from openedx_microcreds.credentials import Ed25519Key, sign, verify_credential

    key = Ed25519Key.generate()
    document = {name: value for name, value in credential.items() if name != "proof"}
    document["issuer"] = {**document["issuer"], "id": key.did_key}
    document["credentialSubject"]["achievement"]["creator"]["id"] = key.did_key
    now = datetime.now(UTC)

    def sign_and_verify():
        signed = sign(document, key)
        report = verify_credential(signed, now=now)
        # Everything but the status check (its list is not supplied here) passes.
        assert [check.name for check in report.failed()] == ["status"], report.to_dict()

    return sign_and_verify


def _figure(samples: list[float]) -> dict:
    from benchmarks.timing import percentile

    ordered = sorted(samples)
    return {
        "p50_ms": round(percentile(ordered, 0.5), 3),
        "p95_ms": round(percentile(ordered, 0.95), 3),
        "samples": len(ordered),
    }


def run(rounds: int = 10, per_round: int = 10, warmup: int = 3) -> dict:
    from benchmarks.served import sandbox_server

    count = rounds * per_round + warmup
    # Keep the database connection between requests, as a production LMS can (CONN_MAX_AGE):
    # the sandbox otherwise opens a SQLite connection per request, which would cost more than
    # the work measured here.
    with sandbox_server(
        [__file__, "--prepare", str(count)],
        app="benchmarks.server_timing:application",
        prepare_timeout_s=600,
        extra_env={"MICROCREDS_SANDBOX_CONN_MAX_AGE": "600"},
    ) as served:
        data = served.prepared
        served.wait_until_up("/microcreds/issuer/did.json")
        wallet = Wallet()
        peer = _peer(data["credential"])
        samples: dict[str, list[float]] = {
            name: [] for flow in ("lcw", "oid4vci", "peer") for name in (flow, f"{flow}_cpu")
        }
        samples.update({"lcw_app": [], "oid4vci_app": []})
        lcw_offers, oid_offers = iter(data["lcw"]), iter(data["oid4vci"])
        for _ in range(warmup):
            wallet.lcw(next(lcw_offers))
            wallet.oid4vci(next(oid_offers))
            peer()
        for _ in range(rounds):
            for flow, offers in (("lcw", lcw_offers), ("oid4vci", oid_offers)):
                for _ in range(per_round):
                    getattr(wallet, flow)(next(offers))
                    samples[flow].append(wallet.spent * 1000)
                    samples[f"{flow}_app"].append(wallet.server_wall * 1000)
                    samples[f"{flow}_cpu"].append(wallet.server_cpu * 1000)
            for _ in range(per_round):
                wall, cpu = time.perf_counter(), time.process_time()
                peer()
                samples["peer"].append((time.perf_counter() - wall) * 1000)
                samples["peer_cpu"].append((time.process_time() - cpu) * 1000)
    figures = {name: _figure(values) for name, values in samples.items()}
    for name in ("lcw", "oid4vci"):
        for kind, peer_kind in ((name, "peer"), (f"{name}_cpu", "peer_cpu")):
            ratio = figures[kind]["p50_ms"] / figures[peer_kind]["p50_ms"]
            figures[kind]["ratio_p50"] = round(ratio, 2)
    server = "gunicorn 1 sync worker, SQLite, persistent connection"
    return {"server": server, "rounds": rounds, "per_round": per_round, **figures}


def report(result: dict) -> str:
    def row(label: str, figure: dict) -> str:
        text = f"    {label:<36} p50 {figure['p50_ms']:7.2f} ms  p95 {figure['p95_ms']:7.2f} ms"
        if "ratio_p50" in figure:
            verdict = "meets" if figure["ratio_p50"] <= GOAL else "misses"
            text += f"  {figure['ratio_p50']:.2f}x the peer ({verdict} the {GOAL}x goal)"
        return text

    return "\n".join(
        [
            f"Wallets on loopback ({result['server']}): one complete flow (the wallet's own "
            "signing excluded) against one rdfc sign + one verify, in alternating rounds",
            "  wall time (what the wallet waits for: the round trips of its requests)",
            row("sign + verify (peer)", result["peer"]),
            row("LCW exchange (3 requests)", result["lcw"]),
            row("OpenID4VCI issuance (6 requests)", result["oid4vci"]),
            "  CPU time (the server's, inside the application; the peer's, in this process)",
            row("sign + verify (peer)", result["peer_cpu"]),
            row("LCW exchange", result["lcw_cpu"]),
            row("OpenID4VCI issuance", result["oid4vci_cpu"]),
            f"  inside the application (wall): LCW p50 {result['lcw_app']['p50_ms']:.2f} ms, "
            f"OpenID4VCI p50 {result['oid4vci_app']['p50_ms']:.2f} ms",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--per-round", type=int, default=10)
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.path.insert(0, str(ROOT))
    if args.prepare:
        print(json.dumps(prepare(args.prepare)))
        return 0
    result = run(args.rounds, args.per_round)
    print(report(result), file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
