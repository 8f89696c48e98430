"""Property tests: any single change breaks a signature; random documents either sign and verify
or are refused with a path; our fast paths equal the reference computations."""

import copy
import json
from datetime import UTC, datetime

import pytest
import rfc8785
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from openedx_microcreds.credentials import StrictModeError, sign, verify_credential
from openedx_microcreds.credentials.canonical import canonical_proof_config, jcs, rdfc
from openedx_microcreds.credentials.loader import default_loader

from .sample import sample_credential, sample_key

NOW = datetime(2026, 6, 1, tzinfo=UTC)
SUITES = ["eddsa-rdfc-2022", "eddsa-jcs-2022"]


def leaf_paths(node, path=()):
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "proof":
                yield from leaf_paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaf_paths(value, (*path, index))
    else:
        yield path


def mutate(document, path, how):
    changed = copy.deepcopy(document)
    parent = changed
    for step in path[:-1]:
        parent = parent[step]
    value = parent[path[-1]]
    if isinstance(value, bool):
        parent[path[-1]] = not value
    elif isinstance(value, int | float):
        parent[path[-1]] = value + 1
    elif how == "append":
        parent[path[-1]] = value + "x"
    elif how == "truncate":
        parent[path[-1]] = value[:-1]
    else:
        parent[path[-1]] = value.upper() if value != value.upper() else value.lower()
    return changed


SIGNED = {
    suite: sign(sample_credential(status_index=None), sample_key(), cryptosuite=suite)
    for suite in SUITES
}
LEAVES = list(leaf_paths(SIGNED["eddsa-rdfc-2022"]))


@pytest.mark.parametrize("suite", SUITES)
@pytest.mark.parametrize("path", LEAVES, ids=lambda path: ".".join(map(str, path)))
def test_changing_any_leaf_breaks_verification(suite, path):
    changed = mutate(SIGNED[suite], path, "append")
    assert not verify_credential(changed, now=NOW).ok


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    suite=st.sampled_from(SUITES),
    path=st.sampled_from(LEAVES),
    how=st.sampled_from(["append", "truncate", "case"]),
)
def test_random_single_leaf_mutation_breaks_verification(suite, path, how):
    original = SIGNED[suite]
    changed = mutate(original, path, how)
    if changed == original:  # e.g. upper-casing a string of digits changes nothing
        return
    assert not verify_credential(changed, now=NOW).ok


# Random documents: known OB terms, unknown terms, and odd values mixed.
KNOWN_KEYS = ["name", "description", "narrative", "url", "id", "image", "tag"]
UNKNOWN_KEYS = ["colour", "level2", "x"]
values = st.one_of(
    st.text(min_size=1, max_size=12),
    st.sampled_from(["https://example.org/a", "urn:uuid:1234", "relative/path", "2026-01-01"]),
    st.integers(-5, 5),
    st.booleans(),
)


@st.composite
def random_achievement_extras(draw):
    keys = draw(st.lists(st.sampled_from(KNOWN_KEYS + UNKNOWN_KEYS), max_size=3, unique=True))
    return {key: draw(values) for key in keys}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extras=random_achievement_extras(), suite=st.sampled_from(SUITES))
def test_random_documents_sign_and_verify_or_are_refused_with_a_path(extras, suite):
    document = sample_credential()
    document["credentialSubject"]["achievement"].update(extras)
    try:
        signed = sign(document, sample_key(), cryptosuite=suite)
    except StrictModeError as refused:
        assert refused.problems
        assert all(path.startswith("$") and message for path, message in refused.problems)
        return
    report = verify_credential(signed, now=NOW)
    assert report.ok, report.to_dict()


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**53) + 1, 2**53 - 1),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=8),
    ),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_jcs_equals_the_rfc8785_reference(value):
    assert jcs(value) == rfc8785.dumps(value)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(extras=random_achievement_extras())
def test_cached_canonicalization_equals_plain_pyld(extras):
    document = sample_credential(status_index=3, include_schema=True)
    document["credentialSubject"]["achievement"].update(extras)

    def reference():
        return jsonld.normalize(
            json.loads(json.dumps(document)),
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": default_loader,
            },
        )

    assert outcome(lambda: rdfc(document)) == outcome(reference)


def outcome(compute):
    """The value, or that it failed: both ways must agree."""
    try:
        return compute()
    except Exception:
        return "failed"


@settings(max_examples=50, deadline=None)
@given(
    created=st.datetimes(
        min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    fragment=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12),
    suite=st.sampled_from(["eddsa-rdfc-2022", "Ed25519Signature2020"]),
)
def test_proof_config_template_equals_pyld(created, fragment, suite):
    config = {
        "type": "DataIntegrityProof" if suite != "Ed25519Signature2020" else suite,
        "created": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": f"did:web:example.org#{fragment}",
        "proofPurpose": "assertionMethod",
        "@context": sample_credential()["@context"],
    }
    if suite != "Ed25519Signature2020":
        config["cryptosuite"] = suite
    else:
        config["@context"] = [
            *config["@context"],
            "https://w3id.org/security/suites/ed25519-2020/v1",
        ]
    assert canonical_proof_config(config) == rdfc(config)
