"""microcreds_evaluate: dry runs, real runs, CSV, filters, retrying failures."""

import csv

import pytest
from django.core.management.base import CommandError

from openedx_microcreds.models import (
    Award,
    CredentialDefinition,
    Evaluation,
    SigningKey,
    StatusList,
)
from openedx_microcreds.platform import PlatformError
from sandbox import scenario

pytestmark = pytest.mark.django_db(transaction=True)

COURSE = scenario.DATA_COURSE


def _table(out):
    """{(learner, definition): (outcome, reason)} from the printed table."""
    header, *lines = out.splitlines()
    assert header.split() == ["LEARNER", "DEFINITION", "OUTCOME", "REASON"]
    starts = [header.index(name) for name in ("DEFINITION", "OUTCOME", "REASON")]
    rows = {}
    for line in lines:
        if " learner(s), " in line:  # the summary after the table
            break
        learner = line[: starts[0]].strip()
        definition = line[starts[0] : starts[1]].strip()
        outcome = line[starts[1] : starts[2]].strip()
        rows[(learner, definition)] = (outcome, line[starts[2] :])
    return rows


def _nothing_written():
    return (
        not Award.objects.exists()
        and not Evaluation.objects.exists()
        and all(status.allocated == 0 for status in StatusList.objects.all())
    )


# --- dry run ---------------------------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing(run, learners):
    out = run("microcreds_evaluate", COURSE, "--dry-run").stdout
    rows = _table(out)
    assert rows[("ada", "data-analyst")][0] == "would award"
    assert rows[("cy", "data-analyst")][0] == "would award"
    outcome, reason = rows[("bob", "data-analyst")]
    assert outcome == "not met"
    assert "Capstone project" in reason and "72" in reason and "80" in reason
    assert "\n" not in reason
    outcome, reason = rows[("dee", "data-analyst")]
    assert outcome == "not met" and ";" in reason  # several failing clauses
    assert (
        "4 learner(s), 4 evaluation(s): 2 would award, 2 not met, 0 already held, 0 failed" in out
    )
    assert "dry run: nothing written" in out
    assert _nothing_written()


def test_dry_run_failures_are_not_recorded(run, learners, fake_platform):
    fake_platform.fail_next_grade_read(PlatformError("grades service timed out"))
    out = run("microcreds_evaluate", COURSE, "--dry-run").stdout
    outcome, reason = _table(out)[("ada", "data-analyst")]
    assert outcome == "failed" and "grades service timed out" in reason
    assert _nothing_written()


def test_dry_run_shows_credentials_already_held(run, learners):
    run("microcreds_evaluate", COURSE, "--user", "ada")
    awards = Award.objects.count()
    evaluations = Evaluation.objects.count()
    rows = _table(run("microcreds_evaluate", COURSE, "--dry-run").stdout)
    assert rows[("ada", "data-analyst")][0] == "already held"
    assert rows[("cy", "data-analyst")][0] == "would award"
    assert (Award.objects.count(), Evaluation.objects.count()) == (awards, evaluations)


# --- real run --------------------------------------------------------------------------------


def test_real_run_awards_and_records(run, learners):
    out = run("microcreds_evaluate", COURSE).stdout
    rows = _table(out)
    assert rows[("ada", "data-analyst")][0] == "awarded"
    assert rows[("bob", "data-analyst")][0] == "not met"
    awarded = set(
        Award.objects.filter(definition__slug="data-analyst").values_list(
            "user__username", flat=True
        )
    )
    assert awarded == {"ada", "cy"}
    evaluation = Evaluation.objects.get(user__username="bob", definition__slug="data-analyst")
    assert evaluation.outcome == "not_met" and evaluation.event_type == "microcreds.evaluate"
    assert evaluation.course_key == COURSE

    again = _table(run("microcreds_evaluate", COURSE).stdout)
    assert again[("ada", "data-analyst")][0] == "already held"
    assert Award.objects.filter(definition__slug="data-analyst").count() == 2


def test_csv_has_the_full_explanation(run, learners, tmp_path):
    path = tmp_path / "results.csv"
    out = run("microcreds_evaluate", COURSE, "--dry-run", "--csv", str(path)).stdout
    assert "Wrote 4 row(s)" in out and "LEARNER" not in out
    with path.open(newline="") as stream:
        rows = {row["username"]: row for row in csv.DictReader(stream)}
    assert set(rows) == {"ada", "bob", "cy", "dee"}
    bob = rows["bob"]
    assert bob["definition"] == "data-analyst" and bob["outcome"] == "not met"
    assert "Capstone project" in bob["reason"]
    explanation = bob["explanation"].splitlines()
    assert explanation[0].startswith("[fail]")
    assert any("[pass]" in line for line in explanation)
    assert any("[capstone]" in line and "[fail]" in line for line in explanation)
    assert any("weight" in line for line in explanation)  # the competency's blocks
    assert rows["ada"]["outcome"] == "would award"
    assert _nothing_written()


def test_csv_path_is_checked_before_anything_is_awarded(run, learners, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        run("microcreds_evaluate", COURSE, "--csv", str(tmp_path / "no" / "results.csv"))
    assert _nothing_written()


# --- filters ---------------------------------------------------------------------------------


def test_one_learner(run, learners):
    rows = _table(run("microcreds_evaluate", COURSE, "--dry-run", "--user", "bob").stdout)
    assert set(rows) == {("bob", "data-analyst")}


def test_unknown_or_unenrolled_learner(run, learners, fake_platform):
    with pytest.raises(CommandError, match="no user named 'zed'"):
        run("microcreds_evaluate", COURSE, "--user", "zed")
    fake_platform.add_user("eve")
    with pytest.raises(CommandError, match="eve is not enrolled"):
        run("microcreds_evaluate", COURSE, "--user", "eve")


def test_definition_filter(run, learners):
    with pytest.raises(CommandError, match="no credential definition with slug 'nope'"):
        run("microcreds_evaluate", COURSE, "--definition", "nope")
    with pytest.raises(CommandError, match="belongs to course course-v1:DemoX\\+Viz201"):
        run("microcreds_evaluate", COURSE, "--definition", "data-visualizer")

    # A pathway can be tried out on the course's learners even when it reads no grades there.
    rows = _table(
        run("microcreds_evaluate", COURSE, "--dry-run", "--definition", "data-pathway").stdout
    )
    assert {definition for _learner, definition in rows} == {"data-pathway"}
    assert rows[("ada", "data-pathway")][0] == "not met"


def test_drafts_can_only_be_tried_out(run, learners):
    CredentialDefinition.objects.filter(slug="data-analyst").update(state="draft")
    with pytest.raises(CommandError, match="has no active credential definitions"):
        run("microcreds_evaluate", COURSE)
    with pytest.raises(CommandError, match="data-analyst is draft.*--dry-run"):
        run("microcreds_evaluate", COURSE, "--definition", "data-analyst")
    rows = _table(
        run("microcreds_evaluate", COURSE, "--dry-run", "--definition", "data-analyst").stdout
    )
    assert rows[("ada", "data-analyst")][0] == "would award"
    assert _nothing_written()


def test_unknown_course(run, learners):
    with pytest.raises(CommandError, match="unknown course course-v1:Nope\\+X\\+1"):
        run("microcreds_evaluate", "course-v1:Nope+X+1")
    with pytest.raises(CommandError, match="'garbage' is not a course key"):
        run("microcreds_evaluate", "garbage")
    with pytest.raises(CommandError, match="give a COURSE_KEY"):
        run("microcreds_evaluate")
    with pytest.raises(CommandError, match="--limit goes with --retry-failed"):
        run("microcreds_evaluate", COURSE, "--limit", "3")


def test_a_course_without_learners(run, catalogue):
    out = run("microcreds_evaluate", COURSE, "--dry-run").stdout
    assert "No learners are enrolled" in out


# --- retrying failures -----------------------------------------------------------------------


def test_retry_failed(run, learners, fake_platform):
    SigningKey.objects.get().retire()
    run("microcreds_evaluate", COURSE)
    failed = Evaluation.objects.filter(outcome="failed")
    assert set(failed.values_list("user__username", flat=True)) == {"ada", "cy"}
    assert "no active signing key" in failed.first().error

    still = run("microcreds_evaluate", "--retry-failed", "--limit", "1").stdout
    assert "Retried 1 failed evaluation(s): 0 now succeed" in still
    assert "1 still failing" in still and "2 failed evaluation(s) remain" in still

    run("microcreds_keys", "generate", "--issuer", "Example University")
    out = run("microcreds_evaluate", "--retry-failed", COURSE).stdout
    assert "Retried 2 failed evaluation(s): 2 now succeed (2 awarded" in out
    assert not Evaluation.objects.filter(outcome="failed").exists()
    assert Award.objects.filter(definition__slug="data-analyst").count() == 2
    assert "No failed evaluations" in run("microcreds_evaluate", "--retry-failed").stdout


def test_retry_failed_of_another_course_only(run, learners):
    SigningKey.objects.get().retire()
    run("microcreds_evaluate", COURSE)
    out = run("microcreds_evaluate", "--retry-failed", scenario.VIZ_COURSE).stdout
    assert "No failed evaluations" in out


def test_retry_failed_refuses_other_options(run, db):
    with pytest.raises(CommandError, match="cannot be combined with --dry-run, --user"):
        run("microcreds_evaluate", "--retry-failed", "--dry-run", "--user", "ada")
    with pytest.raises(CommandError, match="--limit must be a positive"):
        run("microcreds_evaluate", "--retry-failed", "--limit", "0")
