"""Strict mode's verdict is a function of the document alone (issue 7 point 1).

Strict mode used to remember "clean" verdicts by document shape; a value's meaning depends on
the context (an ``@vocab``- or ``@id``-typed term), so a document checked after a clean one of the
same shape was signed and verified although safe-mode verifiers reject it.
"""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openedx_microcreds.credentials import StrictModeError, sign, verify_credential

from .sample import endorsed_credential, sample_key

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


def cold_verdicts(document: dict) -> dict:
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
    assert cold_verdicts(endorsed_credential("madeUpPurpose")) == {
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
