"""Wherever Digital Bazaar's verifier rejects a document, strict mode refuses to sign it, and our
verifier does not call it verified: in this process after anything checked before, and in a
process that has checked nothing (issue 7 point 1).

Random documents and single-value changes of them (tests/credentials/strategies.py, weighted
toward terms typed ``@id`` or ``@vocab``, endorsements with proofs included) are signed without
strict mode, with eddsa-rdfc-2022 and eddsa-jcs-2022, and verified by @digitalbazaar/vc in one
Node run. Every one Node rejects must be refused by strict mode, warm and cold.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings

from openedx_microcreds.credentials import StrictModeError, sign, verify_credential
from tests.credentials.cold_verdicts import cold_verdicts
from tests.credentials.sample import endorsed_credential, sample_key
from tests.credentials.strategies import single_value_changes
from tests.interop.node import run_node
from tests.interop.test_properties_interop import _iso, empty_validity_period, verification_time

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")
KEY = sample_key()
CREATED = "2026-01-01T00:00:00Z"
PAIRS = 150


@dataclass
class Entry:
    document: dict
    suite: str
    signed: dict
    strict_refused: bool  # strict mode's verdict, in this process, in document order
    we_verified: bool  # our verifier's verdict, likewise
    node_verified: bool = False
    node_errors: list | None = None


@dataclass
class Run:
    entries: list[Entry]

    @property
    def rejected(self) -> list[Entry]:
        return [entry for entry in self.entries if not entry.node_verified]


def _documents() -> list[dict]:
    drawn: dict[str, dict] = {}

    @settings(
        max_examples=PAIRS,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(pair=single_value_changes())
    def collect(pair):
        for document in pair:
            drawn.setdefault(json.dumps(document, sort_keys=True), document)

    collect()
    for purpose in ("assertionMethod", "madeUpPurpose"):  # the issue's own pair
        document = endorsed_credential(purpose)
        drawn.setdefault(json.dumps(document, sort_keys=True), document)
    return list(drawn.values())


@functools.cache
def run() -> Run:
    """Each document (each one right after the one it was changed from) checked by strict mode
    and signed anyway, then verified by us and, all in one batch, by Node."""
    entries = []
    for document in _documents():
        for suite in SUITES:
            try:
                sign(document, KEY, cryptosuite=suite, created=CREATED)
                refused = False
            except StrictModeError:
                refused = True
            try:
                credential = sign(document, KEY, cryptosuite=suite, created=CREATED, strict=False)
            except Exception:  # noqa: S112 - nothing signed, nothing for Node to reject
                continue
            if empty_validity_period(credential):
                continue  # no instant lies inside it for us; Node allows clock skew
            ours = verify_credential(credential, now=verification_time(credential)).ok
            entries.append(Entry(document, suite, credential, refused, ours))
    result = run_node(
        "verify_batch.mjs",
        {
            "credentials": [entry.signed for entry in entries],
            "now": [_iso(verification_time(entry.signed)) for entry in entries],
        },
        timeout=300,
    )
    for entry, outcome in zip(entries, result["results"], strict=True):
        entry.node_verified, entry.node_errors = outcome["verified"], outcome["errors"]
    return Run(entries)


def test_node_rejects_some_and_accepts_some():
    outcome = run()
    print(f"{len(outcome.entries)} signed without strict mode, {len(outcome.rejected)} rejected")
    assert 0 < len(outcome.rejected) < len(outcome.entries)
    madeup = endorsed_credential("madeUpPurpose")
    assert any(entry.document == madeup for entry in outcome.rejected)


def test_strict_mode_refuses_every_document_node_rejects():
    signed_anyway = [entry for entry in run().rejected if not entry.strict_refused]
    assert not signed_anyway, "\n\n".join(
        f"{e.suite}: Node says {e.node_errors}\n{json.dumps(e.document)}" for e in signed_anyway[:5]
    )


def test_our_verifier_never_verifies_what_node_rejects():
    verified = [entry for entry in run().rejected if entry.we_verified]
    assert not verified, "\n\n".join(
        f"{e.suite}: Node says {e.node_errors}\n{json.dumps(e.signed)}" for e in verified[:5]
    )


@pytest.mark.parametrize("suite", SUITES)
def test_strict_mode_refuses_them_in_a_fresh_process_too(suite):
    documents = [entry.document for entry in run().rejected if entry.suite == suite]
    verdicts = cold_verdicts(documents, suite)
    # A verdict's "sign" is the proofValue when strict mode signed, its problems when it refused.
    signed = [
        document
        for document, verdict in zip(documents, verdicts, strict=True)
        if isinstance(verdict["sign"], str) and verdict["sign"].startswith("z")
    ]
    assert documents and not signed, json.dumps(signed[:1])
