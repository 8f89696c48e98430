"""The canonical form of an rdfc proof configuration equals RDFC-1.0 by plain pyld, whatever the
verification method string and the contexts (issue 7 point 2: a compact IRI whose prefix a
context defines expands, so writing it verbatim gave a hash no spec-following signer computes)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedx_microcreds.credentials import verify_proof
from openedx_microcreds.credentials.canonical import canonical_proof_config
from openedx_microcreds.credentials.loader import ED25519_2020, OB_V3, VC_V2
from openedx_microcreds.credentials.multibase import b58encode

from .reference import outcome, pyld_nquads, spec_rdfc_hash
from .sample import sample_credential, sample_key

PREFIX_CONTEXT = {"ex": "https://example.org/keys#"}


def config_for(vm: str, contexts: list, created: str = "2026-01-15T12:00:00Z") -> dict:
    return {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": created,
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
        "@context": contexts,
    }


def test_compact_verification_method_is_expanded_as_rdfc_does():
    config = config_for("ex:key-1", [VC_V2, OB_V3, PREFIX_CONTEXT])
    canonical = canonical_proof_config(config)
    assert canonical == pyld_nquads(config)
    assert "<https://example.org/keys#key-1>" in canonical
    assert "<ex:key-1>" not in canonical


def test_verify_proof_accepts_a_spec_signer_proof_with_a_compact_verification_method():
    key = sample_key()
    document = sample_credential()
    document["@context"] = [*document["@context"], PREFIX_CONTEXT]
    options = config_for("ex:key-1", document["@context"])
    del options["@context"]
    signature = key.sign(spec_rdfc_hash(document, options))
    proof = {**options, "proofValue": "z" + b58encode(signature)}
    check = verify_proof({**document, "proof": proof}, proof, lambda vm: key.public)
    assert check.ok, check.reason


SHIPPED = [[VC_V2, OB_V3], [VC_V2], [VC_V2, OB_V3, ED25519_2020]]
INLINE_PREFIXES = [
    PREFIX_CONTEXT,
    {"did": "https://example.org/not-a-did/"},
    {"urn": "https://example.org/urn/", "key": "https://example.org/key/"},
    {"ex": {"@id": "https://example.org/e", "@prefix": True}},
    {"@vocab": "https://example.org/vocab#"},
]
verification_methods = st.one_of(
    st.sampled_from(
        [
            "ex:key-1",
            "did:key:z6MkTest#z6MkTest",
            "did:web:example.org#key-1",
            "urn:uuid:1234",
            "key:1",
            "https://example.org/keys/1",
            "relative/key",
            "#key-1",
            "_:b0",
            "ex:",
            "ex:a b",
            "@id",
        ]
    ),
    # Compact IRIs, most of them with a prefix one of the inline contexts defines.
    st.builds(
        "{}:{}".format,
        st.sampled_from(["ex", "ex", "did", "urn", "key", "https", "zz"]),
        st.text(alphabet="abcdefghijklmnop0123456789-_#/:.%", max_size=12),
    ),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    vm=verification_methods,
    shipped=st.sampled_from(SHIPPED),
    inline=st.sampled_from([None, *INLINE_PREFIXES]),
    created=st.sampled_from(["2026-01-15T12:00:00Z", "2026-01-15T12:00:00.5+02:00", "x y"]),
)
def test_proof_config_canonical_form_equals_pyld(vm, shipped, inline, created):
    contexts = [*shipped, inline] if inline is not None else list(shipped)
    config = config_for(vm, contexts, created)
    assert outcome(lambda: canonical_proof_config(config)) == outcome(lambda: pyld_nquads(config))
