"""Authored JSON too large or nested too deeply is refused before anything walks it, with where."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openedx_microcreds.rules import RuleValidationError, parse_rule
from openedx_microcreds.rules.limits import (
    MAX_JSON_DEPTH,
    MAX_JSON_SIZE,
    text_problem,
    value_problem,
)

TOO_DEEP = f"is nested too deeply: JSON here may nest at most {MAX_JSON_DEPTH} levels"


def nested_lists(levels: int) -> str:
    return "[" * levels + "]" * levels


@pytest.mark.parametrize(
    "text",
    [
        nested_lists(40_000),  # Python's JSON parser raised RecursionError on this
        '{"type": "all", "of": ' + nested_lists(5_000) + "}",
        '{"type": "all", "of": [' + '{"x": ' * 3_000 + "1" + "}" * 3_000 + "]}",
        "[" * 90_000,  # not even valid JSON: still no recursion
    ],
)
def test_parse_rule_refuses_deep_json_text_with_a_path(text):
    with pytest.raises(RuleValidationError) as raised:
        parse_rule(text)
    [problem] = raised.value.problems
    assert problem.message == TOO_DEEP
    assert problem.path.startswith("$")


def test_parse_rule_refuses_deep_parsed_documents():
    document = {"type": "all", "of": []}
    for _ in range(3_000):
        document = {"type": "all", "of": [document]}
    with pytest.raises(RuleValidationError) as raised:
        parse_rule(document)
    [problem] = raised.value.problems
    assert problem == ("$" + ".of[0]" * 16, TOO_DEEP)


def test_parse_rule_refuses_large_documents():
    text = json.dumps({"type": "course_passed", "label": "x" * MAX_JSON_SIZE})
    with pytest.raises(RuleValidationError) as raised:
        parse_rule(text)
    assert str(raised.value) == (
        f"$: is too large: at most {MAX_JSON_SIZE} characters of JSON, got {len(text)}"
    )
    with pytest.raises(RuleValidationError, match=r"^\$: is too large"):
        parse_rule(json.loads(text))


def test_a_realistic_deep_rule_is_within_bounds():
    """Ten levels of clauses (the rule engine's own limit) and a block list fit easily."""
    clause = {"type": "competency", "id": "c", "name": "C", "url": "https://x.example/c"}
    clause.update(min=0.5, blocks=[{"block": "block-v1:A+B+C+type@problem+block@p"}])
    for _ in range(9):
        clause = {"type": "all", "of": [clause]}
    text = json.dumps(clause)
    assert text_problem(text) is None and value_problem(clause) is None
    parse_rule(text, require_explicit_course=False)


def test_brackets_inside_strings_do_not_count():
    text = json.dumps({"type": "course_passed", "label": "[" * 100 + '\\"{' * 50})
    assert text_problem(text) is None


def test_paths_name_object_keys_and_list_positions():
    text = '{"a": 1, "weird key": [0, {"b": ' + nested_lists(40) + "}]}"
    assert text_problem(text) == ('$["weird key"][1].b' + "[0]" * 29, TOO_DEEP)
    assert value_problem(json.loads(text)) == text_problem(text)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='ab[]{}":,\\ '),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(alphabet='ab[]{}":,\\ ', max_size=4), children, max_size=3)
    ),
    max_leaves=60,
)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.integers(1, 8))
def test_text_and_parsed_checks_agree(value, max_depth):
    """The text scan and the walk over the parsed value find the same container too deep."""
    text = json.dumps(value)
    assert text_problem(text, max_depth=max_depth) == value_problem(value, max_depth=max_depth)
