"""What the issuing side reads from a rule and an evaluation."""

import pytest

from openedx_microcreds.rules import (
    Competency,
    ResultValue,
    Score,
    Threshold,
    competencies,
    evaluate,
    parse_rule,
    referenced_courses,
    required_credentials,
    results,
    thresholds,
)

from .fakes import COURSE, OTHER_COURSE, FakeFacts, block

CAPSTONE = block("capstone")
LAB = block("lab", "vertical")
OLD = "i4x://OpenedX/DA101/sequential/old"

RULE = parse_rule(
    {
        "type": "all",
        "of": [
            {"type": "course_passed"},
            {"type": "block_score", "id": "capstone", "block": CAPSTONE, "min": 0.8,
             "label": "Capstone project"},
            {"type": "competency", "id": "data-analysis", "name": "Data analysis",
             "framework": "ESCO", "code": "S1.2", "url": "https://skills.example.org/da",
             "blocks": [{"block": LAB}], "min": 0.7},
            {
                "type": "any",
                "of": [
                    {"type": "course_grade", "min": 0.9},
                    {"type": "assignment_average", "assignment_type": "Exam", "min": 0.85,
                     "course": OTHER_COURSE},
                    {"type": "weighted_average", "blocks": [{"block": OLD}], "min": 0.5},
                    {"type": "holds_credential", "credential": "python-basics"},
                    {"type": "competency", "id": "ethics", "name": "Data ethics",
                     "url": "https://skills.example.org/ethics", "blocks": [{"block": OLD}],
                     "min": 0.6},
                    {"type": "holds_credential", "credential": "stats"},
                ],
            },
        ],
    }
)  # fmt: skip


def test_competencies_in_document_order():
    assert competencies(RULE) == [
        Competency(
            id="data-analysis",
            name="Data analysis",
            url="https://skills.example.org/da",
            framework="ESCO",
            code="S1.2",
        ),
        Competency(id="ethics", name="Data ethics", url="https://skills.example.org/ethics"),
    ]


def test_thresholds():
    assert thresholds(RULE) == [
        Threshold("capstone", "Capstone project", "Percent", 0.8),
        Threshold("data-analysis", "Data analysis", "Status", 0.7),
        Threshold("$.3.0", "Course grade", "Percent", 0.9),
        Threshold("$.3.1", f"Exam average in {OTHER_COURSE}", "Percent", 0.85),
        Threshold("$.3.2", "Weighted average of 1 activity", "Percent", 0.5),
        Threshold("ethics", "Data ethics", "Status", 0.6),
    ]


def test_threshold_required_values():
    by_id = {threshold.clause_id: threshold for threshold in thresholds(RULE)}
    assert by_id["capstone"].required_value == "80.0"
    assert by_id["capstone"].required_percent == "80%"
    assert by_id["$.3.1"].required_value == "85.0"
    assert by_id["data-analysis"].required_value == "Completed"


def test_unlabelled_block_score_name():
    rule = parse_rule({"type": "block_score", "block": CAPSTONE, "min": 0.8})
    assert [threshold.name for threshold in thresholds(rule)] == ["Score on capstone"]


def test_no_thresholds_in_a_pass_fail_rule():
    rule = parse_rule({"type": "any", "of": [{"type": "course_passed"}]})
    assert thresholds(rule) == []
    assert competencies(rule) == []


def test_results_for_every_threshold_clause():
    facts = FakeFacts(
        passed={COURSE: True},
        percents={COURSE: 0.86},
        scores={(COURSE, CAPSTONE): Score(21.5, 25), (COURSE, LAB): Score(6, 10)},
        averages={(OTHER_COURSE, "Exam"): 0.91},
        credentials={"python-basics"},
    )
    explanation = evaluate(RULE, facts, course_key=COURSE)
    assert results(explanation) == [
        ResultValue("capstone", "Percent", "86.0", True),
        ResultValue("data-analysis", "Status", "Failed", False),
        ResultValue("$.3.0", "Percent", "86.0", False),
        ResultValue("$.3.1", "Percent", "91.0", True),
        # No score recorded: there is no value to report.
        ResultValue("$.3.2", "Percent", None, False),
        ResultValue("ethics", "Status", "Failed", False),
    ]
    # Every threshold has exactly one result, in the same order.
    assert [r.clause_id for r in results(explanation)] == [t.clause_id for t in thresholds(RULE)]


@pytest.mark.parametrize(
    ("earned", "value", "passed"),
    [(7, "70.0", True), (6.999, "69.9", False), (10, "100.0", True), (0, "0.0", False)],
)
def test_percent_values_round_down_so_a_miss_never_reads_as_the_threshold(earned, value, passed):
    rule = parse_rule({"type": "block_score", "block": LAB, "min": 0.7})
    explanation = evaluate(
        rule, FakeFacts(scores={(COURSE, LAB): Score(earned, 10)}), course_key=COURSE
    )
    assert results(explanation) == [ResultValue("$", "Percent", value, passed)]


def test_competency_result_completed():
    rule = parse_rule(
        {"type": "competency", "id": "da", "name": "DA", "url": "https://x.example/da",
         "blocks": [{"block": LAB}], "min": 0.7}
    )  # fmt: skip
    explanation = evaluate(rule, FakeFacts(scores={(COURSE, LAB): Score(7, 10)}), course_key=COURSE)
    assert results(explanation) == [ResultValue("da", "Status", "Completed", True)]


def test_required_credentials():
    assert required_credentials(RULE) == {"python-basics", "stats"}
    assert required_credentials(parse_rule({"type": "course_passed"})) == set()


def test_referenced_courses_with_a_default_course():
    assert referenced_courses(RULE, COURSE) == {COURSE, OTHER_COURSE}


def test_referenced_courses_without_a_default_course():
    # course_passed, course_grade and the i4x blocks have no course to name.
    assert referenced_courses(RULE, None) == {COURSE, OTHER_COURSE}
    pathway = parse_rule(
        {"type": "all", "of": [{"type": "course_passed", "course": OTHER_COURSE},
                               {"type": "holds_credential", "credential": "x"},
                               {"type": "block_score", "block": OLD, "min": 0.5}]}
    )  # fmt: skip
    assert referenced_courses(pathway, None) == {OTHER_COURSE}


def test_referenced_courses_follow_usage_keys():
    other_block = block("final", course=OTHER_COURSE)
    rule = parse_rule({"type": "block_score", "block": other_block, "min": 0.5})
    assert referenced_courses(rule, COURSE) == {OTHER_COURSE}
    ccx = "ccx-v1:OpenedX+DA101+2025+ccx@2"
    assert referenced_courses(
        parse_rule({"type": "block_score", "block": CAPSTONE, "min": 0.5}), ccx
    ) == {ccx}


def test_a_precise_threshold_is_reported_with_its_precision():
    rule = parse_rule({"type": "assignment_average", "assignment_type": "Exam", "min": 0.5625})
    facts = FakeFacts(averages={(COURSE, "Exam"): 0.5625})
    explanation = evaluate(rule, facts, course_key=COURSE)
    assert explanation.summary == "Exam average: 56.25%, needs 56.25%"
    assert results(explanation) == [ResultValue("$", "Percent", "56.25", True)]
    assert thresholds(rule)[0].required_value == "56.25"
