"""The JSON Schema of rules (schema.py) agrees with the parser: it never refuses what the parser
accepts, it refuses what breaks the shape of a clause as the parser does, and it names the same
types, keys and required keys, learnt from the parser's own answers."""

import copy
import re

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openedx_microcreds.rules import RuleValidationError, parse_rule, rule_schema
from openedx_microcreds.rules.parse import CLAUSE_TYPE_NAMES

from .test_properties import json_values, rule_documents

SCHEMA = rule_schema()
PATHWAY_SCHEMA = rule_schema(pathway=True)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
PATHWAY_VALIDATOR = jsonschema.Draft202012Validator(PATHWAY_SCHEMA)


def parses(doc, *, pathway=False):
    try:
        parse_rule(doc, require_explicit_course=pathway)
    except RuleValidationError:
        return False
    return True


def test_the_schemas_are_valid_draft_2020_12_schemas():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.Draft202012Validator.check_schema(PATHWAY_SCHEMA)


@pytest.mark.parametrize("clause_type", CLAUSE_TYPE_NAMES)
def test_same_keys_as_the_parser_says(clause_type):
    """What the parser answers about a clause missing everything and holding an unknown key:
    the keys it requires and the keys it allows are the schema's."""
    problems = RuleValidationError
    try:
        parse_rule({"type": clause_type, "zz": 1})
    except problems as error:
        found = error.problems
    required = {re.match(r"\$\.(\w+)$", p.path)[1] for p in found if "is required" in p.message}
    [unknown] = [p.message for p in found if p.path == "$.zz"]
    allowed = unknown.split("allowed keys: ")[1].split(", ")
    definition = SCHEMA["$defs"][clause_type]
    assert required | {"type"} == set(definition["required"])
    assert allowed == list(definition["properties"])


def test_pathway_clauses_reading_course_grades_require_their_course():
    assert "course" in PATHWAY_SCHEMA["$defs"]["course_passed"]["required"]
    assert "course" not in SCHEMA["$defs"]["course_passed"]["required"]
    doc = {"type": "course_grade", "min": 0.5}
    assert parses(doc) and VALIDATOR.is_valid(doc)
    assert not parses(doc, pathway=True) and not PATHWAY_VALIDATOR.is_valid(doc)


@settings(max_examples=200, deadline=None)
@given(rule_documents())
def test_every_valid_document_is_valid_for_the_schema(doc):
    assert parses(doc)
    VALIDATOR.validate(doc)
    if parses(doc, pathway=True):
        PATHWAY_VALIDATOR.validate(doc)


@settings(max_examples=300, deadline=None)
@given(rule_documents(), st.data())
def test_the_schema_never_refuses_what_the_parser_accepts(doc, data):
    """One value anywhere replaced by arbitrary JSON: when the parser still accepts the document,
    so does the schema."""
    node = doc
    while "of" in node and data.draw(st.booleans()):
        node = data.draw(st.sampled_from(node["of"]))
    node[data.draw(st.sampled_from([*sorted(node), "extra"]))] = data.draw(json_values)
    if parses(doc):
        VALIDATOR.validate(doc)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_json_the_parser_accepts_the_schema_accepts(value):
    if parses(value):
        VALIDATOR.validate(value)


@pytest.mark.parametrize("text", ["0\n", "a\u2028", "\t", " x ", "\ufeff", "x\x85"])
def test_texts_at_the_edges_are_judged_alike(text):
    doc = {"type": "course_passed", "label": text}
    assert VALIDATOR.is_valid(doc) == parses(doc)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=8))
def test_texts_are_judged_alike(text):
    doc = {"type": "course_passed", "label": text}
    assert VALIDATOR.is_valid(doc) == parses(doc)


def _leave_out_a_required_key(clause):
    present = [key for key in ("of", "min", "credential", "block", "blocks") if key in clause]
    if present:
        del clause[present[0]]
    else:  # course_passed requires nothing but its type: a course grade without its "min"
        clause.clear()
        clause["type"] = "course_grade"


BREAKS = {
    "an unknown key": lambda c: c.update(unknown=1),
    "a required key left out": _leave_out_a_required_key,
    "an unknown type": lambda c: c.update(type="every"),
    "a number where text goes": lambda c: c.update(label=5) if "of" not in c else c.update(of=5),
    "an id that is not a slug": lambda c: c.update(id="Not A Slug"),
    "a threshold of 80 for 80%": lambda c: c.update(min=80) if "min" in c else c.update(of=[]),
}


@settings(max_examples=200, deadline=None)
@given(rule_documents(), st.sampled_from(sorted(BREAKS)), st.data())
def test_a_document_whose_shape_is_broken_is_refused_by_both(doc, name, data):
    doc = copy.deepcopy(doc)
    node = doc
    while "of" in node and data.draw(st.booleans()):
        node = data.draw(st.sampled_from(node["of"]))
    BREAKS[name](node)
    assert not parses(doc)
    assert not VALIDATOR.is_valid(doc)
