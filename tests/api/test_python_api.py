"""The Python API (api.py): authoring with checks against the course, edit tags, states,
duplicates into another run, dry runs and real runs, reports."""

from __future__ import annotations

import datetime

import pytest

from openedx_microcreds import api
from openedx_microcreds.models import Award, CredentialDefinition, Evaluation
from sandbox import scenario

from .conftest import DATA, VIZ

pytestmark = pytest.mark.django_db

NEW_RULE = {"type": "all", "of": [{"type": "course_passed"}, {"type": "course_grade", "min": 0.7}]}


def codes(problems):
    return {(problem.path, problem.code) for problem in problems}


# --- checks ---------------------------------------------------------------------------------


def test_rule_checks_against_the_course(catalogue):
    rule = {
        "type": "all",
        "of": [
            {
                "type": "block_score",
                "min": 0.5,
                "block": scenario.CAPSTONE.replace("capstone", "nope"),
            },
            {"type": "assignment_average", "assignment_type": "Quiz", "min": 0.5},
            {"type": "holds_credential", "credential": "no-such-credential"},
            {
                "type": "weighted_average",
                "min": 0.5,
                "blocks": [
                    {"block": "block-v1:DemoX+Data101+2026+type@sequential+block@lab2"},
                    {"block": scenario.ANALYSIS_2},
                ],
            },
            {
                "type": "block_score",
                "min": 0.5,
                "block": "block-v1:DemoX+Data101+2026+type@sequential+block@intro",
            },
            {"type": "course_passed", "course": "course-v1:Nope+X+2026"},
        ],
    }
    problems = api.validate_rule(rule, course_key=DATA)
    assert codes(problems) == {
        ("$.of[0].block", "unknown_block"),
        ("$.of[1].assignment_type", "unknown_assignment_type"),
        ("$.of[2].credential", "unknown_credential"),
        ("$.of[3].blocks[1].block", "overlapping_blocks"),
        ("$.of[4].block", "block_not_graded"),
        ("$.of[5].course", "unknown_course"),
    }
    severities = {p.code: p.severity for p in problems}
    assert severities["overlapping_blocks"] == severities["block_not_graded"] == "warning"
    assert severities["unknown_block"] == "error"
    assert "Homework, Exam" in next(
        p.message for p in problems if p.code == "unknown_assignment_type"
    )


def test_the_demo_rules_are_clean(catalogue):
    for definition in CredentialDefinition.objects.all():
        assert (
            api.validate_rule(
                definition.rule, course_key=definition.course_key, slug=definition.slug
            )
            == []
        )


def test_stacking_cycles_are_found_through_other_definitions(catalogue):
    # data-pathway requires data-analyst; data-analyst requiring the pathway closes the circle.
    rule = {"type": "holds_credential", "credential": "data-pathway"}
    [problem] = api.validate_rule(rule, course_key=DATA, slug="data-analyst")
    assert (problem.path, problem.code) == ("$.credential", "stacking_cycle")
    assert problem.message.endswith("data-analyst -> data-pathway -> data-analyst")
    [itself] = api.validate_rule(
        {"type": "holds_credential", "credential": "data-analyst"},
        course_key=DATA,
        slug="data-analyst",
    )
    assert itself.code == "stacking_cycle"
    assert api.validate_rule(rule, course_key=DATA, slug="something-new") == []


def test_rule_engine_problems_keep_their_paths_and_get_codes(catalogue):
    problems = api.validate_rule(
        {"type": "all", "of": [{"type": "course_grade", "min": 80}]}, course_key=DATA
    )
    assert codes(problems) == {("$.of[0].min", "invalid_fraction")}


# --- writing --------------------------------------------------------------------------------


def test_create_fills_in_the_issuer_and_the_slug_and_checks_everything(catalogue):
    definition, warnings = api.create_definition(
        {"name": "Grade Keeper", "course_key": DATA, "rule": NEW_RULE}
    )
    assert (definition.slug, definition.state, definition.issuer) == (
        "grade-keeper",
        "draft",
        catalogue,
    )
    assert warnings == []
    again, _ = api.create_definition({"name": "Grade Keeper", "course_key": DATA, "rule": NEW_RULE})
    assert again.slug == "grade-keeper-2"
    with pytest.raises(api.InvalidInput) as caught:
        api.create_definition(
            {
                "name": "Bad",
                "course_key": DATA,
                "image_url": "javascript:alert(1)",
                "rule": {"type": "course_grade", "min": 80},
                "colour": "red",
            }
        )
    assert codes(caught.value.problems) == {("$.colour", "unknown_key")}
    with pytest.raises(api.InvalidInput) as caught:
        api.create_definition(
            {
                "name": "Bad",
                "course_key": DATA,
                "image_url": "javascript:alert(1)",
                "rule": {"type": "course_grade", "min": 80},
            }
        )
    assert codes(caught.value.problems) == {
        ("$.image_url", "invalid"),
        ("$.rule.min", "invalid_fraction"),
    }
    assert CredentialDefinition.objects.filter(name="Bad").count() == 0


def test_edits_name_the_state_they_were_made_on(catalogue):
    definition = api.get_definition("data-visualizer")
    tag = definition.edit_tag
    edited, _ = api.update_definition(
        "data-visualizer", {"description": "Charts!"}, expected_tag=tag
    )
    assert edited.version == definition.version + 1 and edited.edit_tag != tag
    with pytest.raises(api.StaleEdit) as caught:
        api.update_definition("data-visualizer", {"description": "Mine"}, expected_tag=tag)
    assert caught.value.current_tag == edited.edit_tag
    with pytest.raises(api.EditTagRequired):
        api.update_definition("data-visualizer", {"description": "Mine"}, expected_tag=None)
    # A change that is not content (no new version) still moves the tag on.
    flipped, _ = api.update_definition(
        "data-visualizer",
        {"revoke_on_certificate_revoked": True},
        expected_tag=f'W/"{edited.edit_tag}"',
    )
    assert flipped.version == edited.version and flipped.revision == edited.revision + 1
    with pytest.raises(api.StaleEdit):
        api.update_definition(
            "data-visualizer", {"description": "Mine"}, expected_tag=edited.edit_tag
        )
    assert api.get_definition("data-visualizer").description == "Charts!"


def test_a_refused_edit_changes_nothing(catalogue):
    before = api.get_definition("data-analyst")
    with pytest.raises(api.InvalidInput):
        api.update_definition(
            "data-analyst", {"name": "", "rule": {"type": "nope"}}, expected_tag=before.edit_tag
        )
    after = api.get_definition("data-analyst")
    assert (after.edit_tag, after.name, after.rule) == (before.edit_tag, before.name, before.rule)


def test_activation_is_checked_archiving_keeps_credentials(catalogue, fake_platform):
    draft, _ = api.create_definition({"name": "Empty", "course_key": DATA})
    with pytest.raises(api.InvalidInput) as caught:
        api.activate_definition(draft, expected_tag=draft.edit_tag)
    assert ("$.rule", "required") in codes(caught.value.problems)
    ready, _ = api.update_definition(draft, {"rule": NEW_RULE}, expected_tag=draft.edit_tag)
    from openedx_microcreds.models import SigningKey

    SigningKey.objects.update(state="rotated", active_marker=None)
    with pytest.raises(api.InvalidInput) as caught:
        api.activate_definition(ready, expected_tag=ready.edit_tag)
    assert ("$.issuer", "no_signing_key") in codes(caught.value.problems)
    SigningKey.objects.filter(key_id="key-1").update(state="active", active_marker=True)
    active, _ = api.activate_definition(ready, expected_tag=ready.edit_tag)
    assert active.state == "active"
    archived = api.archive_definition(active, expected_tag=active.edit_tag)
    assert archived.state == "archived"


def test_duplicate_into_another_run_moves_the_rule(catalogue, fake_platform):
    rerun = "course-v1:DemoX+Data101+2027"
    fake_platform.add_course(rerun, "Data Analysis with Python (2027)")
    fake_platform.set_outline(rerun, scenario.DATA_OUTLINE)
    copy, warnings = api.duplicate_definition(
        "data-analyst", course_key=rerun, slug="data-analyst-2027"
    )
    assert (copy.state, copy.course_key, copy.slug) == ("draft", rerun, "data-analyst-2027")
    assert copy.rule["of"][1]["block"] == scenario.CAPSTONE.replace("2026", "2027")
    assert {b["block"] for b in copy.rule["of"][2]["blocks"]} == {
        scenario.ANALYSIS_1.replace("2026", "2027"),
        scenario.ANALYSIS_2.replace("2026", "2027"),
    }
    assert warnings == [] and api.validate_rule(copy.rule, course_key=rerun) == []
    with pytest.raises(api.Conflict):
        api.duplicate_definition("data-analyst", slug="data-analyst-2027")


# --- evaluating -----------------------------------------------------------------------------


def test_dry_run_of_a_draft_rule_writes_nothing(people):
    job = api.start_dry_run(
        DATA, rule={"type": "course_grade", "min": 0.85}, requested_by=people["author"]
    )
    assert job.state == "done" and job.total == 2 and job.processed == 2
    assert job.counts == {"would_award": 1, "not_met": 1, "already_held": 0, "errors": 0}
    rows = {row.username: row for row in api.dry_run_results(job)}
    assert rows["ada"].outcome == "would_award" and rows["bob"].outcome == "not_met"
    assert "Course grade" in rows["bob"].reason and rows["bob"].explanation["passed"] is False
    assert Award.objects.count() == 1  # ada's, from the fixture
    with pytest.raises(api.InvalidInput) as caught:
        api.start_dry_run(DATA, rule={"type": "course_grade", "min": 8})
    assert codes(caught.value.problems) == {("$.rule.min", "invalid_fraction")}


def test_evaluate_course_awards_like_an_event(people, fake_platform):
    scenario.grade_analyst(people["bob"], capstone=0.9, analysis=(0.8, 0.9), percent=0.8)
    result = api.evaluate_course(DATA)
    by_user = {(row.username, row.definition): row.outcome for row in result.rows}
    assert by_user[("bob", "data-analyst")] == "awarded"
    assert by_user[("ada", "data-analyst")] == "already_held"
    assert (
        Evaluation.objects.filter(event_type="microcreds.evaluate", outcome="awarded").count() == 1
    )


# --- reports --------------------------------------------------------------------------------


def test_awards_over_time(people, committed):
    award = Award.objects.get()
    Award.objects.filter(pk=award.pk).update(
        issued_at=datetime.datetime(2026, 3, 10, tzinfo=datetime.UTC)
    )
    with committed():
        api.revoke_award(award, reason="mistake", by=people["author"])
    rows = api.awards_report(course_key=DATA, period="month")
    assert [(r.period.isoformat(), r.definition, r.issued, r.revoked) for r in rows] == [
        (datetime.date.today().replace(day=1).isoformat(), "data-analyst", 0, 1),
        ("2026-03-01", "data-analyst", 1, 0),
    ]
    csv_text = api.awards_report_csv(rows)
    assert csv_text.splitlines()[0] == "period,course_key,definition,name,issued,revoked"
    assert "2026-03-01,course-v1:DemoX+Data101+2026,data-analyst,Data Analyst,1,0" in csv_text
    assert api.awards_report(course_key=VIZ) == []
    with pytest.raises(api.InvalidInput):
        api.awards_report(period="year")


def test_validate_definition_saves_nothing(catalogue):
    problems = api.validate_definition(
        {"name": "Valid", "course_key": DATA, "rule": {"type": "course_grade", "min": 80}}
    )
    assert codes(problems) == {("$.rule.min", "invalid_fraction")}
    changes = api.validate_definition({"alignments": [{"targetName": "x"}]}, slug="data-analyst")
    assert ("$.alignments[0].targetUrl", "required") in codes(changes)
    assert api.validate_definition({"description": "Fine"}, slug="data-analyst") == []
    assert api.get_definition("data-analyst").description != "Fine"
    assert codes(api.validate_definition({"colour": "red"})) == {("$.colour", "unknown_key")}
