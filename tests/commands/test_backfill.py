"""microcreds_backfill: idempotent, resumable retroactive awarding."""

import json
import tempfile

import pytest
from django.core.management.base import CommandError

from openedx_microcreds.management.backfill import Checkpoint, default_checkpoint_path
from openedx_microcreds.models import Award, CredentialDefinition, Evaluation
from openedx_microcreds.platform import PlatformError
from sandbox import scenario
from sandbox.fake_platform import FakePlatform

pytestmark = pytest.mark.django_db(transaction=True)

COURSE = scenario.DATA_COURSE


@pytest.fixture
def checkpoint(tmp_path):
    return tmp_path / "checkpoint.json"


@pytest.fixture
def backfill(run, checkpoint):
    def backfill(*args, course=COURSE):
        return run("microcreds_backfill", course, "--checkpoint", str(checkpoint), *args).stdout

    return backfill


@pytest.fixture
def grade_reads(monkeypatch):
    """Records the user id of every grade read; ``interrupt_at`` makes that read (1-based) raise
    KeyboardInterrupt, as a Ctrl-C in the middle of the run would."""
    original = FakePlatform.read_grades
    reads = {"users": [], "interrupt_at": None}

    def read_grades(self, user_id, course_key, **kwargs):
        reads["users"].append(user_id)
        if len(reads["users"]) == reads["interrupt_at"]:
            raise KeyboardInterrupt
        return original(self, user_id, course_key, **kwargs)

    monkeypatch.setattr(FakePlatform, "read_grades", read_grades)
    return reads


def _summary(out):
    lines = dict(line.split(":", 1) for line in out.splitlines() if ":" in line)
    return {
        key: int(lines[label].split()[0])
        for key, label in (
            ("learners", "Learners processed"),
            ("awarded", "Awarded"),
            ("not_met", "Not met"),
            ("already_held", "Already held"),
            ("failed", "Failed"),
        )
    }


def _awarded():
    return sorted(
        Award.objects.filter(definition__slug="data-analyst").values_list(
            "user__username", flat=True
        )
    )


def test_backfill_awards_everyone_who_qualifies(backfill, learners, checkpoint, grade_reads):
    out = backfill("--no-progress")
    assert _summary(out) == {
        "learners": 4,
        "awarded": 2,
        "not_met": 2,
        "already_held": 0,
        "failed": 0,
    }
    assert "awards/s" in out and "Elapsed:" in out and "Backfill complete." in out
    assert _awarded() == ["ada", "cy"]
    assert grade_reads["users"] == sorted(grade_reads["users"])  # ascending user ids
    evaluation = Evaluation.objects.get(user__username="bob")
    assert evaluation.outcome == "not_met" and evaluation.event_type == "microcreds.backfill"
    award = Award.objects.get(user__username="ada")
    assert award.triggering_event_id.startswith("backfill:")
    assert not checkpoint.exists()  # done: the next run starts afresh


def test_running_twice_awards_nothing_new(backfill, learners):
    backfill()
    awards = list(Award.objects.values_list("pk", flat=True))
    out = backfill()
    assert _summary(out) == {
        "learners": 4,
        "awarded": 0,
        "not_met": 2,
        "already_held": 2,
        "failed": 0,
    }
    assert list(Award.objects.values_list("pk", flat=True)) == awards


def test_limit_stops_and_the_next_run_resumes(backfill, learners, checkpoint, grade_reads):
    first = backfill("--limit", "2", "--batch-size", "1")
    assert _summary(first)["learners"] == 2
    assert "Stopped after 2 learner(s) (--limit); 2 left" in first
    saved = json.loads(checkpoint.read_text())
    assert saved["course_key"] == COURSE
    assert saved["last_user_id"] == learners["bob"].id
    assert saved["totals"]["learners"] == 2 and saved["totals"]["awarded"] == 1
    assert _awarded() == ["ada"]

    second = backfill()
    assert f"Resuming after user id {learners['bob'].id}" in second
    assert _summary(second) == {
        "learners": 2,
        "awarded": 1,
        "not_met": 1,
        "already_held": 0,
        "failed": 0,
    }
    assert "Since the backfill began: 4 learner(s), 2 awarded, 0 failed." in second
    assert "Backfill complete." in second
    assert _awarded() == ["ada", "cy"]
    # Each learner was read exactly once over the two runs, in ascending order.
    ids = [learners[name].id for name in ("ada", "bob", "cy", "dee")]
    assert grade_reads["users"] == ids
    assert not checkpoint.exists()


def test_an_interrupted_run_resumes_after_the_last_learner_done(
    backfill, learners, checkpoint, grade_reads
):
    grade_reads["interrupt_at"] = 3  # while evaluating cy
    with pytest.raises(CommandError, match="interrupted; progress saved in .*resume"):
        backfill()
    saved = json.loads(checkpoint.read_text())
    assert saved["last_user_id"] == learners["bob"].id
    assert saved["totals"] == {
        "learners": 2,
        "awarded": 1,
        "not_met": 1,
        "already_held": 0,
        "failed": 0,
    }
    assert _awarded() == ["ada"]

    grade_reads["interrupt_at"] = None
    out = backfill()
    assert _summary(out)["learners"] == 2 and _summary(out)["awarded"] == 1
    assert _awarded() == ["ada", "cy"]
    assert Award.objects.filter(user__username="ada").count() == 1


def test_a_crash_between_checkpoints_repeats_work_but_never_awards_twice(
    backfill, learners, checkpoint
):
    backfill("--limit", "3")
    Checkpoint(checkpoint, COURSE, None).save()  # as if the last checkpoint were lost
    out = backfill()
    assert _summary(out) == {
        "learners": 4,
        "awarded": 0,
        "not_met": 2,
        "already_held": 2,
        "failed": 0,
    }
    assert _awarded() == ["ada", "cy"]


def test_platform_failures_are_counted_recorded_and_retryable(
    run, backfill, learners, fake_platform
):
    fake_platform.fail_next_grade_read(PlatformError("grades service timed out"))
    out = backfill()
    assert _summary(out)["failed"] == 1 and _summary(out)["awarded"] == 1
    assert "--retry-failed" in out
    failed = Evaluation.objects.get(outcome="failed")
    assert failed.user.username == "ada" and "timed out" in failed.error
    assert "1 now succeed (1 awarded" in run("microcreds_evaluate", "--retry-failed").stdout
    assert _awarded() == ["ada", "cy"]


def test_restart_ignores_the_checkpoint(backfill, learners, checkpoint):
    backfill("--limit", "2")
    out = backfill("--restart", "--limit", "1")
    assert "Resuming" not in out
    assert _summary(out)["already_held"] == 1  # ada again
    assert json.loads(checkpoint.read_text())["last_user_id"] == learners["ada"].id


def test_a_checkpoint_of_another_backfill_is_refused(backfill, learners, checkpoint):
    Checkpoint(checkpoint, scenario.VIZ_COURSE, None, last_user_id=5).save()
    with pytest.raises(CommandError, match="belongs to another backfill.*--restart"):
        backfill()
    Checkpoint(checkpoint, COURSE, "data-analyst", last_user_id=5).save()
    with pytest.raises(CommandError, match="another backfill"):
        backfill()
    checkpoint.write_text("{not json")
    with pytest.raises(CommandError, match="is unusable"):
        backfill()
    backfill("--restart")
    assert _awarded() == ["ada", "cy"]


def test_default_checkpoint_lives_in_the_temp_dir(run, learners, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    path = default_checkpoint_path(COURSE)
    assert path == tmp_path / "microcreds-backfill-course-v1_DemoX_Data101_2026.json"
    assert default_checkpoint_path(COURSE, "data-analyst").name.endswith("2026-data-analyst.json")
    run("microcreds_backfill", COURSE, "--limit", "1")
    assert json.loads(path.read_text())["last_user_id"] == learners["ada"].id
    run("microcreds_backfill", COURSE)
    assert not path.exists()


def test_one_definition_and_stacked_credentials(run, backfill, learners, fake_platform):
    ada = learners["ada"]
    scenario.grade_visualizer(ada, exam=0.85, percent=0.8)
    backfill(course=scenario.VIZ_COURSE)
    out = backfill("--definition", "data-analyst")
    assert "Backfilling data-analyst for 4 learner(s)" in out
    slugs = set(Award.objects.filter(user_id=ada.id).values_list("definition__slug", flat=True))
    assert slugs == {"data-analyst", "data-visualizer", "data-pathway"}  # the pathway stacked


def test_enrolled_user_missing_counts_as_failed(backfill, learners, fake_platform):
    fake_platform.enroll(999_999, COURSE)
    out = backfill()
    assert _summary(out)["learners"] == 5 and _summary(out)["failed"] == 1


def test_errors(backfill, learners, tmp_path):
    with pytest.raises(CommandError, match="unknown course"):
        backfill(course="course-v1:Nope+X+1")
    with pytest.raises(CommandError, match="--batch-size must be a positive"):
        backfill("--batch-size", "0")
    with pytest.raises(CommandError, match="--limit must be a positive"):
        backfill("--limit", "0")
    with pytest.raises(CommandError, match="no credential definition with slug 'nope'"):
        backfill("--definition", "nope")
    with pytest.raises(CommandError, match="belongs to course"):
        backfill("--definition", "data-visualizer")
    with pytest.raises(CommandError, match="directory .* does not exist"):
        backfill("--checkpoint", str(tmp_path / "missing" / "c.json"))
    CredentialDefinition.objects.filter(slug="data-analyst").update(state="draft")
    with pytest.raises(CommandError, match="data-analyst is draft"):
        backfill("--definition", "data-analyst")
    with pytest.raises(CommandError, match="has no active credential definitions"):
        backfill()
    assert not Award.objects.exists()


def test_status_list_slots_counted_in_blocks_are_given_back(backfill, learners, grade_reads):
    """A batch counts status list slots 64 at a time; what it did not use goes back, so the
    list's count is the number of credentials on it, interrupted batch or not."""
    from openedx_microcreds.models import StatusList

    def allocated() -> int:
        return sum(StatusList.objects.values_list("allocated", flat=True))

    grade_reads["interrupt_at"] = 3
    with pytest.raises(CommandError):
        backfill()
    assert allocated() == Award.objects.count() >= 1
    grade_reads["interrupt_at"] = None
    backfill()
    assert allocated() == Award.objects.count() > 1
    indexes = list(Award.objects.values_list("status_list_id", "status_index"))
    assert len(set(indexes)) == len(indexes)
