"""Dry-run jobs whose worker died are started again by the sweep, with no manual step, and a
worker that was only slow stops writing once the job was started again elsewhere.

(The integration tier kills a real worker in the middle of a dry run:
tests/integration/test_faults.py.)"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from openedx_microcreds import dryrun, tasks
from openedx_microcreds.models import DryRunJob, DryRunResult
from sandbox.fake_platform import FakePlatform

from .conftest import DATA

pytestmark = pytest.mark.django_db

DRAFT = {"rule": {"type": "course_grade", "min": 0.85}, "course_key": DATA}
EXPECTED = {"would_award": 1, "not_met": 1, "already_held": 0, "errors": 0}


def _stale(settings) -> datetime:
    return timezone.now() - timedelta(seconds=settings.MICROCREDS_PENDING_STALE_SECONDS + 1)


def test_a_job_its_worker_left_running_is_run_again_by_the_sweep(people, settings):
    job = DryRunJob.objects.create(
        course_key=DATA,
        draft=DRAFT,
        state=DryRunJob.State.RUNNING,
        attempt=1,
        total=2,
        processed=1,
        counts={"would_award": 1},
        heartbeat_at=_stale(settings),
    )
    # What the dead worker had stored before it died.
    DryRunResult.objects.create(job=job, user_id=people["ada"].pk, username="ada", outcome="x")

    assert tasks.sweep() >= 1  # eager here: the job runs inside the sweep
    job.refresh_from_db()
    assert (job.state, job.attempt, job.processed, job.counts) == ("done", 2, 2, EXPECTED)
    rows = sorted(job.results.values_list("username", "outcome"))
    assert rows == [("ada", "would_award"), ("bob", "not_met")]


def test_a_job_still_making_progress_is_left_alone(people, settings):
    job = DryRunJob.objects.create(
        course_key=DATA,
        draft=DRAFT,
        state=DryRunJob.State.RUNNING,
        attempt=1,
        heartbeat_at=timezone.now(),
    )
    assert dryrun.restart_stalled(settings.MICROCREDS_PENDING_STALE_SECONDS) == []
    job.refresh_from_db()
    assert (job.state, job.attempt) == ("running", 1)


def test_a_job_that_stalls_again_and_again_fails_with_the_reason(people, settings):
    job = DryRunJob.objects.create(
        course_key=DATA,
        draft=DRAFT,
        state=DryRunJob.State.RUNNING,
        attempt=dryrun.MAX_ATTEMPTS,
        heartbeat_at=_stale(settings),
    )
    assert dryrun.restart_stalled(settings.MICROCREDS_PENDING_STALE_SECONDS) == []
    job.refresh_from_db()
    assert job.state == "failed"
    assert job.error == f"its worker stopped {dryrun.MAX_ATTEMPTS} times before it finished"


def test_a_queued_job_whose_message_was_lost_is_sent_again_once_per_interval(people, settings):
    stale = settings.MICROCREDS_PENDING_STALE_SECONDS
    job = DryRunJob.objects.create(course_key=DATA, draft=DRAFT, created=_stale(settings))
    assert dryrun.restart_stalled(stale) == [job.pk]
    assert dryrun.restart_stalled(stale) == []  # sent a moment ago: not again yet
    forgotten = DryRunJob.objects.create(
        course_key=DATA, draft=DRAFT, created=timezone.now() - timedelta(days=2)
    )
    assert dryrun.restart_stalled(stale) == []
    forgotten.refresh_from_db()
    assert (forgotten.state, forgotten.error) == ("failed", "no worker took it within a day")


class _SlowWorkerPlatform(FakePlatform):
    """While this worker reads the course's learners, it is taken for dead: the sweep starts
    the job again and another worker runs it to the end."""

    def enrolled_learners(self, course_key):
        job = DryRunJob.objects.get()
        DryRunJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(days=1))
        assert dryrun.restart_stalled(60) == [job.pk]
        assert dryrun.run_job(job.pk).state == "done"  # the other worker
        yield from super().enrolled_learners(course_key)


def test_a_slow_worker_stops_when_the_job_was_started_again_elsewhere(people):
    job = DryRunJob.objects.create(course_key=DATA, draft=DRAFT)
    slow = dryrun.run_job(job.pk, platform=_SlowWorkerPlatform())
    assert (slow.state, slow.attempt, slow.processed, slow.counts) == ("done", 2, 2, EXPECTED)
    assert job.results.count() == 2  # the slow run wrote nothing
