"""Strict mode's verdict is a function of the document alone (issue 7 point 1).

Strict mode used to remember "clean" verdicts by document shape; a value's meaning depends on
the context (an ``@vocab``- or ``@id``-typed term), so a document checked after a clean one of the
same shape was signed and verified although safe-mode verifiers reject it.

The property: for random documents and single-value changes of them (tests/credentials/
strategies.py, weighted toward terms typed ``@id`` or ``@vocab``), what sign and verify_credential
say in this process, after everything checked before, equals what they say in a process that has
checked nothing (tests/credentials/cold_verdicts.py).
"""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from openedx_microcreds.credentials import StrictModeError, sign, verify_credential

from .cold_verdicts import cold_verdicts, verdict
from .sample import endorsed_credential, sample_key
from .strategies import TYPED_VALUES, document_at_site, single_value_changes, typed_term_sites

NOW = datetime(2026, 6, 1, tzinfo=UTC)
REPO = Path(__file__).resolve().parents[2]
PURPOSE_PATH = "$.credentialSubject.achievement.endorsement[0].proof.proofPurpose"


def verdicts(document: dict) -> dict:
    """What sign and verify_credential say about ``document``, as plain data."""
    try:
        sign(document, sample_key())
        signed = "signed"
    except StrictModeError as refused:
        signed = [path for path, _ in refused.problems]
    unchecked = sign(document, sample_key(), strict=False)
    report = verify_credential(unchecked, now=NOW)
    return {"sign": signed, "verified": report.ok}


def fresh_process_verdicts(document: dict) -> dict:
    """The same, in a fresh interpreter: nothing checked before."""
    script = (
        "import json, sys\n"
        "from tests.credentials.test_history import verdicts\n"
        "print(json.dumps(verdicts(json.load(sys.stdin))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(document),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_good_endorsement_signs_and_verifies():
    assert verdicts(endorsed_credential("assertionMethod")) == {"sign": "signed", "verified": True}


def test_made_up_proof_purpose_is_refused_cold():
    assert fresh_process_verdicts(endorsed_credential("madeUpPurpose")) == {
        "sign": [PURPOSE_PATH],
        "verified": False,
    }


@pytest.mark.parametrize("rounds", [1, 3])
def test_made_up_proof_purpose_is_refused_after_a_good_one(rounds):
    for _ in range(rounds):
        verdicts(endorsed_credential("assertionMethod"))
    assert verdicts(endorsed_credential("madeUpPurpose")) == {
        "sign": [PURPOSE_PATH],
        "verified": False,
    }


PAIRS = 120


def draw_pairs() -> list[tuple[dict, dict]]:
    pairs = []

    @settings(
        max_examples=PAIRS,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(pair=single_value_changes())
    def collect(pair):
        pairs.append(pair)

    collect()
    return pairs


def test_verdicts_with_warm_caches_equal_verdicts_in_a_fresh_process():
    pairs = draw_pairs()
    documents = [document for pair in pairs for document in pair]
    # and every term a shipped context types as @id or @vocab, where it applies, with values
    # that mean different things in different places
    documents += [
        document_at_site(url, scope, term, value)
        for url, scope, term in typed_term_sites()
        for value in TYPED_VALUES[:3]  # a term of some scopes, a made-up word, a compact IRI
    ]
    # Warm: each changed document right after its original (same shape, one value apart), and
    # the whole list once more in reverse order, after everything else.
    warm = [verdict(document) for document in documents]
    again = [verdict(document) for document in reversed(documents)][::-1]
    cold = cold_verdicts(documents)
    differing = [
        (document, w, c)
        for document, w, a, c in zip(documents, warm, again, cold, strict=True)
        if not w == a == c
    ]
    refused = sum(not isinstance(v["sign"], str) or v["sign"].startswith("error") for v in cold)
    print(f"{len(documents)} documents ({len(pairs)} pairs + typed terms): {refused} refused")
    assert not differing, f"{len(differing)} differ; first: " + json.dumps(differing[0])[:5000]
    assert 0 < refused < len(documents)
