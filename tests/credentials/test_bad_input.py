"""Hostile input to the signing core gets a clear error, bounded in time and memory (issue 8.3):
GZIP bombs in status lists, documents nested hundreds of levels deep, malformed DID documents,
megabyte-long keys."""

import gzip
import json
import tracemalloc
from datetime import UTC, datetime

import pytest

from openedx_microcreds.credentials import (
    CredentialError,
    KeyFormatError,
    StatusBits,
    StatusListError,
    sign,
    status_list_credential,
    verify_credential,
)
from openedx_microcreds.credentials.json_input import (
    JsonInputError,
    check_depth,
    load_json,
    nesting_depth,
)
from openedx_microcreds.credentials.multibase import b58decode, multibase_b64url_encode
from openedx_microcreds.credentials.status_list import MAX_BITSTRING_BYTES

from .sample import STATUS_LIST_URL, sample_credential, sample_key

NOW = datetime(2026, 6, 1, tzinfo=UTC)
MIB = 1024 * 1024


def gzip_bomb(total_mib: int) -> bytes:
    """GZIP data that decompresses to ``total_mib`` MiB of zeros: 16 MiB members, repeated."""
    member = gzip.compress(bytes(16 * MIB), compresslevel=9)
    return member * (total_mib // 16)


def test_a_gigabyte_gzip_bomb_is_refused_without_inflating_it():
    encoded = multibase_b64url_encode(gzip_bomb(1024))
    assert len(encoded) < 2 * MIB  # about a megabyte on the wire
    tracemalloc.start()
    try:
        with pytest.raises(StatusListError, match="decompresses to more than 16,777,216 bytes"):
            StatusBits.decode(encoded)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_BITSTRING_BYTES  # never the gigabyte


def test_the_largest_list_accepted_decodes():
    encoded = multibase_b64url_encode(gzip.compress(bytes(MAX_BITSTRING_BYTES)))
    assert StatusBits.decode(encoded).size == MAX_BITSTRING_BYTES * 8
    one_more = multibase_b64url_encode(gzip.compress(bytes(MAX_BITSTRING_BYTES + 1)))
    with pytest.raises(StatusListError, match="more than"):
        StatusBits.decode(one_more)


def test_multi_member_truncated_and_trailing_garbage_gzip():
    half = gzip.compress(bytes(16 * 1024))
    assert StatusBits.decode(multibase_b64url_encode(half + half)).size == 2 * 16 * 1024 * 8
    with pytest.raises(StatusListError, match="ends early"):
        StatusBits.decode(multibase_b64url_encode(half[:-10]))
    with pytest.raises(StatusListError, match="not multibase base64url GZIP"):
        StatusBits.decode(multibase_b64url_encode(half + b"garbage!"))


def test_an_encoded_list_longer_than_any_accepted_list_is_refused_before_decoding():
    with pytest.raises(StatusListError, match="characters long"):
        StatusBits.decode("u" + "A" * (30 * MIB))


def test_verify_reports_a_signed_status_list_bomb_as_a_failed_status_check():
    key = sample_key()
    status = status_list_credential(
        list_url=STATUS_LIST_URL,
        issuer=key.did_key,
        bits=StatusBits(),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    status["credentialSubject"]["encodedList"] = multibase_b64url_encode(gzip_bomb(1024))
    signed_list = sign(status, key)
    credential = sign(sample_credential(status_index=3), key)
    report = verify_credential(credential, status_lists={STATUS_LIST_URL: signed_list}, now=NOW)
    [status_check] = [check for check in report.checks if check.name == "status"]
    assert status_check.status == "failed"
    assert "decompresses to more than" in status_check.detail
    assert report.revoked is None and not report.ok


def nested(depth: int) -> dict:
    value: dict = {"name": "bottom"}
    for _ in range(depth - 1):
        value = {"name": "level", "description": value}
    return value


@pytest.mark.parametrize("depth", [500, 5000])
def test_deeply_nested_credentials_are_refused_with_a_clear_error(depth):
    document = sample_credential()
    document["credentialSubject"]["achievement"]["criteria"] = nested(depth)
    with pytest.raises(JsonInputError, match="nested more than 100 levels"):
        sign(document, sample_key())
    report = verify_credential({**document, "proof": {}}, now=NOW)
    assert [(c.name, c.status) for c in report.checks] == [("document", "failed")]
    assert "nested more than 100 levels" in report.checks[0].detail


def test_credentials_as_deep_as_allowed_sign_and_verify_one_level_more_does_not():
    document = sample_credential()
    # credential > credentialSubject > achievement > criteria chain: 3 + 97 = 100 levels
    document["credentialSubject"]["achievement"]["criteria"] = nested(97)
    check_depth(document, "document")
    signed = sign(document, sample_key())
    assert verify_credential(signed, now=NOW).ok
    document["credentialSubject"]["achievement"]["criteria"] = nested(98)
    with pytest.raises(JsonInputError):
        sign(document, sample_key())


def test_deep_or_malformed_did_documents_fail_the_key_check_cleanly():
    did = "did:web:lms.example.edu"
    credential = sample_credential()
    credential["issuer"]["id"] = did
    credential = sign(credential, sample_key(), verification_method=f"{did}#key-1", strict=False)
    for document, message in [
        ({"id": did, "verificationMethod": "not a list"}, "must be a list"),
        ({"id": did, "verificationMethod": ["not an object"]}, "must list objects"),
        ({"id": did, "verificationMethod": [nested(300)]}, "nested more than 100 levels"),
        ("not an object", "is not a JSON object"),
        (
            {
                "id": did,
                "verificationMethod": [
                    {"id": "#key-1", "type": "Multikey", "publicKeyMultibase": "z" + "1" * 10**6}
                ],
                "assertionMethod": ["#key-1"],
            },
            "longer than any key or signature",
        ),
    ]:
        report = verify_credential(credential, did_documents={did: document}, now=NOW)
        [key_check] = [check for check in report.checks if check.name == "key"]
        assert key_check.status == "failed" and message in key_check.detail, key_check


def test_megabyte_long_base58_is_refused_at_once():
    with pytest.raises(KeyFormatError, match="longer than any key"):
        b58decode("z" * 10**6)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not UTF-8 text (byte 0 is 0x89)"),
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b"[" * 150 + b"]" * 150, "nested 150 levels deep; at most 100"),
        (b'{"a": "' + b"[" * 500 + b'"}', None),  # brackets inside strings do not count
        (b" " * 100 + b"{}", None),
        (b"{", "is not JSON"),
    ],
)
def test_load_json_bounds_and_messages(data, message):
    if message is None:
        assert isinstance(load_json(data, "input.json"), dict)
    else:
        with pytest.raises(JsonInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
            load_json(data, "input.json")


def test_load_json_refuses_oversized_input_before_parsing():
    with pytest.raises(JsonInputError, match="larger than 1,000 bytes"):
        load_json(b" " * 1001, "big.json", max_bytes=1000)


def test_nesting_depth_and_check_depth_agree():
    for depth in (1, 2, 50, 101):
        value = nested(depth)
        text = json.dumps(value)
        assert nesting_depth(text) == depth
        if depth > 100:
            with pytest.raises(JsonInputError):
                check_depth(value, "value")
        else:
            check_depth(value, "value")


def test_errors_are_credential_errors():
    assert issubclass(JsonInputError, CredentialError)
    assert issubclass(StatusListError, CredentialError)
