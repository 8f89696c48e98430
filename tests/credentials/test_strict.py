"""Strict mode refuses, with a path, what a JSON-LD safe-mode verifier would reject."""

import copy

import pytest

from openedx_microcreds.credentials import StrictModeError, sign
from openedx_microcreds.credentials.strict import find_problems

from .sample import sample_credential, sample_key


def problems_of(document, vm=None):
    return list(find_problems(document, verification_method=vm))


@pytest.fixture
def document():
    return sample_credential()


def test_clean_document_has_no_problem(document):
    assert problems_of(document, sample_key().verification_method_id) == []


def test_undefined_term_is_reported_where_it_is(document):
    document["credentialSubject"]["achievement"]["difficulty"] = "hard"
    assert problems_of(document) == [
        (
            "$.credentialSubject.achievement.difficulty",
            "term 'difficulty' is not defined by the credential's @context",
        )
    ]


def test_undefined_type_is_a_relative_type(document):
    document["type"].append("FancyBadge")
    [(path, message)] = problems_of(document)
    assert path == "$.type[2]"
    assert "'FancyBadge' is not defined" in message


def test_relative_id_is_refused(document):
    document["credentialSubject"]["achievement"]["id"] = "achievements/1"
    problems = problems_of(document)
    assert {path for path, _ in problems} == {"$.credentialSubject.achievement.id"}
    assert any("relative" in message for _, message in problems)
    assert any("new URL() fails" in message for _, message in problems)


def test_top_level_id_must_be_absolute(document):
    document["id"] = "12345"
    assert ("$.id", "must be an absolute IRI (e.g. urn:uuid:...), got '12345'") in problems_of(
        document
    )


@pytest.mark.parametrize(
    "value", ["2026-01-15", "2026-02-30T00:00:00Z", "2026-01-15T12:00:00", "yesterday", 20260115]
)
def test_malformed_datetimes_are_refused(document, value):
    document["validFrom"] = value
    problems = problems_of(document)
    assert problems and problems[0][0] == "$.validFrom"
    assert "not a valid XSD dateTime" in problems[0][1]


def test_valid_until_before_valid_from(document):
    document["validUntil"] = "2020-01-01T00:00:00Z"
    assert ("$.validUntil", "must be after validFrom") in problems_of(document)
    document["validUntil"] = document["validFrom"]
    assert ("$.validUntil", "must be after validFrom") in problems_of(document)


def test_issuer_must_control_the_verification_method(document):
    problems = problems_of(document, "did:key:z6MkOther#z6MkOther")
    assert problems[0][0] == "$.issuer.id"
    assert "is not the controller" in problems[0][1]


def test_structure_problems():
    problems = problems_of({"@context": ["https://example.org/ctx"], "type": "Thing"})
    paths = [path for path, _ in problems]
    assert "$['@context'][0]" in paths
    assert "$.type" in paths
    assert "$.issuer" in paths
    assert "$.credentialSubject" in paths
    assert problems_of([1, 2]) == [("$", "a credential must be a JSON object")]


def test_unknown_context_is_a_clear_problem(document):
    document["@context"].append("https://example.org/unshipped-context")
    [(path, message)] = problems_of(document)
    assert path == "$['@context']"
    assert "unshipped-context" in message and "never fetched" in message


def test_sign_refuses_and_lists_every_problem(document):
    document["credentialSubject"]["mood"] = "happy"
    document["validFrom"] = "2026-01-15"
    with pytest.raises(StrictModeError) as caught:
        sign(document, sample_key())
    paths = [path for path, _ in caught.value.problems]
    assert paths == ["$.validFrom", "$.credentialSubject.mood"]
    assert "$.credentialSubject.mood: term 'mood'" in str(caught.value)


def test_a_clean_document_never_hides_a_later_problem(document):
    # Checked right after a clean document of the same shape: each verdict stands alone.
    assert problems_of(document) == []
    tampered = copy.deepcopy(document)
    tampered["credentialSubject"]["achievement"]["id"] = "relative-id"
    assert problems_of(tampered)
    renamed = copy.deepcopy(document)
    renamed["credentialSubject"]["achievement"]["name"] = "Another name"
    assert problems_of(renamed) == []


@pytest.mark.parametrize(
    "change, path, message",
    [
        # Each of these was signed by pyld and rejected by @digitalbazaar/vc before strict mode
        # learnt about it (tests/interop/test_properties_interop.py keeps the Node side).
        (("credentialSubject", "id", "urn:example:a b"), "$.credentialSubject.id", "not a URL"),
        (("credentialSubject", "id", "http://"), "$.credentialSubject.id", "not a URL"),
        (("credentialSubject", "id", "_:b0"), "$.credentialSubject.id", "not a URL"),
        (("validFrom", None, "2026-01-15t12:00:00z"), "$.validFrom", "dateTime"),
        (
            ("credentialSubject", "_:property", "x"),
            "$.credentialSubject['_:property']",
            "blank-node",
        ),
        (("credentialSubject", "name", "a\u0000b"), "$.credentialSubject.name", "control"),
        (("credentialSubject", "name", "a\u007fb"), "$.credentialSubject.name", "control"),
        (
            ("credentialSubject", "creditsEarned", 1e-07),
            "$.credentialSubject.creditsEarned",
            "too small",
        ),
        (
            ("credentialSubject", "creditsEarned", 0.010005950927734375),
            "$.credentialSubject.creditsEarned",
            "rounds differently",
        ),
        (
            ("credentialSubject", "creditsEarned", 2**53 + 1),
            "$.credentialSubject.creditsEarned",
            "2**53",
        ),
        (
            ("credentialSubject", "creditsEarned", 5.0),
            "$.credentialSubject.creditsEarned",
            "write 5",
        ),
    ],
)
def test_values_verifiers_would_reject_are_refused(document, change, path, message):
    first, second, value = change
    if second is None:
        document[first] = value
    else:
        document[first][second] = value
    problems = problems_of(document)
    assert any(p == path and message in m for p, m in problems), problems


def test_iri_needing_escapes_is_refused(document):
    document["credentialSubject"]["achievement"]["id"] = "https://example.org/{id}"
    problems = problems_of(document)
    assert any(path == "$.credentialSubject.achievement.id" for path, _ in problems), problems


def test_untyped_evidence_and_empty_subject_are_refused(document):
    del document["evidence"][0]["type"]
    document["credentialSubject"] = {"id": "did:example:123"}
    problems = dict(problems_of(document))
    assert "must be an object with a type" in problems["$.evidence[0]"]
    assert "must make a claim" in problems["$.credentialSubject"]


def test_jcs_refuses_inline_contexts_rdfc_does_not(document):
    document["@context"].append({"colour": "https://example.org/vocab#colour"})
    document["colour"] = "red"
    jcs = list(find_problems(document, cryptosuite="eddsa-jcs-2022"))
    assert any("eddsa-jcs-2022 verifiers" in message for _, message in jcs)
    assert list(find_problems(document, cryptosuite="eddsa-rdfc-2022")) == []


def test_ordinary_floats_are_fine(document):
    document["credentialSubject"]["creditsEarned"] = 2.5
    assert problems_of(document) == []
