"""The learner-facing Markdown criteria."""

from pathlib import Path

import openedx_microcreds.rules as package
from openedx_microcreds.rules import describe, parse_rule

from .fakes import COURSE, OTHER_COURSE, block

CAPSTONE = block("capstone")
LABS = [{"block": block(f"lab{i}", "vertical")} for i in (1, 2, 3)]


def test_the_example_from_the_brief():
    rule = parse_rule(
        {
            "type": "all",
            "of": [
                {"type": "course_passed"},
                {"type": "block_score", "block": CAPSTONE, "min": 0.8, "label": "Capstone project"},
                {"type": "competency", "id": "data-analysis", "name": "Data analysis",
                 "url": "https://skills.example.org/da", "blocks": LABS, "min": 0.8},
            ],
        }
    )  # fmt: skip
    assert describe(rule) == (
        "Earn this credential by meeting **all** of the following:\n"
        "- Pass the course.\n"
        "- Score at least 80% on **Capstone project**.\n"
        "- Demonstrate the competency **Data analysis** (at least 80% weighted over 3 "
        "activities)."
    )


def test_every_clause_type_and_nesting():
    rule = parse_rule(
        {
            "type": "any",
            "of": [
                {"type": "at_least", "n": 2, "of": [
                    {"type": "course_grade", "min": 0.75},
                    {"type": "course_grade", "min": 0.825, "course": OTHER_COURSE},
                    {"type": "assignment_average", "assignment_type": "Exam", "min": 0.7},
                    {"type": "block_score", "block": CAPSTONE, "min": 0.8},
                    {"type": "weighted_average", "blocks": LABS[:1], "min": 0.5},
                    {"type": "weighted_average", "blocks": LABS, "min": 0.6, "label": "Labs"},
                ]},
                {"type": "all", "of": [
                    {"type": "holds_credential", "credential": "python-basics"},
                    {"type": "course_passed", "course": OTHER_COURSE},
                    {"type": "course_passed", "label": "Intro to data"},
                ]},
            ],
        }
    )  # fmt: skip
    assert describe(rule).splitlines() == [
        "Earn this credential by meeting **any** of the following:",
        "- Meet **at least 2** of the following:",
        "  - Earn a course grade of at least 75%.",
        f"  - Earn a course grade of at least 82.5% in `{OTHER_COURSE}`.",
        "  - Average at least 70% across **Exam** assignments.",
        "  - Score at least 80% on the activity `capstone`.",
        "  - Score at least 50% weighted over 1 activity.",
        "  - Score at least 60% on **Labs** (weighted over 3 activities).",
        "- Meet **all** of the following:",
        "  - Hold the credential `python-basics`.",
        f"  - Pass the course `{OTHER_COURSE}`.",
        "  - Pass **Intro to data**.",
    ]


def test_names_supplied_by_the_caller():
    rule = parse_rule(
        {"type": "all", "of": [
            {"type": "holds_credential", "credential": "python-basics"},
            {"type": "course_passed", "course": OTHER_COURSE},
            {"type": "assignment_average", "assignment_type": "Exam", "min": 0.7,
             "course": COURSE},
        ]}
    )  # fmt: skip
    text = describe(
        rule,
        course_names={OTHER_COURSE: "Machine Learning", COURSE: "Data Analysis"},
        credential_names={"python-basics": "Python Basics"},
    )
    assert text.splitlines()[1:] == [
        "- Hold the credential **Python Basics**.",
        "- Pass the course **Machine Learning**.",
        "- Average at least 70% across **Exam** assignments in **Data Analysis**.",
    ]


def test_a_single_requirement():
    rule = parse_rule({"type": "holds_credential", "credential": "x", "label": "Level 1"})
    assert describe(rule) == (
        "Earn this credential by meeting the following requirement:\n"
        "- Hold the credential **Level 1**."
    )


def test_author_text_cannot_inject_markdown():
    rule = parse_rule(
        {"type": "block_score", "block": CAPSTONE, "min": 0.8,
         "label": "**Final** [click](https://evil.example) _x_ <b>"}
    )  # fmt: skip
    assert describe(rule).splitlines()[1] == (
        r"- Score at least 80% on **\*\*Final\*\* \[click\](https://evil.example) \_x\_ \<b\>**."
    )


def test_the_readme_example_parses_and_describes_as_documented():
    readme = (Path(package.__file__).parent / "README.md").read_text(encoding="utf-8")
    example = readme.split("```json\n", 1)[1].split("```", 1)[0]
    narrative = readme.split("```markdown\n", 1)[1].split("```", 1)[0]
    assert describe(parse_rule(example)) == narrative.strip()
