"""Evaluating rules against a learner's facts: decisions, numbers and explanations."""

import json

import pytest

from openedx_microcreds.rules import LearnerFacts, Score, evaluate, parse_rule
from openedx_microcreds.rules.explanation import BlockOutcome

from .fakes import COURSE, OTHER_COURSE, FakeFacts, block

CAPSTONE = block("capstone")
LAB1, LAB2 = block("lab1", "vertical"), block("lab2", "vertical")


def explain(doc, facts, course_key=COURSE):
    return evaluate(parse_rule(doc), facts, course_key=course_key)


def capstone(min=0.8, **extra):
    return {"type": "block_score", "block": CAPSTONE, "min": min, **extra}


class TestCoursePassed:
    def test_passed(self):
        result = explain({"type": "course_passed"}, FakeFacts(passed={COURSE: True}))
        assert (result.passed, result.summary) == (True, f"Passed {COURSE}")
        assert (result.clause_id, result.type, result.actual, result.required) == (
            "$",
            "course_passed",
            None,
            None,
        )

    def test_not_passed(self):
        result = explain({"type": "course_passed"}, FakeFacts(passed={COURSE: False}))
        assert (result.passed, result.summary) == (False, f"Has not passed {COURSE}")

    def test_no_grade(self):
        result = explain({"type": "course_passed"}, FakeFacts())
        assert (result.passed, result.summary) == (False, f"No grade recorded for {COURSE}")

    def test_explicit_course_and_label(self):
        facts = FakeFacts(passed={OTHER_COURSE: True})
        doc = {"type": "course_passed", "course": OTHER_COURSE, "label": "Machine learning"}
        result = explain(doc, facts)
        assert (result.passed, result.summary) == (
            True,
            f"Passed Machine learning ({OTHER_COURSE})",
        )
        assert list(facts.calls) == [("course_passed", OTHER_COURSE)]

    def test_no_course_at_all(self):
        facts = FakeFacts(passed={COURSE: True})
        result = explain({"type": "course_passed"}, facts, course_key=None)
        assert result.passed is False
        assert result.summary == (
            "Pass the course: no course to look up (this credential is not tied to a course, "
            'so the clause needs a "course")'
        )
        assert not facts.calls


class TestCourseGrade:
    def test_exactly_at_the_threshold_passes(self):
        result = explain({"type": "course_grade", "min": 0.8}, FakeFacts(percents={COURSE: 0.8}))
        assert (result.passed, result.summary) == (True, "Course grade: 80%, needs 80%")
        assert (result.actual, result.required) == (0.8, 0.8)

    def test_below(self):
        result = explain({"type": "course_grade", "min": 0.8}, FakeFacts(percents={COURSE: 0.795}))
        assert (result.passed, result.summary) == (False, "Course grade: 79.5%, needs 80%")
        assert result.actual == 0.795

    def test_a_near_miss_is_never_shown_as_the_threshold(self):
        result = explain({"type": "course_grade", "min": 0.8}, FakeFacts(percents={COURSE: 0.7999}))
        assert (result.passed, result.summary) == (False, "Course grade: 79.9%, needs 80%")

    def test_explicit_course(self):
        doc = {"type": "course_grade", "min": 0.6, "course": OTHER_COURSE}
        result = explain(doc, FakeFacts(percents={OTHER_COURSE: 0.61}))
        assert (result.passed, result.summary) == (
            True,
            f"Course grade in {OTHER_COURSE}: 61%, needs 60%",
        )

    @pytest.mark.parametrize("percent", [None, float("nan")])
    def test_no_grade(self, percent):
        facts = FakeFacts(percents={} if percent is None else {COURSE: percent})
        result = explain({"type": "course_grade", "min": 0.8, "label": "Final grade"}, facts)
        assert (result.passed, result.actual, result.required) == (False, None, 0.8)
        assert result.summary == f"Final grade: no grade recorded in {COURSE}"

    def test_no_course(self):
        result = explain({"type": "course_grade", "min": 0.8}, FakeFacts(), course_key=None)
        assert result.passed is False
        assert result.summary.startswith("Course grade: no course to look up")


class TestBlockScore:
    def test_below_threshold_shows_score_and_points(self):
        facts = FakeFacts(scores={(COURSE, CAPSTONE): Score(18, 25)})
        result = explain(capstone(label="Capstone project", id="capstone"), facts)
        assert result.passed is False
        assert result.summary == "Capstone project: scored 72% (18/25), needs 80%"
        assert (result.clause_id, result.actual, result.required) == ("capstone", 0.72, 0.8)
        assert result.blocks == (BlockOutcome(CAPSTONE, COURSE, 1.0, 18.0, 25.0),)

    def test_above_threshold(self):
        facts = FakeFacts(scores={(COURSE, CAPSTONE): Score(21.5, 25)})
        result = explain(capstone(), facts)
        assert result.passed is True
        assert result.summary == "Score on capstone: scored 86% (21.5/25), needs 80%"

    def test_no_score_recorded(self):
        result = explain(capstone(label="Capstone project"), FakeFacts())
        assert (result.passed, result.actual) == (False, None)
        assert result.summary == f"Capstone project: no score recorded for {CAPSTONE}"

    def test_nothing_possible(self):
        facts = FakeFacts(scores={(COURSE, CAPSTONE): Score(0, 0)})
        result = explain(capstone(), facts)
        assert (result.passed, result.actual) == (False, None)
        assert result.summary == f"Score on capstone: no points possible for {CAPSTONE}"
        assert result.blocks[0].missing == "no points possible"

    def test_unusable_numbers(self):
        facts = FakeFacts(scores={(COURSE, CAPSTONE): Score(float("nan"), 10)})
        result = explain(capstone(), facts)
        assert result.passed is False
        assert result.summary == f"Score on capstone: score is not a number for {CAPSTONE}"
        json.dumps(result.to_dict(), allow_nan=False)

    def test_a_block_of_another_course_is_looked_up_in_its_own_course(self):
        other = block("final", course=OTHER_COURSE)
        facts = FakeFacts(scores={(OTHER_COURSE, other): Score(9, 10)})
        result = explain({"type": "block_score", "block": other, "min": 0.8}, facts)
        assert result.passed is True
        assert list(facts.calls) == [("block_score", OTHER_COURSE, other)]

    def test_a_ccx_definition_looks_up_master_course_blocks_in_the_ccx(self):
        ccx = "ccx-v1:OpenedX+DA101+2025+ccx@4"
        facts = FakeFacts(scores={(ccx, CAPSTONE): Score(20, 25)})
        assert explain(capstone(), facts, course_key=ccx).passed is True

    def test_i4x_keys_use_the_definitions_course(self):
        old = "i4x://OpenedX/DA101/sequential/capstone"
        facts = FakeFacts(scores={(COURSE, old): Score(4, 5)})
        result = explain({"type": "block_score", "block": old, "min": 0.8}, facts)
        assert (result.passed, result.summary) == (
            True,
            "Score on capstone: scored 80% (4/5), needs 80%",
        )

    def test_i4x_keys_without_any_course(self):
        old = "i4x://OpenedX/DA101/sequential/capstone"
        result = explain({"type": "block_score", "block": old, "min": 0.8}, FakeFacts(), None)
        assert result.passed is False
        assert result.summary.startswith("Score on capstone: no course to look up")


class TestAssignmentAverage:
    def test_pass_and_fail(self):
        doc = {"type": "assignment_average", "assignment_type": "Exam", "min": 0.7}
        passing = explain(doc, FakeFacts(averages={(COURSE, "Exam"): 0.7}))
        failing = explain(doc, FakeFacts(averages={(COURSE, "Exam"): 0.655}))
        assert (passing.passed, passing.summary) == (True, "Exam average: 70%, needs 70%")
        assert (failing.passed, failing.summary) == (False, "Exam average: 65.5%, needs 70%")

    def test_no_assignments_graded(self):
        doc = {"type": "assignment_average", "assignment_type": "Lab", "min": 0.7}
        result = explain(doc, FakeFacts(averages={(COURSE, "Exam"): 1.0}))
        assert (result.passed, result.actual) == (False, None)
        assert result.summary == f"Lab average: no 'Lab' assignments graded in {COURSE}"


class TestWeightedAverage:
    DOC = {
        "type": "weighted_average",
        "label": "Labs",
        "blocks": [{"block": LAB1, "weight": 1}, {"block": LAB2, "weight": 3}],
        "min": 0.75,
    }

    def test_weights_apply_to_each_blocks_fraction(self):
        # (1 * 0.5 + 3 * 0.9) / 4 = 0.8
        facts = FakeFacts(scores={(COURSE, LAB1): Score(5, 10), (COURSE, LAB2): Score(18, 20)})
        result = explain(self.DOC, facts)
        assert result.passed is True
        assert result.actual == pytest.approx(0.8)
        assert result.summary == "Labs: scored 80% weighted over 2 activities, needs 75%"
        assert [outcome.fraction for outcome in result.blocks] == [0.5, 0.9]

    def test_below(self):
        # (1 * 1.0 + 3 * 0.6) / 4 = 0.7
        facts = FakeFacts(scores={(COURSE, LAB1): Score(1, 1), (COURSE, LAB2): Score(3, 5)})
        result = explain(self.DOC, facts)
        assert result.passed is False
        assert result.summary == "Labs: scored 70% weighted over 2 activities, needs 75%"

    def test_floating_point_noise_does_not_fail_an_exact_threshold(self):
        # 0.7 * 3 + 0.9 over weights 1 and 3 is 0.75 on paper but 0.7499999999999999 in floats.
        doc = {**self.DOC, "blocks": [{"block": LAB1, "weight": 1}, {"block": LAB2, "weight": 3}]}
        facts = FakeFacts(scores={(COURSE, LAB1): Score(9, 10), (COURSE, LAB2): Score(7, 10)})
        result = explain(doc, facts)
        assert result.actual < 0.75
        assert result.passed is True
        assert result.summary == "Labs: scored 75% weighted over 2 activities, needs 75%"

    def test_every_missing_block_is_named(self):
        facts = FakeFacts(scores={(COURSE, LAB2): Score(0, 0)})
        result = explain(self.DOC, facts)
        assert (result.passed, result.actual, result.required) == (False, None, 0.75)
        assert result.summary == (
            f"Labs: no score recorded for {LAB1}; no points possible for {LAB2}"
        )
        assert [outcome.missing for outcome in result.blocks] == [
            "no score recorded",
            "no points possible",
        ]

    def test_unlabelled_name(self):
        facts = FakeFacts(scores={(COURSE, LAB1): Score(1, 1), (COURSE, LAB2): Score(1, 1)})
        doc = {key: value for key, value in self.DOC.items() if key != "label"}
        result = explain(doc, facts)
        assert result.summary == (
            "Weighted average of 2 activities: scored 100% weighted over 2 activities, needs 75%"
        )


class TestCompetency:
    DOC = {
        "type": "competency",
        "id": "data-analysis",
        "name": "Data analysis",
        "url": "https://skills.example.org/data-analysis",
        "blocks": [{"block": LAB1}, {"block": LAB2}, {"block": CAPSTONE, "weight": 2}],
        "min": 0.8,
    }

    def test_demonstrated(self):
        facts = FakeFacts(
            scores={
                (COURSE, LAB1): Score(8, 10),
                (COURSE, LAB2): Score(10, 10),
                (COURSE, CAPSTONE): Score(20, 25),
            }
        )
        result = explain(self.DOC, facts)
        # (0.8 + 1.0 + 2 * 0.8) / 4 = 0.85
        assert result.passed is True
        assert result.actual == pytest.approx(0.85)
        assert result.summary == (
            "Competency Data analysis: scored 85% weighted over 3 activities, needs 80%"
        )
        assert result.clause_id == "data-analysis"

    def test_not_demonstrated(self):
        facts = FakeFacts(
            scores={
                (COURSE, LAB1): Score(8, 10),
                (COURSE, LAB2): Score(10, 10),
                (COURSE, CAPSTONE): Score(18, 25),
            }
        )
        # (0.8 + 1.0 + 2 * 0.72) / 4 = 0.81
        doc = {**self.DOC, "min": 0.82}
        result = explain(doc, facts)
        assert result.passed is False
        assert result.summary == (
            "Competency Data analysis: scored 81% weighted over 3 activities, needs 82%"
        )


class TestHoldsCredential:
    def test_held_and_not_held(self):
        doc = {"type": "holds_credential", "credential": "python-basics"}
        held = explain(doc, FakeFacts(credentials={"python-basics"}))
        missing = explain(doc, FakeFacts())
        assert (held.passed, held.summary) == (True, "Credential 'python-basics': earned")
        assert (missing.passed, missing.summary) == (
            False,
            "Credential 'python-basics': not earned yet",
        )

    def test_label(self):
        doc = {"type": "holds_credential", "credential": "python-basics", "label": "Python basics"}
        assert explain(doc, FakeFacts()).summary == "Python basics: not earned yet"

    def test_needs_no_course(self):
        doc = {"type": "holds_credential", "credential": "python-basics"}
        assert explain(doc, FakeFacts(credentials={"python-basics"}), course_key=None).passed


def credentials(*held):
    return FakeFacts(credentials=set(held))


def holds(*slugs):
    return [{"type": "holds_credential", "credential": slug} for slug in slugs]


class TestComposites:
    @pytest.mark.parametrize(
        ("held", "passed", "summary"),
        [
            (("a", "b", "c"), True, "3 of 3 requirements met, needs all 3"),
            (("a", "c"), False, "2 of 3 requirements met, needs all 3"),
            ((), False, "0 of 3 requirements met, needs all 3"),
        ],
    )
    def test_all(self, held, passed, summary):
        result = explain({"type": "all", "of": holds("a", "b", "c")}, credentials(*held))
        assert (result.passed, result.summary) == (passed, summary)
        assert (result.actual, result.required) == (len(held), 3)

    @pytest.mark.parametrize(
        ("held", "passed", "summary"),
        [
            (("b",), True, "1 of 3 requirements met, needs at least 1"),
            (("a", "b", "c"), True, "3 of 3 requirements met, needs at least 1"),
            ((), False, "0 of 3 requirements met, needs at least 1"),
        ],
    )
    def test_any(self, held, passed, summary):
        result = explain({"type": "any", "of": holds("a", "b", "c")}, credentials(*held))
        assert (result.passed, result.summary) == (passed, summary)

    @pytest.mark.parametrize(
        ("held", "passed"),
        [((), False), (("a",), False), (("a", "c"), True), (("a", "b", "c"), True)],
    )
    def test_at_least(self, held, passed):
        doc = {"type": "at_least", "n": 2, "of": holds("a", "b", "c")}
        result = explain(doc, credentials(*held))
        assert result.passed is passed
        assert result.summary == f"{len(held)} of 3 requirements met, needs at least 2"
        assert (result.actual, result.required) == (len(held), 2)

    def test_single_requirement_wording(self):
        result = explain({"type": "all", "of": holds("a")}, credentials())
        assert result.summary == "0 of 1 requirement met, needs it"

    def test_every_clause_is_evaluated_even_after_the_outcome_is_known(self):
        facts = FakeFacts(passed={COURSE: False}, credentials={"b"})
        doc = {
            "type": "all",
            "of": [{"type": "course_passed"}, {"type": "any", "of": holds("a", "b", "c")}],
        }
        result = explain(doc, facts)
        assert result.passed is False
        assert [node.clause_id for node in result.walk()] == [
            "$", "$.0", "$.1", "$.1.0", "$.1.1", "$.1.2",
        ]  # fmt: skip
        assert [node.passed for node in result.walk()] == [False, False, True, False, True, False]
        assert set(facts.calls) == {
            ("course_passed", COURSE),
            ("holds_credential", "a"),
            ("holds_credential", "b"),
            ("holds_credential", "c"),
        }


class TestFactsAccess:
    def test_each_question_is_asked_once_per_evaluation(self):
        facts = FakeFacts(
            passed={COURSE: True},
            scores={(COURSE, CAPSTONE): Score(20, 25), (COURSE, LAB1): Score(1, 2)},
            percents={COURSE: 0.9},
        )
        doc = {
            "type": "any",
            "of": [
                capstone(),
                capstone(min=0.9),
                {"type": "weighted_average", "blocks": [{"block": CAPSTONE}, {"block": LAB1}],
                 "min": 0.5},
                {"type": "course_passed"},
                {"type": "course_passed", "course": COURSE},
                {"type": "course_grade", "min": 0.5},
                {"type": "course_grade", "min": 0.95},
            ],
        }  # fmt: skip
        rule = parse_rule(doc)
        evaluate(rule, facts, course_key=COURSE)
        assert facts.calls == {
            ("block_score", COURSE, CAPSTONE): 1,
            ("block_score", COURSE, LAB1): 1,
            ("course_passed", COURSE): 1,
            ("course_percent", COURSE): 1,
        }
        # Grades change between evaluations, so nothing is cached across them.
        evaluate(rule, facts, course_key=COURSE)
        assert facts.calls[("block_score", COURSE, CAPSTONE)] == 2

    def test_errors_from_the_facts_propagate(self):
        class Unavailable(FakeFacts):
            def block_score(self, course_key, usage_key):
                raise ConnectionError("grades service down")

        with pytest.raises(ConnectionError, match="grades service down"):
            explain({"type": "all", "of": [{"type": "course_passed"}, capstone()]}, Unavailable())

    def test_the_fake_satisfies_the_protocol(self):
        assert isinstance(FakeFacts(), LearnerFacts)


class TestExplanationOutput:
    FACTS = FakeFacts(
        passed={COURSE: True},
        scores={
            (COURSE, CAPSTONE): Score(18, 25),
            (COURSE, LAB1): Score(9, 10),
        },
    )
    DOC = {
        "type": "all",
        "of": [
            {"type": "course_passed"},
            capstone(label="Capstone project", id="capstone"),
            {
                "type": "competency",
                "id": "data-analysis",
                "name": "Data analysis",
                "url": "https://skills.example.org/data-analysis",
                "blocks": [{"block": LAB1, "weight": 2}, {"block": LAB2}],
                "min": 0.8,
            },
        ],
    }

    def test_render_text(self):
        result = explain(self.DOC, self.FACTS)
        assert result.render_text() == "\n".join(
            [
                "✘ 1 of 3 requirements met, needs all 3 [$]",
                f"  ✔ Passed {COURSE} [$.0]",
                "  ✘ Capstone project: scored 72% (18/25), needs 80% [capstone]",
                f"  ✘ Competency Data analysis: no score recorded for {LAB2} [data-analysis]",
                "      - lab1: 90% (9/10), weight 2",
                "      - lab2: no score recorded",
            ]
        )

    def test_render_text_ascii(self):
        lines = explain(self.DOC, self.FACTS).render_text(ascii_marks=True).splitlines()
        assert lines[0] == "[fail] 1 of 3 requirements met, needs all 3 [$]"
        assert lines[1] == f"  [pass] Passed {COURSE} [$.0]"

    def test_to_dict_is_plain_json(self):
        data = explain(self.DOC, self.FACTS).to_dict()
        assert json.loads(json.dumps(data, allow_nan=False)) == data
        assert data["passed"] is False
        assert data["children"][1] == {
            "clause_id": "capstone",
            "type": "block_score",
            "passed": False,
            "summary": "Capstone project: scored 72% (18/25), needs 80%",
            "actual": 0.72,
            "required": 0.8,
            "children": [],
            "blocks": [
                {
                    "block": CAPSTONE,
                    "course": COURSE,
                    "weight": 1.0,
                    "earned": 18.0,
                    "possible": 25.0,
                    "fraction": 0.72,
                    "missing": None,
                }
            ],
        }
        assert data["children"][2]["blocks"][1]["missing"] == "no score recorded"

    def test_find(self):
        result = explain(self.DOC, self.FACTS)
        assert result.find("capstone").actual == 0.72
        assert result.find("missing") is None
