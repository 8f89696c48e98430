"""Lifecycle: revoke one credential and re-sign its 131,072-entry status list (target <= 50 ms),
against the @digitalbazaar stack setting a bit and signing the same list, the two alternating in
rounds within one run. Runs in a child process with the sandbox on a temporary SQLite database."""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from benchmarks.plugin import setup_django

    setup_django(sys.argv[1] if len(sys.argv) > 1 else "sqlite")
    from openedx_microcreds.models import Award
    from openedx_microcreds.revocation import revoke
    from openedx_microcreds.signing import active_signing_key, load_private_key
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform
    from tests.interop.node import run_node

    issuer = scenario.create_catalogue("https://lms.example.edu")
    count = 40
    for n in range(count):
        user = FakePlatform.add_user(f"r{n}", f"r{n}@example.edu", "R")
        scenario.grade_analyst(user, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
        scenario.send_passing_status(user, scenario.DATA_COURSE)
    awards = list(Award.objects.filter(definition__slug="data-analyst"))
    assert len(awards) == count
    size = awards[0].status_list.size
    key = load_private_key(active_signing_key(issuer))
    rounds, per_round = 4, count // 4
    samples: list[float] = []
    node_samples: list[float] = []
    for number in range(rounds):
        for award in awards[number * per_round : (number + 1) * per_round]:
            start = time.perf_counter()
            revoke(award, reason="benchmark")
            samples.append((time.perf_counter() - start) * 1000)
        node = run_node(
            "benchmarks/node/status_list_bench.mjs",
            {
                "secretKeyMultibase": key.secret_multibase,
                "publicKeyMultibase": key.public_multibase,
                "iterations": per_round,
                "length": size,
                "offset": number * per_round,
            },
            timeout=600,
        )
        node_samples.extend(node["samples"])
    ordered = sorted(samples)
    print(
        json.dumps(
            {
                "entries": size,
                "revoke_resign_median_ms": statistics.median(samples),
                "revoke_resign_p95_ms": ordered[int(0.95 * (len(ordered) - 1))],
                "node_resign_median_ms": statistics.median(node_samples),
                "revoke_resign_p10_ms": ordered[int(0.1 * (len(ordered) - 1))],
                "revoke_resign_p90_ms": ordered[int(0.9 * (len(ordered) - 1))],
                "node_resign_p10_ms": sorted(node_samples)[int(0.1 * (len(node_samples) - 1))],
                "node_resign_p90_ms": sorted(node_samples)[int(0.9 * (len(node_samples) - 1))],
                "rounds": rounds,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
