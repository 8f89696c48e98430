import pytest

from openedx_microcreds.credentials import (
    Ed25519Key,
    Ed25519PublicMultikey,
    KeyFormatError,
    did_key_document,
    did_web_document,
    did_web_from_url,
)
from openedx_microcreds.credentials.keys import did_web_document_url
from openedx_microcreds.credentials.multibase import b58decode, b58encode

from .conftest import load_vector


def test_vector_key_pair_round_trips():
    pair = load_vector("keyPair.json")
    key = Ed25519Key.from_secret_multibase(pair["privateKeyMultibase"])
    assert key.public_multibase == pair["publicKeyMultibase"]
    assert key.secret_multibase == pair["privateKeyMultibase"]
    assert key.did_key == "did:key:" + pair["publicKeyMultibase"]
    assert key.verification_method_id == f"{key.did_key}#{pair['publicKeyMultibase']}"


def test_seed_gives_deterministic_key_and_generate_gives_fresh_ones():
    seed = bytes(range(32))
    assert (
        Ed25519Key.from_seed(seed).public_multibase == Ed25519Key.from_seed(seed).public_multibase
    )
    assert Ed25519Key.generate().public_multibase != Ed25519Key.generate().public_multibase
    assert Ed25519Key.generate().public_multibase.startswith("z6Mk")


def test_secret_never_in_repr():
    key = Ed25519Key.generate()
    assert key.secret_multibase not in repr(key)
    assert key.secret_multibase not in str(key)


def test_sign_and_verify_raw():
    key = Ed25519Key.generate()
    signature = key.sign(b"message")
    assert key.public.verify(signature, b"message")
    assert not key.public.verify(signature, b"other message")


@pytest.mark.parametrize(
    "text, message",
    [
        ("6Mkabc", "starting with 'z'"),
        ("z0OIl", "invalid base58btc character '0'"),
        ("z" + b58encode(b"\x12\x34" + bytes(32)), "expected multicodec prefix 0xed01"),
        ("z" + b58encode(b"\xed\x01" + bytes(31)), "got 33 bytes"),
    ],
)
def test_bad_public_keys_are_explained(text, message):
    with pytest.raises(KeyFormatError, match=message):
        Ed25519PublicMultikey.from_multibase(text)


def test_public_key_is_not_a_secret_key():
    key = Ed25519Key.generate()
    with pytest.raises(KeyFormatError, match="0x8026"):
        Ed25519Key.from_secret_multibase(key.public_multibase)


def test_seed_length_checked():
    with pytest.raises(KeyFormatError, match="32 bytes"):
        Ed25519Key.from_seed(b"short")


def test_base58_keeps_leading_zeros():
    data = b"\0\0\x01\x02"
    assert b58decode(b58encode(data)) == data
    assert b58encode(b"") == ""


def test_did_key_document_lists_the_key_for_assertion():
    key = Ed25519Key.generate()
    document = did_key_document(key.public)
    assert document["id"] == key.did_key
    assert document["assertionMethod"] == [key.verification_method_id]
    method = document["verificationMethod"][0]
    assert method["type"] == "Multikey"
    assert method["controller"] == key.did_key
    assert method["publicKeyMultibase"] == key.public_multibase


def test_did_web_from_url_and_back():
    did = did_web_from_url("https://lms.example.com/microcreds/issuer")
    assert did == "did:web:lms.example.com:microcreds:issuer"
    assert did_web_document_url(did) == "https://lms.example.com/microcreds/issuer/did.json"
    assert did_web_from_url("https://lms.example.com:8443/") == "did:web:lms.example.com%3A8443"
    assert did_web_document_url("did:web:lms.example.com%3A8443") == (
        "https://lms.example.com:8443/.well-known/did.json"
    )
    with pytest.raises(KeyFormatError, match="https"):
        did_web_from_url("http://lms.example.com/x")


def test_did_web_document_lists_every_key_for_rotation():
    old, new = Ed25519Key.generate(), Ed25519Key.generate()
    did = "did:web:lms.example.com:microcreds:issuer"
    document = did_web_document(did, [("key-1", old.public), ("key-2", new.public)])
    assert document["assertionMethod"] == [f"{did}#key-1", f"{did}#key-2"]
    keys = [m["publicKeyMultibase"] for m in document["verificationMethod"]]
    assert keys == [old.public_multibase, new.public_multibase]
    assert all(m["controller"] == did for m in document["verificationMethod"])
