"""The microcreds command line, run as a real subprocess through its console script."""

import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openedx_microcreds.credentials import StatusBits, sign, status_list_credential

from .sample import STATUS_LIST_URL, TEST_SECRET, sample_credential, sample_key

SEED = "9b937b81322d816cfab9d5a3baacc9b2a5febe4b149f126b3630f93a29527017"


def run(*args, stdin=None):
    executable = shutil.which("microcreds", path=str(Path(sys.executable).parent))
    command = (
        [executable] if executable else [sys.executable, "-m", "openedx_microcreds.credentials.cli"]
    )
    return subprocess.run(
        [*command, *args], input=stdin, capture_output=True, text=True, timeout=60
    )


def test_keygen_with_seed_is_deterministic():
    first = json.loads(run("keygen", "--seed-hex", SEED).stdout)
    second = json.loads(run("keygen", "--seed-hex", SEED).stdout)
    assert first == second
    assert first["publicKeyMultibase"].startswith("z6Mk")
    assert first["secretKeyMultibase"].startswith("z3u2")
    assert first["did"] == "did:key:" + first["publicKeyMultibase"]
    assert json.loads(run("keygen").stdout)["did"] != first["did"]


def test_sign_then_verify_from_files(tmp_path):
    unsigned = tmp_path / "badge.json"
    unsigned.write_text(json.dumps(sample_credential()))
    result = run("sign", "--key", TEST_SECRET, "--created", "2026-01-15T12:00:00Z", str(unsigned))
    assert result.returncode == 0, result.stderr
    signed = json.loads(result.stdout)
    assert signed["proof"]["created"] == "2026-01-15T12:00:00Z"
    assert signed["proof"]["verificationMethod"] == sample_key().verification_method_id

    signed_file = tmp_path / "signed.json"
    signed_file.write_text(result.stdout)
    verified = run("verify", str(signed_file))
    assert verified.returncode == 0, verified.stdout
    assert "PASS  proof" in verified.stdout and verified.stdout.strip().endswith("verified")


def test_sign_jcs_and_verify_from_stdin_as_json():
    result = run(
        "sign",
        "--key",
        TEST_SECRET,
        "--cryptosuite",
        "eddsa-jcs-2022",
        "-",
        stdin=json.dumps(sample_credential()),
    )
    assert result.returncode == 0, result.stderr
    report = run("verify", "--json", "-", stdin=result.stdout)
    data = json.loads(report.stdout)
    assert data["verified"] is True
    assert report.returncode == 0


def test_verify_with_status_list_reports_revoked(tmp_path):
    key = sample_key()
    bits = StatusBits()
    bits.set(42)
    unsigned_list = status_list_credential(
        list_url=STATUS_LIST_URL,
        issuer=key.did_key,
        bits=bits,
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    status = sign(unsigned_list, key)
    (tmp_path / "status.json").write_text(json.dumps(status))
    (tmp_path / "revoked.json").write_text(
        json.dumps(sign(sample_credential(status_index=42), key))
    )
    result = run(
        "verify",
        "--json",
        "--status-list",
        f"{STATUS_LIST_URL}={tmp_path / 'status.json'}",
        str(tmp_path / "revoked.json"),
    )
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["revoked"] is True


def test_verify_tampered_exits_one():
    signed = sign(sample_credential(), sample_key())
    signed["name"] = "Forged"
    result = run("verify", "-", stdin=json.dumps(signed))
    assert result.returncode == 1
    assert "FAIL  proof" in result.stdout
    assert result.stdout.strip().endswith("NOT verified")


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["verify", "-"], "not json", "is not JSON"),
        (["sign", "--key", TEST_SECRET, "-"], "[1, 2]", "a credential must be a JSON object"),
        (["sign", "--key", "zBadKey", "-"], "{}", "not an Ed25519 secret multikey"),
        (["sign", "--key", "nope", "-"], "{}", "starting with 'z'"),
        (["verify", "/nonexistent/file.json"], None, "cannot read credential"),
        (["verify", "--status-list", "no-equals", "-"], "{}", "takes NAME=FILE"),
        (["keygen", "--seed-hex", "xyz"], None, "64 hexadecimal digits"),
        (["sign", "--key", TEST_SECRET, "-"], json.dumps({"@context": ["x"]}), "strict mode"),
    ],
)
def test_bad_input_is_one_line_and_exit_two(args, stdin, message):
    result = run(*args, stdin=stdin)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
