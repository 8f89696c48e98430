"""Property tests: random valid rule trees against random learners.

Whatever the rule and the facts, parsing round-trips, evaluation never raises, the
combinators mean what they say, every fact is asked for once, and the outputs built from
an evaluation stay consistent with each other.
"""

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from openedx_microcreds.rules import (
    RuleValidationError,
    Score,
    describe,
    evaluate,
    parse_rule,
    results,
    thresholds,
)
from openedx_microcreds.rules.keys import resolve_block_course
from openedx_microcreds.rules.percent import (
    MAX_DECIMALS,
    TOLERANCE,
    result_value,
    threshold_decimals,
)

from .fakes import COURSE, OTHER_COURSE, FakeFacts, block

CCX = "ccx-v1:OpenedX+DA101+2025+ccx@1"
BLOCKS = [
    block("capstone"),
    block("lab1", "vertical"),
    block("lab2", "vertical"),
    block("q1", "problem"),
    block("final", course=OTHER_COURSE),
    "i4x://OpenedX/DA101/sequential/old",
]
ASSIGNMENT_TYPES = ["Exam", "Homework", "Lab"]
COMPOSITES = {"all", "any", "at_least"}
THRESHOLD_TYPES = {"course_grade", "block_score", "assignment_average", "weighted_average"}

fractions = st.one_of(
    st.sampled_from([0, 0.5, 0.5625, 0.7, 0.8, 0.825, 1]),
    st.integers(0, 10_000).map(lambda basis_points: basis_points / 10_000),
    st.floats(0, 1),
)
labels = st.one_of(
    st.none(),
    st.text(
        st.characters(exclude_categories=("Cc", "Zl", "Zp", "Cs")), min_size=1, max_size=20
    ).filter(str.strip),
)


def _compact(doc):
    return {key: value for key, value in doc.items() if value is not None}


@st.composite
def weighted_blocks(draw):
    chosen = draw(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=4, unique=True))
    entries = []
    for usage_key in chosen:
        weight = draw(st.one_of(st.none(), st.sampled_from([1, 2, 0.5]), st.floats(0.01, 10)))
        entries.append(_compact({"block": usage_key, "weight": weight}))
    return entries


def _block_course(draw, usage_keys):
    """An explicit course only where it agrees with every block's own course."""
    if any(OTHER_COURSE.removeprefix("course-v1:") in key for key in usage_keys):
        return None
    return draw(st.sampled_from([None, COURSE]))


@st.composite
def leaf(draw):
    kind = draw(
        st.sampled_from(
            [
                "course_passed",
                "course_grade",
                "block_score",
                "assignment_average",
                "weighted_average",
                "competency",
                "holds_credential",
            ]
        )
    )
    course = draw(st.sampled_from([None, COURSE, OTHER_COURSE]))
    if kind == "course_passed":
        return _compact({"type": kind, "course": course, "label": draw(labels)})
    if kind == "course_grade":
        return _compact(
            {"type": kind, "min": draw(fractions), "course": course, "label": draw(labels)}
        )
    if kind == "assignment_average":
        return _compact(
            {
                "type": kind,
                "assignment_type": draw(st.sampled_from(ASSIGNMENT_TYPES)),
                "min": draw(fractions),
                "course": course,
                "label": draw(labels),
            }
        )
    if kind == "block_score":
        usage_key = draw(st.sampled_from(BLOCKS))
        return _compact(
            {
                "type": kind,
                "block": usage_key,
                "min": draw(fractions),
                "course": _block_course(draw, [usage_key]),
                "label": draw(labels),
            }
        )
    if kind == "weighted_average":
        entries = draw(weighted_blocks())
        return _compact(
            {
                "type": kind,
                "blocks": entries,
                "min": draw(fractions),
                "course": _block_course(draw, [entry["block"] for entry in entries]),
                "label": draw(labels),
            }
        )
    if kind == "competency":
        entries = draw(weighted_blocks())
        return _compact(
            {
                "type": kind,
                "id": "placeholder",  # made unique below
                "name": draw(st.sampled_from(["Data analysis", "Ethics", "Visualisation"])),
                "framework": draw(st.sampled_from([None, "ESCO"])),
                "code": draw(st.sampled_from([None, "S1.2"])),
                "url": "https://skills.example.org/x",
                "blocks": entries,
                "min": draw(fractions),
                "course": _block_course(draw, [entry["block"] for entry in entries]),
            }
        )
    return _compact(
        {
            "type": kind,
            "credential": draw(st.sampled_from(["python-basics", "stats", "ml"])),
            "label": draw(labels),
        }
    )


@st.composite
def clause(draw, depth=1):
    if depth >= 4 or draw(st.integers(0, 2)) == 0:
        return draw(leaf())
    kind = draw(st.sampled_from(sorted(COMPOSITES)))
    children = draw(st.lists(clause(depth + 1), min_size=1, max_size=4))
    doc = {"type": kind, "of": children}
    if kind == "at_least":
        doc["n"] = draw(st.integers(1, len(children)))
    return doc


@st.composite
def rule_documents(draw):
    """A valid rule document; ids are unique, some clauses carry an explicit one."""
    doc = draw(clause())
    counter = iter(range(10_000))

    def assign_ids(node):
        if node["type"] == "competency" or draw(st.integers(0, 3)) == 0:
            node["id"] = f"{node['type'].replace('_', '-')}-{next(counter)}"
        for child in node.get("of", []):
            assign_ids(child)

    assign_ids(doc)
    return doc


@st.composite
def learners(draw):
    courses = [COURSE, OTHER_COURSE, CCX]
    maybe_fraction = st.one_of(st.none(), st.floats(0, 1), st.sampled_from([0.0, 0.7, 0.8, 1.0]))

    @st.composite
    def scores(draw):
        possible = draw(st.sampled_from([0, 1, 10, 25]) | st.floats(0, 100))
        return Score(draw(st.floats(0, possible) if possible else st.just(0.0)), possible)

    facts = FakeFacts()
    for course in courses:
        if (passed := draw(st.one_of(st.none(), st.booleans()))) is not None:
            facts.passed[course] = passed
        if (percent := draw(maybe_fraction)) is not None:
            facts.percents[course] = percent
        for assignment_type in ASSIGNMENT_TYPES:
            if (average := draw(maybe_fraction)) is not None:
                facts.averages[course, assignment_type] = average
        for usage_key in BLOCKS:
            if (score := draw(st.one_of(st.none(), scores()))) is not None:
                facts.scores[course, usage_key] = score
    facts.credentials = set(draw(st.sets(st.sampled_from(["python-basics", "stats", "ml"]))))
    return facts


@settings(max_examples=150, deadline=None)
@given(rule_documents())
def test_valid_documents_parse_and_round_trip(doc):
    rule = parse_rule(doc)
    canonical = rule.to_dict()
    assert parse_rule(canonical) == rule
    assert parse_rule(json.dumps(canonical)) == rule
    assert parse_rule(canonical).to_dict() == canonical
    ids = [node.clause_id for node in rule.clauses()]
    assert len(ids) == len(set(ids))


def _expected_block_fraction(facts, clause, usage_key, course_key):
    course = resolve_block_course(clause.get("course"), usage_key, course_key)
    score = facts.scores.get((course, usage_key)) if course else None
    if score is None or score.possible <= 0:
        return None
    return score.earned / score.possible


def _check_semantics(doc, node, facts, course_key):
    """Compare one explanation node with what its clause must mean."""
    assert node.type == doc["type"]
    children = node.children
    if doc["type"] in COMPOSITES:
        assert len(children) == len(doc["of"])
        met = sum(child.passed for child in children)
        if doc["type"] == "all":
            assert node.passed == all(child.passed for child in children)
        elif doc["type"] == "any":
            assert node.passed == any(child.passed for child in children)
        else:
            assert node.passed == (met >= doc["n"])
        assert node.actual == met
        for child_doc, child in zip(doc["of"], children, strict=True):
            _check_semantics(child_doc, child, facts, course_key)
        return

    assert children == ()
    if "min" in doc:
        assert node.required == doc["min"]
        if node.actual is None:
            assert node.passed is False
        else:
            assert node.passed == (node.actual >= doc["min"] - TOLERANCE)
    if doc["type"] == "block_score":
        expected = _expected_block_fraction(facts, doc, doc["block"], course_key)
        assert node.actual == expected
    elif doc["type"] in ("weighted_average", "competency"):
        fractions_ = [
            _expected_block_fraction(facts, doc, entry["block"], course_key)
            for entry in doc["blocks"]
        ]
        if any(fraction is None for fraction in fractions_):
            assert node.actual is None
        else:
            weights = [entry.get("weight", 1) for entry in doc["blocks"]]
            expected = sum(w * f for w, f in zip(weights, fractions_, strict=True)) / sum(weights)
            assert math.isclose(node.actual, expected, rel_tol=1e-9, abs_tol=1e-12)
    elif doc["type"] == "course_passed":
        course = doc.get("course") or course_key
        assert node.passed == (course is not None and facts.passed.get(course) is True)
    elif doc["type"] == "course_grade":
        course = doc.get("course") or course_key
        assert node.actual == (facts.percents.get(course) if course else None)
    elif doc["type"] == "holds_credential":
        assert node.passed == (doc["credential"] in facts.credentials)


@settings(max_examples=200, deadline=None)
@given(rule_documents(), learners(), st.sampled_from([COURSE, CCX, None]))
def test_evaluation_is_total_consistent_and_asks_each_fact_once(doc, facts, course_key):
    rule = parse_rule(doc)
    explanation = evaluate(rule, facts, course_key=course_key)

    # The explanation mirrors the rule, clause for clause.
    assert [node.clause_id for node in explanation.walk()] == [
        clause.clause_id for clause in rule.clauses()
    ]
    _check_semantics(doc, explanation, facts, course_key)

    # Memoized: no question asked twice within one evaluation.
    assert all(count == 1 for count in facts.calls.values())

    # Outputs are well formed.
    data = explanation.to_dict()
    assert json.loads(json.dumps(data, allow_nan=False)) == data
    assert all(node.summary for node in explanation.walk())
    rendered = explanation.render_text(ascii_marks=True).splitlines()
    assert len([line for line in rendered if line.lstrip().startswith("[")]) == len(
        list(explanation.walk())
    )

    # Every threshold gets exactly one result, and a Percent value matches its decision.
    found = results(explanation)
    assert [result.clause_id for result in found] == [t.clause_id for t in thresholds(rule)]
    for result in found:
        node = explanation.find(result.clause_id)
        assert result.passed == node.passed
        if result.result_type == "Status":
            assert result.value == ("Completed" if node.passed else "Failed")
        elif result.value is not None and threshold_decimals(node.required) < MAX_DECIMALS:
            # The reported value reads as passing exactly when it passed.
            required_value = float(result_value(node.required, node.required))
            assert (float(result.value) >= required_value) == node.passed


@settings(max_examples=100, deadline=None)
@given(rule_documents())
def test_describe_writes_one_line_per_requirement(doc):
    rule = parse_rule(doc)
    lines = describe(rule).splitlines()
    clause_count = len(list(rule.clauses()))
    root_is_leaf = doc["type"] not in COMPOSITES
    assert len(lines) == clause_count + (1 if root_is_leaf else 0)
    assert lines[0].startswith("Earn this credential by meeting ")
    assert all(line.lstrip().startswith("- ") for line in lines[1:])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_arbitrary_json_is_rejected_cleanly(value):
    try:
        parse_rule(value)
    except RuleValidationError as error:
        assert error.problems
        assert all(path.startswith("$") and message for path, message in error.problems)


@settings(max_examples=150, deadline=None)
@given(rule_documents(), st.data())
def test_corrupting_a_valid_document_never_crashes(doc, data):
    # Replace one value somewhere in the tree with arbitrary JSON.
    node = doc
    while "of" in node and data.draw(st.booleans()):
        node = data.draw(st.sampled_from(node["of"]))
    key = data.draw(st.sampled_from(sorted(node) + ["extra"]))
    node[key] = data.draw(json_values)
    try:
        parse_rule(doc)
    except RuleValidationError as error:
        assert error.problems
