"""The fast JSON-LD path equals plain pyld: expansion (output and dropped terms), the RDF
dataset's canonical N-Quads, and when it steps aside it says so instead of guessing.

Hypothesis draws a few hundred Open Badges 3.0 documents and single-value changes of them
(tests/credentials/strategies.py); each is expanded and canonicalized by the fast path and by
plain pyld with a fresh context resolver (tests/credentials/reference.py), and the answers,
failures included, must be the same. Examples are derandomized, so CI sees the same documents.
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openedx_microcreds.credentials import linked_data
from openedx_microcreds.credentials.linked_data import expansion as fast
from openedx_microcreds.credentials.linked_data.contexts import Unsupported
from openedx_microcreds.credentials.linked_data.rdf import quads
from openedx_microcreds.credentials.linked_data.rdfc import canonical_nquads as rdfc_quads
from openedx_microcreds.credentials.loader import (
    DATA_INTEGRITY_V2,
    ED25519_2020,
    OB_EXTENSIONS,
    OB_V3,
    VC_V1,
    VC_V2,
    default_loader,
    make_loader,
)

from .conftest import load_vector
from .reference import outcome, pyld_expand, pyld_nquads
from .sample import endorsed_credential, sample_credential
from .strategies import (
    TYPED_VALUES,
    document_at_site,
    documents,
    single_value_changes,
    typed_term_sites,
    typed_values,
)

EXAMPLES = 400


def fast_expansion(document):
    try:
        return fast.expand(copy.deepcopy(document))
    except Unsupported:
        return None


def check_against_pyld(document) -> bool:
    """Assert the fast path's answers equal pyld's; True when the fast path expanded it."""
    mine = fast_expansion(document)
    reference = outcome(lambda: pyld_expand(document, base=None))
    if mine is not None:
        assert (mine.expanded, mine.dropped) == reference, json.dumps(document)
        # pyld's expansion with the document base, as it canonicalizes
        with_base = outcome(lambda: pyld_expand(document, base=""))
        if not mine.base_dependent:
            assert with_base != "failed" and mine.expanded == with_base[0]
        based = outcome(lambda: fast.expand(copy.deepcopy(document), base=""))
        if based != "failed":
            assert (based.expanded, based.dropped) == with_base, json.dumps(document)
    assert outcome(lambda: linked_data.canonical_nquads(document, default_loader)) == outcome(
        lambda: pyld_nquads(document)
    ), json.dumps(document)
    return mine is not None


@dataclass
class Run:
    documents: set = field(default_factory=set)
    fast: int = 0


@functools.cache
def run() -> Run:
    counts = Run()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(pair=single_value_changes())
    def compare(pair):
        for document in pair:
            key = json.dumps(document, sort_keys=True)
            if key in counts.documents:
                continue
            counts.documents.add(key)
            counts.fast += check_against_pyld(document)

    compare()
    return counts


def test_random_documents_and_single_value_changes_expand_and_canonicalize_as_pyld():
    counts = run()
    print(f"{len(counts.documents)} distinct documents, {counts.fast} on the fast path")
    assert len(counts.documents) >= EXAMPLES


def test_the_fast_path_is_not_vacuous():
    counts = run()
    assert counts.fast >= len(counts.documents) // 2, (counts.fast, len(counts.documents))


CONTEXT_LISTS = [
    [VC_V2, OB_V3],
    [VC_V2, OB_V3, OB_EXTENSIONS],
    [VC_V2, OB_V3, ED25519_2020],
    [VC_V2, OB_V3, DATA_INTEGRITY_V2],
    [VC_V2, "https://www.w3.org/ns/credentials/examples/v2"],
    [VC_V2, "https://www.w3.org/ns/credentials/undefined-terms/v2"],
    [VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"],
    [VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context.json"],
    [VC_V2, OB_V3, {"ex": "https://example.org/vocab#"}],
    [VC_V2, OB_V3, "https://example.org/not-shipped"],
    VC_V2,
]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=documents(), contexts=st.sampled_from(CONTEXT_LISTS))
def test_other_context_lists_expand_and_canonicalize_as_pyld(document, contexts):
    document["@context"] = contexts
    check_against_pyld(document)


def test_w3c_vectors_and_our_documents_take_the_fast_path():
    unsigned = load_vector("unsigned.json")
    for document in (unsigned, sample_credential(status_index=7, include_schema=True)):
        assert fast_expansion(document) is not None
        assert check_against_pyld(document)


def test_a_status_list_credential_takes_the_fast_path():
    from openedx_microcreds.credentials import StatusBits, status_list_credential
    from openedx_microcreds.credentials.dates import parse_datetime

    document = status_list_credential(
        list_url="https://lms.example.edu/microcreds/status/1",
        issuer="did:example:issuer",
        bits=StatusBits(),
        valid_from=parse_datetime("2026-01-01T00:00:00Z", ""),
    )
    assert check_against_pyld(document)


def test_embedded_credentials_take_the_fast_path():
    for purpose in ("assertionMethod", "madeUpPurpose", "ex:purpose", "authentication"):
        document = endorsed_credential(purpose)
        assert fast_expansion(document) is not None
        assert check_against_pyld(document)


def test_inline_contexts_go_to_pyld():
    inline = sample_credential()
    inline["@context"] = [*inline["@context"], {"colour": "https://example.org/colour"}]
    inline["colour"] = "red"
    assert fast_expansion(inline) is None
    assert not check_against_pyld(inline)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    contexts=st.sampled_from([[VC_V2, OB_V3], [VC_V2, OB_V3, ED25519_2020], [VC_V2]]),
    suite=st.sampled_from(["eddsa-rdfc-2022", "Ed25519Signature2020"]),
    purpose=typed_values,
    vm=typed_values,
    created=st.sampled_from(["2026-01-15T12:00:00Z", "2026-01-15T12:00:00.5+02:00", "x y"]),
)
def test_proof_configurations_expand_and_canonicalize_as_pyld(
    contexts, suite, purpose, vm, created
):
    config = {"@context": contexts, "type": "DataIntegrityProof", "cryptosuite": suite}
    if suite == "Ed25519Signature2020":
        config = {"@context": [*contexts, ED25519_2020], "type": suite}
    config.update({"created": created, "verificationMethod": vm, "proofPurpose": purpose})
    check_against_pyld(config)


def test_our_proof_configurations_take_the_fast_path():
    for contexts, proof_type in (
        ([VC_V2, OB_V3], "DataIntegrityProof"),
        ([VC_V2, OB_V3, ED25519_2020], "Ed25519Signature2020"),
    ):
        config = {
            "@context": contexts,
            "type": proof_type,
            "created": "2026-01-15T12:00:00Z",
            "verificationMethod": "did:key:z6MkTest#z6MkTest",
            "proofPurpose": "assertionMethod",
        }
        if proof_type == "DataIntegrityProof":
            config["cryptosuite"] = "eddsa-rdfc-2022"
        assert check_against_pyld(config)


def test_blank_nodes_that_only_the_n_degree_algorithm_orders_go_to_pyld():
    document = sample_credential()
    achievement = document["credentialSubject"]["achievement"]
    achievement["alignment"] = [achievement["alignment"][0], dict(achievement["alignment"][0])]
    expansion = fast.expand(document)
    with pytest.raises(Unsupported):
        rdfc_quads(quads(expansion.expanded))
    assert check_against_pyld(document)


def test_values_pyld_writes_its_own_way_are_canonicalized_alike():
    document = sample_credential()
    achievement = document["credentialSubject"]["achievement"]
    # Integer-valued floats, doubles, huge integers, booleans, strings coerced to doubles, and
    # values pyld's node map counts as one (1 and 1.0) or two ("1" and 1).
    achievement["creditsAvailable"] = [1, 1.0, 2.5, 10**21, True, "1", "x", 1e-7]
    achievement["tag"] = ["a\tb", 'q"\\', "line\nbreak", "\r"]
    achievement["version"] = [0.1, 5.0, -0.0, 123456789012345678901234567890]
    assert check_against_pyld(document)


def _set(path, value):
    def change(document):
        node = document
        for step in path[:-1]:
            node = node[step]
        node[path[-1]] = value
        return document

    return change


CRAFTED = {
    # a blank node that is its own object: pyld counts such a quad twice for that node
    "self-loop": _set(
        ("credentialSubject", "achievement", "criteria", "name"),
        {"id": "_:loop", "name": {"id": "_:loop"}},
    ),
    "shared-blank-node": _set(
        ("credentialSubject", "achievement", "creator"), {"id": "_:x", "name": "A"}
    ),
    "shared-blank-node-again": lambda d: _set(("evidence", 0, "id"), "_:x")(
        _set(("credentialSubject", "achievement", "creator"), {"id": "_:x"})(d)
    ),
    "merged-iri-node": _set(
        ("credentialSubject", "achievement", "creator"),
        {"id": "did:key:z6MkTest", "name": "Other name", "url": "https://example.org"},
    ),
    "iri-node-referring-to-itself": _set(
        ("evidence", 0, "id"), "https://lms.example.edu/microcreds/achievements/data-analyst"
    ),
    "list-container": _set(
        ("credentialSubject", "achievement", "resultDescription", 0, "allowedValue"),
        ["a", ["b", "c"], {"id": "https://example.org/v"}, 1.5, []],
    ),
    "empty-list": _set(
        ("credentialSubject", "achievement", "resultDescription", 0, "allowedValue"), []
    ),
    "relative-list-item": _set(
        ("credentialSubject", "achievement", "resultDescription", 0, "allowedValue"),
        [{"id": "relative"}],
    ),
    "type-that-is-a-scoped-term": _set(
        ("credentialSubject", "type"), ["AchievementSubject", "achievement"]
    ),
    "blank-node-type": _set(("credentialSubject", "type"), ["AchievementSubject", "_:t"]),
    "blank-node-property": _set(("credentialSubject", "_:p"), {"name": "x"}),
    "relative-id": _set(("credentialSubject", "achievement", "id"), "achievements/1"),
    "keyword-id": _set(("credentialSubject", "achievement", "id"), "@type"),
    "null-values": _set(("credentialSubject", "achievement", "name"), [None, "x", None]),
    "nested-graph": _set(("credentialSubject", "proof"), {"type": "DataIntegrityProof"}),
    "repeated-references": _set(
        ("credentialSubject", "achievement", "image"),
        ["https://example.org/a.png", "https://example.org/a.png", {"id": "_:i"}, {"id": "_:i"}],
    ),
    "repeated-embedded-nodes": _set(
        ("evidence",),
        [{"id": "https://example.org/e", "type": "Evidence", "name": "E"}] * 2,
    ),
    # OB 3.0.1 defines the xsd prefix: "xsd:a b" expands to an IRI with a space, which is
    # not relative (no base applies) and not absolute either, so pyld writes no triple of it.
    "prefixed-id-with-a-space": lambda d: _set(
        ("credentialSubject", "achievement", "id"), "xsd:a b"
    )(
        _set(("@context",), [VC_V1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"])(
            d
        )
    ),
}


@pytest.mark.parametrize("name", CRAFTED)
def test_crafted_documents_agree_with_pyld(name):
    check_against_pyld(CRAFTED[name](sample_credential()))


def test_a_custom_loader_goes_to_pyld_and_agrees():
    document = sample_credential()
    loader = make_loader()
    assert linked_data.canonical_nquads(document, loader) == pyld_nquads(document, loader)

    def plain_loader(url, options=None):
        return default_loader(url, options)

    expansion = linked_data.expand(document, plain_loader)
    assert expansion.base_dependent  # (pyld's, so not reused for canonicalization)
    assert linked_data.canonical_nquads(document, plain_loader) == pyld_nquads(document)


def test_past_the_bound_contexts_are_computed_each_time_not_kept(monkeypatch):
    from openedx_microcreds.credentials.linked_data import contexts

    monkeypatch.setattr(contexts, "_MAX_CONTEXTS", contexts._count[0])
    document = sample_credential()
    document["@context"] = [VC_V2, OB_V3, DATA_INTEGRITY_V2, OB_EXTENSIONS, ED25519_2020]
    before = contexts._count[0]
    for _ in range(2):
        assert check_against_pyld(document)
    assert contexts._count[0] == before
    assert tuple(document["@context"]) not in contexts._roots


def test_a_presentation_with_an_embedded_credential_takes_the_fast_path():
    # verifiableCredential resets the context (a null property-scoped context) before the
    # embedded credential's own @context applies.
    from openedx_microcreds.credentials import sign

    from .sample import sample_key

    presentation = {
        "@context": [VC_V2, ED25519_2020],
        "type": ["VerifiablePresentation"],
        "holder": sample_key().did_key,
        "verifiableCredential": [sign(sample_credential(), sample_key())],
    }
    assert fast_expansion(presentation) is not None
    assert check_against_pyld(presentation)


@pytest.mark.parametrize("url, scope, term", typed_term_sites())
def test_every_typed_term_of_every_shipped_context_expands_as_pyld(url, scope, term):
    for value in TYPED_VALUES:
        check_against_pyld(document_at_site(url, scope, term, value))
