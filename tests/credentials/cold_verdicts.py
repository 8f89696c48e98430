"""Verdicts each computed in a process that has checked nothing before.

Run as a script: reads a JSON list of documents on stdin, writes their verdicts (a JSON list) on
stdout; ``--cryptosuite NAME`` signs with that suite instead of eddsa-rdfc-2022. The script
imports everything first and then forks one child per document, so each verdict comes from a
process whose caches are exactly those of a fresh interpreter, without paying an interpreter
start per document.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import UTC, datetime

from openedx_microcreds.credentials import (
    CredentialError,
    StrictModeError,
    sign,
    verify_credential,
)
from tests.credentials.sample import sample_key

NOW = datetime(2026, 6, 1, tzinfo=UTC)
CREATED = "2026-01-01T00:00:00Z"


def verdict(document: dict, cryptosuite: str = "eddsa-rdfc-2022") -> dict:
    """What sign (strict) says, and what verify_credential says of the document signed anyway."""
    key = sample_key()
    try:
        signed = sign(document, key, cryptosuite=cryptosuite, created=CREATED)
        refused = None
    except StrictModeError as error:
        signed, refused = None, [list(problem) for problem in error.problems]
    except CredentialError as error:
        signed, refused = None, f"error: {error}"
    try:
        unchecked = sign(document, key, cryptosuite=cryptosuite, created=CREATED, strict=False)
    except Exception as error:  # pyld's own failures are part of the verdict too
        report = f"unsignable: {type(error).__name__}"
    else:
        report = verify_credential(unchecked, now=NOW).to_dict()
    return {
        "sign": refused if signed is None else signed["proof"]["proofValue"],
        "verify": report,
    }


def _in_fresh_child(document: dict, cryptosuite: str) -> dict:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, report, leave without running any cleanup
        os.close(read)
        with os.fdopen(write, "w") as out:
            json.dump(verdict(document, cryptosuite), out)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as result:
        text = result.read()
    _, status = os.waitpid(pid, 0)
    if status != 0:
        raise RuntimeError(f"verdict child exited with status {status}")
    return json.loads(text)


def cold_verdicts(documents: list[dict], cryptosuite: str = "eddsa-rdfc-2022") -> list[dict]:
    """``verdict`` of each document, each in a fresh process (this module run as a script)."""
    import subprocess
    from pathlib import Path

    result = subprocess.run(
        [sys.executable, "-m", "tests.credentials.cold_verdicts", "--cryptosuite", cryptosuite],
        input=json.dumps(documents),
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=900,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"cold verdicts failed: {result.stderr[-3000:]}")
    return json.loads(result.stdout)


if __name__ == "__main__":
    suite = sys.argv[2] if sys.argv[1:2] == ["--cryptosuite"] else "eddsa-rdfc-2022"
    documents = json.load(sys.stdin)
    json.dump([_in_fresh_child(document, suite) for document in documents], sys.stdout)
