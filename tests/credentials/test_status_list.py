import gzip
from datetime import UTC, datetime

import pytest

from openedx_microcreds.credentials import (
    MIN_ENTRIES,
    StatusBits,
    StatusListError,
    random_free_index,
    sign,
    status_list_credential,
)
from openedx_microcreds.credentials.multibase import multibase_b64url_decode
from openedx_microcreds.credentials.strict import find_problems

from .sample import sample_key


def test_index_zero_is_the_most_significant_bit_of_the_first_byte():
    bits = StatusBits()
    bits.set(0)
    bits.set(9)
    raw = bits.to_bytes()
    assert raw[0] == 0b1000_0000
    assert raw[1] == 0b0100_0000
    assert len(raw) == MIN_ENTRIES // 8


def test_encoding_is_multibase_base64url_gzip_and_round_trips():
    bits = StatusBits()
    for index in (0, 1, 4242, MIN_ENTRIES - 1):
        bits.set(index)
    encoded = bits.encode()
    assert encoded.startswith("u") and "=" not in encoded and "+" not in encoded
    assert gzip.decompress(multibase_b64url_decode(encoded)) == bits.to_bytes()
    decoded = StatusBits.decode(encoded)
    assert [decoded.get(i) for i in (0, 1, 2, 4242, MIN_ENTRIES - 1)] == [1, 1, 0, 1, 1]
    assert decoded.count() == 4


def test_set_reports_change_and_clears():
    bits = StatusBits()
    assert bits.set(5) is True
    assert bits.set(5) is False
    assert bits.set(5, False) is True
    assert not bits.get(5)


@pytest.mark.parametrize("index", [-1, MIN_ENTRIES, "3", True])
def test_out_of_range_indexes_are_refused(index):
    with pytest.raises(StatusListError, match="outside"):
        StatusBits().get(index)


def test_small_lists_are_refused_both_ways():
    with pytest.raises(StatusListError, match="at least 131072"):
        StatusBits(1024)
    from openedx_microcreds.credentials.multibase import multibase_b64url_encode

    small = multibase_b64url_encode(gzip.compress(bytes(16)))
    with pytest.raises(StatusListError, match="fewer than"):
        StatusBits.decode(small)
    with pytest.raises(StatusListError, match="not multibase"):
        StatusBits.decode("uNotGzip")


def test_random_free_index_avoids_used_and_reports_full():
    used = set(range(0, MIN_ENTRIES, 2))
    for _ in range(50):
        assert random_free_index(used) % 2 == 1
    almost = set(range(MIN_ENTRIES)) - {77}
    assert random_free_index(almost) == 77
    with pytest.raises(StatusListError, match="full"):
        random_free_index(set(range(MIN_ENTRIES)))


def test_status_list_credential_is_clean_and_signable():
    key = sample_key()
    document = status_list_credential(
        list_url="https://lms.example.edu/microcreds/status/1",
        issuer=key.did_key,
        bits=StatusBits(),
        valid_from=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["credentialSubject"]["type"] == "BitstringStatusList"
    assert list(find_problems(document, verification_method=key.verification_method_id)) == []
    assert sign(document, key)["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
