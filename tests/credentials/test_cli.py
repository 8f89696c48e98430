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


def deep_credential(depth: int) -> str:
    """The sample credential with a criteria ``depth`` objects deep (written as text: the json
    module itself cannot write that deep)."""
    document = sample_credential()
    document["credentialSubject"]["achievement"]["criteria"] = "CRITERIA"
    nested = '{"narrative": "level", "description": ' * depth + '"bottom"' + "}" * depth
    return json.dumps(document).replace('"CRITERIA"', nested)


def assert_one_line_exit_two(result, message):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("depth", [500, 20_000])
def test_verify_and_sign_refuse_deeply_nested_json_in_one_line(tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_text(deep_credential(depth))
    assert_one_line_exit_two(run("verify", str(path)), "levels deep; at most 100 allowed")
    assert_one_line_exit_two(
        run("sign", "--key", TEST_SECRET, "-", stdin=path.read_text()), "levels deep"
    )


def test_verify_refuses_a_binary_file_in_one_line(tmp_path):
    path = tmp_path / "badge.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert_one_line_exit_two(run("verify", str(path)), "is not UTF-8 text")


def test_verify_refuses_an_oversized_file_before_parsing(tmp_path):
    from openedx_microcreds.credentials.json_input import MAX_JSON_BYTES

    path = tmp_path / "huge.json"
    path.write_bytes(b" " * (MAX_JSON_BYTES + 1) + b"{}")
    assert_one_line_exit_two(run("verify", str(path)), "is larger than")


def test_verify_refuses_bad_supplied_documents_in_one_line(tmp_path):
    signed = tmp_path / "signed.json"
    signed.write_text(json.dumps(sign(sample_credential(), sample_key())))
    binary = tmp_path / "did.json"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    result = run("verify", "--did-document", f"did:web:x={binary}", str(signed))
    assert_one_line_exit_two(result, "is not UTF-8 text")
    deep = tmp_path / "status.json"
    deep.write_text("[" * 1000 + "]" * 1000)
    result = run("verify", "--status-list", f"{STATUS_LIST_URL}={deep}", str(signed))
    assert_one_line_exit_two(result, "nested 1000 levels deep")


def test_verify_reports_a_status_list_gzip_bomb_as_a_failed_check(tmp_path):
    import gzip

    from openedx_microcreds.credentials.multibase import multibase_b64url_encode

    key = sample_key()
    status = status_list_credential(
        list_url=STATUS_LIST_URL,
        issuer=key.did_key,
        bits=StatusBits(),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    member = gzip.compress(bytes(16 * 1024 * 1024), compresslevel=9)
    status["credentialSubject"]["encodedList"] = multibase_b64url_encode(member * 64)  # 1 GiB
    (tmp_path / "status.json").write_text(json.dumps(sign(status, key)))
    (tmp_path / "badge.json").write_text(json.dumps(sign(sample_credential(status_index=3), key)))
    result = run(
        "verify",
        "--status-list",
        f"{STATUS_LIST_URL}={tmp_path / 'status.json'}",
        str(tmp_path / "badge.json"),
    )
    assert result.returncode == 1, result.stderr
    assert "FAIL  status" in result.stdout and "decompresses to more than" in result.stdout
