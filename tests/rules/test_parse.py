"""Validation of rule documents: every problem reported, with its path and an actionable
message; and the canonical form that round-trips."""

import json
import pickle

import pytest

from openedx_microcreds.rules import Rule, RuleValidationError, parse_rule
from openedx_microcreds.rules.model import (
    AllOf,
    AtLeast,
    BlockScore,
    CompetencyClause,
    CoursePassed,
    WeightedBlock,
)
from openedx_microcreds.rules.parse import MAX_DEPTH

from .fakes import COURSE, OTHER_COURSE, block

KNOWN_TYPES = (
    "all, any, at_least, course_passed, course_grade, block_score, assignment_average, "
    "weighted_average, competency, holds_credential"
)
FRACTION = "must be a number between 0 and 1 (use 0.8 for 80%), got {}"
USAGE = (
    "must be a usage key like 'block-v1:Org+Number+Run+type@sequential+block@capstone' "
    "(or an i4x:// key), got {}"
)
COURSE_REQUIRED = (
    "is required: this credential is not tied to a course, so the clause must name the "
    "course its grades come from, like 'course-v1:Org+Number+Run'"
)
CAPSTONE = block("capstone")


def problems_of(doc, **options):
    with pytest.raises(RuleValidationError) as caught:
        parse_rule(doc, **options)
    return list(caught.value.problems)


def score(**extra):
    return {"type": "block_score", "block": CAPSTONE, "min": 0.8, **extra}


def competency(**extra):
    doc = {
        "type": "competency",
        "id": "data-analysis",
        "name": "Data analysis",
        "url": "https://skills.example.org/data-analysis",
        "blocks": [{"block": block("lab1", "vertical")}],
        "min": 0.8,
    }
    doc.update(extra)
    return {key: value for key, value in doc.items() if value is not None}


FULL_EXAMPLE = {
    "type": "all",
    "of": [
        {"type": "course_passed"},
        {"type": "block_score", "id": "capstone", "block": CAPSTONE, "min": 0.8,
         "label": "Capstone project"},
        {
            "type": "competency",
            "id": "data-analysis",
            "name": "Data analysis",
            "framework": "ESCO",
            "code": "S1.2.3",
            "url": "https://skills.example.org/data-analysis",
            "blocks": [
                {"block": block("lab1", "vertical"), "weight": 1},
                {"block": block("lab2", "vertical"), "weight": 2},
                {"block": CAPSTONE},
            ],
            "min": 0.8,
        },
        {
            "type": "at_least",
            "n": 1,
            "of": [
                {"type": "course_grade", "min": 0.75, "course": OTHER_COURSE},
                {"type": "assignment_average", "assignment_type": "Exam", "min": 0.7},
                {"type": "weighted_average", "blocks": [{"block": block("q1", "problem")}],
                 "min": 0.5, "label": "Quizzes"},
                {"type": "holds_credential", "credential": "python-basics", "label": "Python"},
            ],
        },
    ],
}  # fmt: skip


class TestValidDocuments:
    def test_full_example_parses_into_the_model(self):
        rule = parse_rule(FULL_EXAMPLE)

        assert isinstance(rule.root, AllOf)
        passed, capstone, skill, choice = rule.root.of
        assert passed == CoursePassed(clause_id="$.0")
        assert capstone == BlockScore(
            clause_id="capstone",
            block=CAPSTONE,
            minimum=0.8,
            label="Capstone project",
            explicit_id="capstone",
        )
        assert isinstance(skill, CompetencyClause)
        assert skill.blocks == (
            WeightedBlock(block("lab1", "vertical"), 1.0),
            WeightedBlock(block("lab2", "vertical"), 2.0),
            WeightedBlock(CAPSTONE, 1.0),
        )
        assert (skill.framework, skill.code) == ("ESCO", "S1.2.3")
        assert isinstance(choice, AtLeast) and choice.n == 1

    def test_clause_ids_are_explicit_or_derived_from_position(self):
        rule = parse_rule(FULL_EXAMPLE)

        assert [clause.clause_id for clause in rule.clauses()] == [
            "$",
            "$.0",
            "capstone",
            "data-analysis",
            "$.3",
            "$.3.0",
            "$.3.1",
            "$.3.2",
            "$.3.3",
        ]
        assert rule.find("$.3.1").assignment_type == "Exam"
        assert rule.find("nope") is None

    def test_derived_ids_cannot_collide_with_author_ids(self):
        # "$" is not allowed in an author's slug, so an author cannot claim a derived id.
        assert problems_of({"type": "any", "id": "$.0", "of": [{"type": "course_passed"}]}) == [
            (
                "$.id",
                "must be a slug (lowercase letters, digits, '-' and '_', starting with a letter "
                'or digit), got "$.0"',
            )
        ]

    def test_to_dict_is_canonical_and_round_trips(self):
        rule = parse_rule(FULL_EXAMPLE)
        canonical = rule.to_dict()

        assert parse_rule(canonical) == rule
        assert parse_rule(json.dumps(canonical)) == rule
        # Defaults are written out, numbers become floats, derived ids stay implicit.
        assert canonical["of"][0] == {"type": "course_passed"}
        assert canonical["of"][2]["blocks"][2] == {"block": CAPSTONE, "weight": 1.0}
        assert canonical["of"][3] == {
            "type": "at_least",
            "n": 1,
            "of": [
                {"type": "course_grade", "min": 0.75, "course": OTHER_COURSE},
                {"type": "assignment_average", "assignment_type": "Exam", "min": 0.7},
                {
                    "type": "weighted_average",
                    "blocks": [{"block": block("q1", "problem"), "weight": 1.0}],
                    "min": 0.5,
                    "label": "Quizzes",
                },
                {"type": "holds_credential", "credential": "python-basics", "label": "Python"},
            ],
        }
        assert list(canonical["of"][2]) == [
            "type", "id", "name", "framework", "code", "url", "blocks", "min",
        ]  # fmt: skip

    def test_accepts_json_text(self):
        assert parse_rule('{"type": "course_passed"}') == Rule(CoursePassed(clause_id="$"))
        assert parse_rule(b'{"type": "course_passed"}') == Rule(CoursePassed(clause_id="$"))

    @pytest.mark.parametrize(
        "doc",
        [
            score(min=0),
            score(min=1),
            score(min=1.0),
            score(block="i4x://OpenedX/DA101/sequential/capstone"),
            score(block="ccx-block-v1:OpenedX+DA101+2025+ccx@3+type@problem+block@x"),
            score(course="ccx-v1:OpenedX+DA101+2025+ccx@3"),
            score(id="a_b-9"),
            {"type": "at_least", "n": 2, "of": [score(), {"type": "course_passed"}]},
            competency(url="http://skills.example.org/x?y=1#z"),
        ],
    )
    def test_edge_values_that_are_valid(self, doc):
        parse_rule(doc)

    def test_nesting_up_to_the_limit_is_allowed(self):
        doc = {"type": "course_passed"}
        for _ in range(MAX_DEPTH - 1):
            doc = {"type": "all", "of": [doc]}
        assert parse_rule(doc).find("$" + ".0" * (MAX_DEPTH - 1)) == CoursePassed(
            clause_id="$" + ".0" * (MAX_DEPTH - 1)
        )


class TestClauseShape:
    def test_root_must_be_an_object(self):
        assert problems_of([]) == [("$", "must be an object describing a rule clause, got a list")]
        assert problems_of(None) == [("$", "must be an object describing a rule clause, got null")]

    def test_invalid_json_text(self):
        [(path, message)] = problems_of("{'type': 'all'}")
        assert path == "$"
        assert message.startswith("is not valid JSON: Expecting property name")

    def test_missing_type_lists_the_known_types(self):
        assert problems_of({"of": []}) == [("$.type", f"is required; one of: {KNOWN_TYPES}")]

    @pytest.mark.parametrize(("value", "shown"), [("every", '"every"'), (3, "3"), (None, "null")])
    def test_unknown_type_lists_the_known_types(self, value, shown):
        assert problems_of({"type": value}) == [
            ("$.type", f"unknown clause type {shown}; one of: {KNOWN_TYPES}")
        ]

    def test_unknown_keys(self):
        assert problems_of({"type": "course_passed", "courses": COURSE, "my key": 1}) == [
            (
                "$.courses",
                "unknown key \"courses\" in a clause of type 'course_passed'; "
                "allowed keys: type, id, course, label",
            ),
            (
                '$["my key"]',
                "unknown key \"my key\" in a clause of type 'course_passed'; "
                "allowed keys: type, id, course, label",
            ),
        ]

    def test_label_is_only_for_leaves(self):
        assert problems_of({"type": "all", "label": "x", "of": [{"type": "course_passed"}]}) == [
            (
                "$.label",
                "unknown key \"label\" in a clause of type 'all'; allowed keys: type, id, of",
            )
        ]

    def test_child_clause_must_be_an_object(self):
        assert problems_of({"type": "any", "of": ["course_passed"]}) == [
            ("$.of[0]", 'must be an object describing a rule clause, got "course_passed"')
        ]

    def test_nesting_depth_is_limited(self):
        doc = {"type": "course_passed"}
        for _ in range(MAX_DEPTH):
            doc = {"type": "all", "of": [doc]}
        assert problems_of(doc) == [
            ("$" + ".of[0]" * MAX_DEPTH, "is nested too deeply: rules may nest at most 10 levels")
        ]


class TestComposites:
    def test_of_is_required(self):
        assert problems_of({"type": "any"}) == [
            ("$.of", "is required in a clause of type 'any': a list of rule clauses")
        ]

    def test_of_must_be_a_list(self):
        assert problems_of({"type": "all", "of": {"type": "course_passed"}}) == [
            ("$.of", "must be a list of rule clauses, got an object")
        ]

    def test_of_must_not_be_empty(self):
        assert problems_of({"type": "all", "of": []}) == [
            ("$.of", "must not be empty: list at least one rule clause")
        ]

    def test_n_is_required(self):
        assert problems_of({"type": "at_least", "of": [score()]}) == [
            (
                "$.n",
                "is required in a clause of type 'at_least': a whole number between 1 and 1 "
                '(the number of clauses in "of")',
            )
        ]

    @pytest.mark.parametrize(
        ("n", "message"),
        [
            (0, 'must be between 1 and 2 (the number of clauses in "of"), got 0'),
            (3, 'must be between 1 and 2 (the number of clauses in "of"), got 3'),
            (
                True,
                'must be a whole number between 1 and 2 (the number of clauses in "of"), got true',
            ),
            (
                1.5,
                'must be a whole number between 1 and 2 (the number of clauses in "of"), got 1.5',
            ),
            (
                "2",
                'must be a whole number between 1 and 2 (the number of clauses in "of"), got "2"',
            ),
        ],
    )
    def test_n_must_be_in_range(self, n, message):
        doc = {"type": "at_least", "n": n, "of": [score(), {"type": "course_passed"}]}
        assert problems_of(doc) == [("$.n", message)]

    def test_n_is_checked_even_when_of_is_unusable(self):
        assert problems_of({"type": "at_least", "n": 0, "of": []}) == [
            ("$.n", "must be at least 1, got 0"),
            ("$.of", "must not be empty: list at least one rule clause"),
        ]

    def test_n_counts_the_clauses_as_written_even_if_some_are_invalid(self):
        doc = {"type": "at_least", "n": 2, "of": [score(min=80), {"type": "course_passed"}]}
        assert problems_of(doc) == [("$.of[0].min", FRACTION.format(80))]

    def test_problems_in_every_child_are_reported(self):
        doc = {
            "type": "all",
            "of": [
                score(min=80),
                {"type": "any", "of": [{"type": "course_grade", "min": "80%"}, {"type": "x"}]},
                {"type": "course_passed"},
            ],
        }
        assert problems_of(doc) == [
            ("$.of[0].min", FRACTION.format(80)),
            (
                "$.of[1].of[0].min",
                'must be a number between 0 and 1 (use 0.8 for 80%), got "80%"',
            ),
            ("$.of[1].of[1].type", f'unknown clause type "x"; one of: {KNOWN_TYPES}'),
        ]


class TestIds:
    def test_id_must_be_a_slug(self):
        assert problems_of(score(id="Capstone Project")) == [
            (
                "$.id",
                "must be a slug (lowercase letters, digits, '-' and '_', starting with a letter "
                'or digit), got "Capstone Project"',
            )
        ]

    def test_id_must_be_a_string(self):
        [(path, message)] = problems_of(score(id=7))
        assert (path, message.endswith("got 7")) == ("$.id", True)

    def test_duplicate_ids(self):
        doc = {
            "type": "all",
            "of": [
                score(id="capstone"),
                {"type": "any", "of": [score(id="capstone")]},
                competency(id="capstone"),
            ],
        }
        assert problems_of(doc) == [
            ("$.of[1].of[0].id", "duplicates the id of the clause at $.of[0]"),
            ("$.of[2].id", "duplicates the id of the clause at $.of[0]"),
        ]


class TestThresholds:
    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (80, "must be a number between 0 and 1 (use 0.8 for 80%), got 80"),
            (75, "must be a number between 0 and 1 (use 0.75 for 75%), got 75"),
            (87.5, "must be a number between 0 and 1 (use 0.875 for 87.5%), got 87.5"),
            (150, FRACTION.format(150)),
            (-0.1, FRACTION.format(-0.1)),
            (True, FRACTION.format("true")),
            (False, FRACTION.format("false")),
            ("0.8", FRACTION.format('"0.8"')),
            (None, FRACTION.format("null")),
            (float("nan"), FRACTION.format("nan")),
            (float("inf"), FRACTION.format("inf")),
            ([0.8], FRACTION.format("a list")),
        ],
    )
    def test_min_must_be_a_fraction(self, value, message):
        assert problems_of(score(min=value)) == [("$.min", message)]

    @pytest.mark.parametrize(
        "doc",
        [
            {"type": "course_grade"},
            {"type": "block_score", "block": CAPSTONE},
            {"type": "assignment_average", "assignment_type": "Exam"},
            {"type": "weighted_average", "blocks": [{"block": CAPSTONE}]},
            competency(min=None),
        ],
    )
    def test_min_is_required(self, doc):
        assert problems_of(doc) == [
            (
                "$.min",
                f"is required in a clause of type '{doc['type']}': a number between 0 and 1 "
                "(use 0.8 for 80%)",
            )
        ]


class TestKeys:
    @pytest.mark.parametrize(
        "value",
        ["DemoX", "OpenedX/DA101/2025", "course-v1:OpenedX+DA101", "ccx-v1:OpenedX+DA101+2025",
         CAPSTONE, 42],
    )  # fmt: skip
    def test_course_must_look_like_a_course_key(self, value):
        [(path, message)] = problems_of({"type": "course_passed", "course": value})
        assert path == "$.course"
        assert message.startswith(
            "must be a course key like 'course-v1:Org+Number+Run' (or a ccx-v1: key), got "
        )

    @pytest.mark.parametrize(
        ("value", "shown"),
        [
            (COURSE, json.dumps(COURSE)),
            ("block-v1:OpenedX+DA101+2025", '"block-v1:OpenedX+DA101+2025"'),
            ("capstone", '"capstone"'),
            (None, "null"),
        ],
    )
    def test_block_must_look_like_a_usage_key(self, value, shown):
        assert problems_of(score(block=value)) == [("$.block", USAGE.format(shown))]

    def test_block_is_required(self):
        assert problems_of({"type": "block_score", "min": 0.8}) == [
            (
                "$.block",
                "is required in a clause of type 'block_score': a usage key like "
                "'block-v1:Org+Number+Run+type@sequential+block@capstone'",
            )
        ]

    def test_block_must_belong_to_the_named_course(self):
        assert problems_of(score(course=OTHER_COURSE)) == [
            ("$.block", f"belongs to {COURSE}, not to the clause's course {OTHER_COURSE}")
        ]

    def test_a_ccx_of_the_blocks_course_is_accepted(self):
        parse_rule(score(course="ccx-v1:OpenedX+DA101+2025+ccx@9"))

    def test_long_values_are_shortened_in_messages(self):
        [(_, message)] = problems_of(score(block="x" * 100))
        assert message.endswith('got "' + "x" * 57 + '..."')


class TestWeightedBlocks:
    def test_blocks_are_required(self):
        assert problems_of({"type": "weighted_average", "min": 0.5}) == [
            (
                "$.blocks",
                "is required in a clause of type 'weighted_average': a non-empty list of "
                '{"block": usage key, "weight": number} objects',
            )
        ]

    @pytest.mark.parametrize(("value", "shown"), [([], "a list"), ({}, "an object"), ("x", '"x"')])
    def test_blocks_must_be_a_non_empty_list(self, value, shown):
        doc = {"type": "weighted_average", "blocks": value, "min": 0.5}
        assert problems_of(doc) == [
            (
                "$.blocks",
                'must be a non-empty list of {"block": usage key, "weight": number} objects, '
                f"got {shown}",
            )
        ]

    def test_every_entry_is_checked(self):
        doc = {
            "type": "weighted_average",
            "min": 0.5,
            "blocks": [
                CAPSTONE,
                {"block": CAPSTONE, "weight": 0},
                {"block": CAPSTONE, "weight": -2},
                {"block": CAPSTONE, "weight": True},
                {"block": CAPSTONE, "weight": "2"},
                {"weight": 2},
                {"block": CAPSTONE, "points": 3},
            ],
        }
        assert problems_of(doc) == [
            (
                "$.blocks[0]",
                'must be an object like {"block": usage key, "weight": number}, '
                f"got {json.dumps(CAPSTONE)}",
            ),
            ("$.blocks[1].weight", "must be a number greater than 0 (defaults to 1), got 0"),
            ("$.blocks[2].weight", "must be a number greater than 0 (defaults to 1), got -2"),
            ("$.blocks[3].weight", "must be a number greater than 0 (defaults to 1), got true"),
            ("$.blocks[4].weight", 'must be a number greater than 0 (defaults to 1), got "2"'),
            (
                "$.blocks[5].block",
                "is required in a block entry: a usage key like "
                "'block-v1:Org+Number+Run+type@sequential+block@capstone'",
            ),
            (
                "$.blocks[6].points",
                'unknown key "points" in a block entry; allowed keys: block, weight',
            ),
        ]

    def test_a_block_may_be_listed_once(self):
        doc = {
            "type": "weighted_average",
            "min": 0.5,
            "blocks": [{"block": CAPSTONE}, {"block": block("b")}, {"block": CAPSTONE}],
        }
        assert problems_of(doc) == [
            ("$.blocks[2].block", "repeats a block already listed at $.blocks[0].block")
        ]

    def test_blocks_must_belong_to_the_named_course(self):
        other = block("x", course=OTHER_COURSE)
        doc = competency(course=COURSE, blocks=[{"block": CAPSTONE}, {"block": other}])
        assert problems_of(doc) == [
            ("$.blocks[1].block", f"belongs to {OTHER_COURSE}, not to the clause's course {COURSE}")
        ]


class TestLeafFields:
    def test_label_must_be_non_empty_text(self):
        assert problems_of(score(label="  ")) == [("$.label", 'must be non-empty text, got "  "')]
        assert problems_of(score(label=3)) == [("$.label", "must be non-empty text, got 3")]

    @pytest.mark.parametrize("text", ["Capstone\nproject", "Capstone\tproject", "a\u2028b"])
    def test_texts_must_be_one_line(self, text):
        assert problems_of(score(label=text)) == [
            (
                "$.label",
                f"must be one line of text without control characters, got {json.dumps(text)}",
            )
        ]
        [(path, _)] = problems_of(competency(name=text))
        assert path == "$.name"

    def test_assignment_type_is_required_text(self):
        assert problems_of({"type": "assignment_average", "min": 0.7}) == [
            ("$.assignment_type", "is required in a clause of type 'assignment_average': "
             "non-empty text"),
        ]  # fmt: skip
        doc = {"type": "assignment_average", "assignment_type": "", "min": 0.7}
        assert problems_of(doc) == [("$.assignment_type", 'must be non-empty text, got ""')]

    def test_holds_credential_needs_a_slug(self):
        assert problems_of({"type": "holds_credential"}) == [
            (
                "$.credential",
                "is required in a clause of type 'holds_credential': the slug of another "
                "credential",
            )
        ]
        [(path, message)] = problems_of({"type": "holds_credential", "credential": "Python 101"})
        assert path == "$.credential"
        assert message.startswith("must be a slug (") and message.endswith('got "Python 101"')


class TestCompetency:
    def test_id_name_and_url_are_required(self):
        doc = competency(id=None, name=None, url=None)
        assert problems_of(doc) == [
            (
                "$.id",
                "is required in a clause of type 'competency': a stable slug naming the "
                'competency, such as "data-analysis"',
            ),
            ("$.name", "is required in a clause of type 'competency': non-empty text"),
            (
                "$.url",
                "is required in a clause of type 'competency': an http(s) URL describing the "
                "competency (its alignment targetUrl)",
            ),
        ]

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            (
                "ftp://skills.example.org/x",
                'must be an http(s) URL, got "ftp://skills.example.org/x"',
            ),
            ("skills.example.org/x", 'must be an http(s) URL, got "skills.example.org/x"'),
            ("javascript:alert(1)", 'must be an http(s) URL, got "javascript:alert(1)"'),
            ("https://", 'must be an http(s) URL with a host name, got "https://"'),
            (
                'https://a.example/"><script>',
                "must be an http(s) URL without spaces, control characters or any of "
                '<>"{}|\\^`[] (percent-encode them), got "https://a.example/\\"><script>"',
            ),
        ],
    )
    def test_url_must_be_a_clean_http_url(self, url, message):
        assert problems_of(competency(url=url)) == [("$.url", message)]

    def test_url_problems_name_their_clause(self):
        rule = {"type": "all", "of": [{"type": "course_passed"}, competency(url="javascript:x")]}
        with pytest.raises(RuleValidationError) as caught:
            parse_rule(rule)
        assert str(caught.value) == '$.of[1].url: must be an http(s) URL, got "javascript:x"'

    def test_optional_texts_must_be_non_empty(self):
        assert problems_of(competency(framework="", code=5)) == [
            ("$.framework", 'must be non-empty text, got ""'),
            ("$.code", "must be non-empty text, got 5"),
        ]

    def test_label_is_not_a_competency_key(self):
        [(path, message)] = problems_of(competency(label="Data"))
        assert path == "$.label"
        assert message.startswith("unknown key \"label\" in a clause of type 'competency'")


class TestRequireExplicitCourse:
    def test_clauses_without_a_course_are_rejected(self):
        i4x = "i4x://OpenedX/DA101/sequential/capstone"
        doc = {
            "type": "all",
            "of": [
                {"type": "course_passed"},
                {"type": "course_grade", "min": 0.8},
                {"type": "assignment_average", "assignment_type": "Exam", "min": 0.7},
                score(block=i4x),
                {"type": "weighted_average", "blocks": [{"block": i4x}], "min": 0.5},
                competency(blocks=[{"block": CAPSTONE}, {"block": i4x}]),
            ],
        }
        assert problems_of(doc, require_explicit_course=True) == [
            (f"$.of[{index}].course", COURSE_REQUIRED) for index in range(6)
        ]
        parse_rule(doc)  # fine when the definition has a course

    def test_usage_keys_that_name_their_course_are_enough(self):
        doc = {
            "type": "all",
            "of": [
                score(),
                competency(),
                {"type": "course_passed", "course": COURSE},
                score(block="i4x://OpenedX/DA101/sequential/capstone", course=COURSE, id="old"),
            ],
        }
        parse_rule(doc, require_explicit_course=True)

    def test_a_bad_course_is_reported_once(self):
        doc = score(block="i4x://OpenedX/DA101/sequential/capstone", course="DA101")
        assert problems_of(doc, require_explicit_course=True) == [
            (
                "$.course",
                "must be a course key like 'course-v1:Org+Number+Run' (or a ccx-v1: key), "
                'got "DA101"',
            )
        ]


class TestError:
    def test_str_lists_one_problem_per_line(self):
        with pytest.raises(RuleValidationError) as caught:
            parse_rule({"type": "all", "of": [score(min=80), {"type": "any", "of": []}]})
        assert str(caught.value) == (
            "$.of[0].min: must be a number between 0 and 1 (use 0.8 for 80%), got 80\n"
            "$.of[1].of: must not be empty: list at least one rule clause"
        )
        assert isinstance(caught.value, ValueError)

    def test_as_dict_groups_messages_by_path(self):
        with pytest.raises(RuleValidationError) as caught:
            parse_rule(competency(url="x", name="", blocks=[]))
        assert caught.value.as_dict() == {
            "$.name": ['must be non-empty text, got ""'],
            "$.url": ['must be an http(s) URL, got "x"'],
            "$.blocks": [
                'must be a non-empty list of {"block": usage key, "weight": number} objects, '
                "got a list"
            ],
        }

    def test_survives_pickling(self):
        with pytest.raises(RuleValidationError) as caught:
            parse_rule(score(min=80))
        copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 -- our own bytes
        assert copy.problems == caught.value.problems
        assert str(copy) == str(caught.value)

    def test_needs_a_problem(self):
        with pytest.raises(ValueError, match="at least one problem"):
            RuleValidationError([])
