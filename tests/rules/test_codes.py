"""Every problem the rule engine reports has a code of its own (not the catch-all)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openedx_microcreds.rules import RuleValidationError, parse_rule
from openedx_microcreds.rules.codes import OTHER, problem_code

from .fakes import COURSE, OTHER_COURSE, block
from .test_properties import json_values, rule_documents


def codes_of(doc, **options):
    try:
        parse_rule(doc, **options)
    except RuleValidationError as error:
        return [(problem.path, problem_code(problem.message)) for problem in error.problems]
    return []


@pytest.mark.parametrize(
    ("doc", "code"),
    [
        ("{nope", "invalid_json"),
        (b"\xff", "invalid_json"),
        ("[" * 40 + "]" * 40, "too_deep"),
        (json.dumps({"type": "course_passed", "label": "x" * 100_001}), "too_large"),
        ({"type": "all", "of": [{"type": "course_passed", "id": "a"}] * 2}, "duplicate_id"),
        (
            {"type": "weighted_average", "min": 0.5, "blocks": [{"block": block("a")}] * 2},
            "duplicate_block",
        ),
        (
            {"type": "block_score", "min": 0.5, "block": block("a"), "course": OTHER_COURSE},
            "wrong_course",
        ),
        ({"type": "at_least", "n": 3, "of": [{"type": "course_passed"}]}, "invalid_count"),
        ({"type": "at_least", "n": 0, "of": [{"type": "course_passed"}]}, "invalid_count"),
        ({"type": "at_least", "n": 1.5, "of": [{"type": "course_passed"}]}, "invalid_count"),
        ({"type": "course_grade", "min": 80}, "invalid_fraction"),
        ({"type": "course_passed", "course": "Data101"}, "invalid_course_key"),
        ({"type": "holds_credential", "credential": "Not A Slug"}, "invalid_slug"),
        ({"type": "course_passed", "label": "a\nb"}, "invalid_text"),
        ({"type": "course_passed", "colour": "red"}, "unknown_key"),
        ({"type": "every"}, "unknown_type"),
        ({"type": "all", "of": []}, "empty_list"),
        ({"type": "all", "of": {}}, "not_a_list"),
        (
            {
                "type": "weighted_average",
                "min": 0.5,
                "blocks": [{"block": block("a"), "weight": 0}],
            },
            "invalid_weight",
        ),
        ({"type": "course_passed"}, "required"),
    ],
)
def test_codes(doc, code):
    options = {"require_explicit_course": True} if doc == {"type": "course_passed"} else {}
    assert code in [found for _path, found in codes_of(doc, **options)]


@settings(max_examples=300, deadline=None)
@given(rule_documents(), st.data())
def test_no_message_of_a_corrupted_document_falls_back_to_the_catch_all(doc, data):
    node = doc
    while "of" in node and data.draw(st.booleans()):
        node = data.draw(st.sampled_from(node["of"]))
    node[data.draw(st.sampled_from([*sorted(node), "extra"]))] = data.draw(json_values)
    assert OTHER not in [code for _path, code in codes_of(doc)]
    assert OTHER not in [code for _path, code in codes_of(doc, require_explicit_course=True)]


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_no_message_about_arbitrary_json_falls_back_to_the_catch_all(value):
    assert OTHER not in [code for _path, code in codes_of(value)]
    assert COURSE  # the fakes' course keys are valid ones
