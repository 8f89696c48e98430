"""Signing core: ms per sign and verify for our rdfc and jcs, against the Node @digitalbazaar
stack timed in the same run on the same credential."""

from __future__ import annotations

from datetime import UTC, datetime

from benchmarks.timing import median_ms
from openedx_microcreds.credentials import sign, verify_credential
from openedx_microcreds.credentials.canonical import rdfc
from tests.credentials.sample import sample_credential, sample_key
from tests.interop.node import run_node

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


def run(iterations: int = 200) -> list[dict]:
    key = sample_key()
    credential = sample_credential()
    nquads = len(rdfc(credential).splitlines())
    now = datetime(2026, 6, 1, tzinfo=UTC)
    rows = []
    for suite in SUITES:
        signed = sign(credential, key, cryptosuite=suite)
        ours_sign = median_ms(
            lambda s=suite: sign(credential, key, cryptosuite=s), iterations=iterations
        )
        ours_verify = median_ms(
            lambda d=signed: verify_credential(d, now=now), iterations=iterations
        )
        assert verify_credential(signed, now=now).ok
        node = run_node(
            "benchmarks/node/bench.mjs",
            {
                "credential": credential,
                "secretKeyMultibase": key.secret_multibase,
                "publicKeyMultibase": key.public_multibase,
                "cryptosuite": suite,
                "iterations": iterations,
            },
            timeout=600,
        )
        if not node.get("verified"):
            raise RuntimeError(f"Node did not verify its own {suite} credential: {node}")
        rows.append(
            {
                "suite": suite,
                "nquads": nquads,
                "ours_sign_ms": ours_sign,
                "ours_verify_ms": ours_verify,
                "node_sign_ms": node["sign_ms"],
                "node_verify_ms": node["verify_ms"],
            }
        )
    return rows


def report(rows: list[dict]) -> str:
    lines = [
        f"Signing core: one OB 3.0 badge of {rows[0]['nquads']} N-Quads "
        "(alignment, result, evidence); median ms per operation",
        f"{'suite':<18}{'op':<8}{'ours':>9}{'node':>9}{'ours/node':>11}",
    ]
    for row in rows:
        for op in ("sign", "verify"):
            ours, node = row[f"ours_{op}_ms"], row[f"node_{op}_ms"]
            lines.append(f"{row['suite']:<18}{op:<8}{ours:>9.3f}{node:>9.3f}{ours / node:>10.2f}x")
    return "\n".join(lines)
