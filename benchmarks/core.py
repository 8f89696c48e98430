"""Signing core: ours against the Node @digitalbazaar stack, in alternating rounds of one run.

Both sides sign and verify the same set of distinct learners' Open Badges 3.0 credentials (ids,
subjects, dates, results, evidence and achievements all differ), each credential timed on its
own, for eddsa-rdfc-2022 and eddsa-jcs-2022. Verification is every check: ours is
verify_credential (document, key, proof, issuer, validity, status), Node's is
@digitalbazaar/vc's verifyCredential (proofs, issuer as the key's controller, validity). Each
row gives the median and the 10th-90th percentile spread per side, and the ratio of medians.
The cold row is the first sign and the first verify of a fresh process, each side.

Node runs in one long-lived process (benchmarks/node/bench_rounds.mjs) driven line by line, so
the rounds interleave: ours, Node, Node, ours, ... Both sides sign with the same ``created``,
so their signed credentials must be identical; the benchmark checks that too.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.timing import spread, timed_ms  # noqa: E402
from openedx_microcreds.credentials import (  # noqa: E402
    Achievement,
    Alignment,
    Ed25519Key,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    Recipient,
    Result,
    ResultDescription,
    sign,
    verify_credential,
)
from openedx_microcreds.credentials.canonical import rdfc  # noqa: E402
from tests.credentials.sample import TEST_SECRET  # noqa: E402
from tests.interop.node import ensure_harness  # noqa: E402

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")
CREATED = "2026-03-01T09:30:00Z"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
ROUNDS = 6
COLD_SAMPLES = 5
NODE_SCRIPT = ROOT / "benchmarks" / "node" / "bench_rounds.mjs"


# ---------------------------------------------------------------- distinct learners' badges

_COURSES = [
    ("data-analyst", "Data Analyst", "MicroCredential", ["Data analysis", "Visualization"]),
    ("python-basics", "Python Basics", "Badge", ["Programming"]),
    ("ml-foundations", "Machine Learning Foundations", "Certificate", ["Statistics", "ML"]),
    ("ux-research", "UX Research", "Competency", []),
    ("cloud-ops", "Cloud Operations", "Course", ["Networking", "Security", "Automation"]),
]


def badges(count: int, key: Ed25519Key, seed: int = 2026) -> list[dict]:
    """``count`` unsigned OB 3.0 credentials for distinct learners, the same for a given seed."""
    rng = random.Random(seed)
    issuer = Profile(id=key.did_key, name="Example University", url="https://lms.example.edu")
    out = []
    for number in range(count):
        slug, title, kind, competencies = rng.choice(_COURSES)
        base = f"https://lms.example.edu/microcreds/achievements/{slug}"
        descriptions = [
            ResultDescription(
                id=f"{base}#score",
                name="Final score",
                result_type="Percent",
                required_value=str(rng.choice([60, 70, 80])),
                value_min="0",
                value_max="100",
            )
        ]
        descriptions += [
            ResultDescription(id=f"{base}#c{i}", name=name, result_type="Status")
            for i, name in enumerate(competencies)
        ]
        achievement = Achievement(
            id=base,
            name=f"{title} Micro-credential",
            description=f"Awarded for {title.lower()} in a DemoX course.",
            criteria_narrative=f"Pass the course with at least **{rng.randint(60, 90)}%**.",
            achievement_type=kind,
            alignments=[
                Alignment(
                    target_name=name,
                    target_url=f"https://frameworks.example.org/competencies/{i}-{slug}",
                    target_code=f"C-{i}",
                    target_framework="Example Skills Framework",
                    target_type="ceasn:Competency",
                )
                for i, name in enumerate(competencies)
            ],
            result_descriptions=descriptions,
        )
        learner = f"learner{number}@example.edu"
        if rng.random() < 0.3:
            recipient = Recipient(did=f"did:example:learner-{uuid.UUID(int=rng.getrandbits(128))}")
        else:
            recipient = Recipient(
                identity=IdentityObject.hashed_email(learner, f"{rng.getrandbits(64):016x}")
            )
        valid_from = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 500_000))
        results = [Result(result_description=f"{base}#score", value=str(rng.randint(60, 100)))]
        results += [
            Result(result_description=f"{base}#c{i}", status="Completed")
            for i in range(len(competencies))
        ]
        evidence = [
            Evidence(
                id=f"https://lms.example.edu/courses/course-v1:DemoX+{slug}+{number}/{i}",
                name=f"Graded assignment {i + 1}",
                narrative=f"Scored {rng.randint(50, 100)}% on {valid_from:%Y-%m-%d}.",
            )
            for i in range(rng.randint(0, 2))
        ]
        credential = OpenBadgeCredential(
            id=f"urn:uuid:{uuid.UUID(int=rng.getrandbits(128))}",
            issuer=issuer,
            achievement=achievement,
            recipient=recipient,
            valid_from=valid_from,
            valid_until=valid_from + timedelta(days=730) if rng.random() < 0.5 else None,
            awarded_date=valid_from if rng.random() < 0.5 else None,
            results=results,
            evidence=evidence,
            include_schema=rng.random() < 0.5,
        )
        out.append(credential.to_json())
    return out


# ---------------------------------------------------------------- the peer


class NodePeer:
    """The long-lived Node process of bench_rounds.mjs."""

    def __init__(self, key: Ed25519Key):
        node = ensure_harness()
        self.process = subprocess.Popen(
            [node, str(NODE_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT / "tests" / "interop",
        )
        self.version = self.ask(
            op="setup",
            secretKeyMultibase=key.secret_multibase,
            publicKeyMultibase=key.public_multibase,
        )["node"]

    def ask(self, **request) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        if "error" in answer:
            raise RuntimeError(f"Node peer failed: {answer['error']}")
        return answer

    def close(self) -> None:
        self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
        self.process.stdin.close()
        self.process.wait(timeout=30)


# ---------------------------------------------------------------- rounds


def run(iterations: int = 200, rounds: int = ROUNDS) -> dict:
    """Time ``iterations`` distinct badges per round, ``rounds`` rounds, both suites."""
    key = Ed25519Key.from_secret_multibase(TEST_SECRET)
    unsigned = badges(iterations, key)
    nquads = [len(rdfc(document).splitlines()) for document in unsigned]
    peer = NodePeer(key)
    rows = []
    try:
        for suite in SUITES:
            rows.append(_suite_rounds(suite, unsigned, key, peer, rounds))
    finally:
        peer.close()
    return {
        "badges": iterations,
        "rounds": rounds,
        "nquads": [min(nquads), max(nquads)],
        "node": peer.version,
        "suites": rows,
        "cold": cold_row(unsigned[0], key),
    }


def _suite_rounds(suite: str, unsigned: list, key: Ed25519Key, peer: NodePeer, rounds: int):
    samples: dict[str, list[float]] = {"ours_sign": [], "node_sign": [], "ours_verify": []}
    samples["node_verify"] = []
    signed: list[dict] = []

    def ours_sign() -> list[float]:
        nonlocal signed
        times, signed = [], []
        for document in unsigned:
            result, ms = timed_ms(
                lambda d=document: sign(d, key, cryptosuite=suite, created=CREATED)
            )
            signed.append(result)
            times.append(ms)
        return times

    def ours_verify() -> list[float]:
        times = []
        for document in signed:
            report, ms = timed_ms(lambda d=document: verify_credential(d, now=NOW))
            if not report.ok:
                raise RuntimeError(f"we did not verify our own {suite} credential: {report}")
            times.append(ms)
        return times

    def node_sign(check: bool = False) -> list[float]:
        answer = peer.ask(
            op="sign", cryptosuite=suite, created=CREATED, credentials=unsigned, returnSigned=check
        )
        if check and answer["signed"] != signed:
            raise RuntimeError(f"Node's {suite} credentials differ from ours")
        return answer["ms"]

    def node_verify() -> list[float]:
        answer = peer.ask(op="verify", now=NOW.isoformat(), credentials=signed)
        if answer["verified"] != len(signed):
            raise RuntimeError(f"Node did not verify our {suite} credentials: {answer['errors']}")
        return answer["ms"]

    # A warm-up round for each side (JIT, imports, compiled contexts), not recorded; then the
    # check that both sides sign identically.
    ours_sign(), ours_verify(), node_sign(), node_verify()
    node_sign(check=True)
    for number in range(rounds):
        order = ("ours", "node") if number % 2 == 0 else ("node", "ours")
        for side in order:
            if side == "ours":
                samples["ours_sign"] += ours_sign()
                samples["ours_verify"] += ours_verify()
            else:
                samples["node_sign"] += node_sign()
                samples["node_verify"] += node_verify()
    return {"suite": suite, **{name: spread(values) for name, values in samples.items()}}


# ---------------------------------------------------------------- cold


def cold_row(document: dict, key: Ed25519Key, samples: int = COLD_SAMPLES) -> dict:
    """The first sign and the first verify of fresh processes (rdfc), each side."""
    suite = "eddsa-rdfc-2022"
    signed = sign(document, key, cryptosuite=suite, created=CREATED)
    request = {
        "cryptosuite": suite,
        "created": CREATED,
        "now": NOW.isoformat(),
        "secretKeyMultibase": key.secret_multibase,
        "publicKeyMultibase": key.public_multibase,
    }
    node = ensure_harness()
    row = {}
    for op, credential in (("sign", document), ("verify", signed)):
        payload = json.dumps({**request, "credential": credential})
        ours = [_fresh([sys.executable, "-m", "benchmarks.core", "--cold", op], payload)]
        theirs = [_fresh([node, str(NODE_SCRIPT), "--cold", op], payload)]
        for _ in range(samples - 1):
            ours.append(_fresh([sys.executable, "-m", "benchmarks.core", "--cold", op], payload))
            theirs.append(_fresh([node, str(NODE_SCRIPT), "--cold", op], payload))
        row[f"ours_{op}"], row[f"node_{op}"] = spread(ours), spread(theirs)
    return row


def _fresh(command: list[str], payload: str) -> float:
    result = subprocess.run(
        command,
        input=payload,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {result.stderr[-2000:]}")
    return json.loads(result.stdout)["ms"]


def _cold_main(op: str) -> None:
    """In a fresh process: time the first sign or verify after the imports above."""
    request = json.load(sys.stdin)
    _, ms = timed_ms(lambda: _first(op, request))
    print(json.dumps({"ms": ms}))


def _first(op: str, request: dict) -> None:
    if op == "sign":
        key = Ed25519Key.from_secret_multibase(request["secretKeyMultibase"])
        sign(request["credential"], key, cryptosuite=request["cryptosuite"], created=CREATED)
    elif not verify_credential(request["credential"], now=NOW).ok:
        raise RuntimeError("cold verify failed")


# ---------------------------------------------------------------- report


def report(result: dict) -> str:
    low, high = result["nquads"]
    lines = [
        f"Signing core: {result['badges']} distinct learners' OB 3.0 badges ({low}-{high} "
        f"N-Quads), {result['rounds']} alternating rounds, ms per operation: median "
        f"[p10-p90]; Node {result['node']} @digitalbazaar",
        f"{'suite':<17}{'op':<8}{'ours':>22}{'node':>22}{'ours/node':>11}",
    ]
    rows = [(row["suite"], row) for row in result["suites"]] + [("cold (rdfc)", result["cold"])]
    for label, row in rows:
        for op in ("sign", "verify"):
            ours, node = row[f"ours_{op}"], row[f"node_{op}"]
            lines.append(
                f"{label:<17}{op:<8}{_cell(ours):>22}{_cell(node):>22}"
                f"{ours['median'] / node['median']:>10.2f}x"
            )
    return "\n".join(lines)


def _cell(stats: dict) -> str:
    return f"{stats['median']:.3f} [{stats['p10']:.2f}-{stats['p90']:.2f}]"


if __name__ == "__main__":
    if sys.argv[1:2] == ["--cold"]:
        _cold_main(sys.argv[2])
    else:
        print(report(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200)))
