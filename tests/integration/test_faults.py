"""
Faults during a flood of grade events, on MariaDB with a real Celery worker on Redis: the
database unreachable for 10 s, pool children killed, the whole worker killed and restarted.

After recovery every eligible learner holds exactly one credential, with no manual step: no
``--retry-failed``, no backfill, no beat process (Tutor runs none by default). What brings the
work back is the durable pending record, the tasks' own retries, a worker's start-up sweep and
the sweeps workers run after their tasks.

Each test prints one line of figures (events, awards expected and held, duplicates, time to
recover), which ``-s`` shows.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass

import pytest

from openedx_microcreds.models import Award, PendingEvaluation
from sandbox import scenario
from tests.celery_support import publishing_to

from .support import celery_worker_args

pytestmark = pytest.mark.django_db(transaction=True)

LEARNERS = 60  # of which two in three meet the rule
EVENTS_PER_LEARNER = 5
STALE_SECONDS = 5
SWEEP_SECONDS = 2
RECOVERY_TIMEOUT = 240


@dataclass
class Flood:
    eligible: list
    others: list
    events: int = 0


@pytest.fixture
def fault_env(world, redis_url, run_id, settings):
    """Broker and shared cache of this test, and the environment of its workers."""
    broker_url = f"{redis_url}/14"
    cache_url = f"{redis_url}/15"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": run_id,
        }
    }
    queue = f"microcreds.faults.{run_id}"
    settings.MICROCREDS_CELERY_QUEUE = queue
    env = {
        "MICROCREDS_CELERY_BROKER": broker_url,
        "MICROCREDS_IT_QUEUE": queue,
        "MICROCREDS_IT_CACHE_URL": cache_url,
        "MICROCREDS_IT_CACHE_PREFIX": run_id,
        "MICROCREDS_IT_STALE_SECONDS": str(STALE_SECONDS),
        "MICROCREDS_IT_SWEEP_SECONDS": str(SWEEP_SECONDS),
        # Give up on a silent database quickly (operators set such timeouts too).
        "MICROCREDS_IT_DB_TIMEOUT": "3",
    }
    yield broker_url, queue, env
    _delete_queue(broker_url, queue)


def _delete_queue(broker_url: str, queue: str) -> None:
    import contextlib

    from kombu import Connection

    with Connection(broker_url, connect_timeout=5) as connection:
        channel = connection.default_channel
        with contextlib.suppress(Exception):
            channel.queue_delete(queue)
        for key in channel.client.scan_iter(f"_kombu.binding*.{queue}"):
            channel.client.delete(key)


def start_worker(procs, world, run_id, env: dict, name: str = "worker", concurrency: int = 2):
    worker = procs.start(
        name,
        celery_worker_args(env["MICROCREDS_IT_QUEUE"], f"{name}-{run_id}", concurrency=concurrency),
        world.env(**env),
    )
    procs.wait_for(f"{name} to be ready", lambda: " ready." in worker.log(), must_run=[worker])
    return worker


def seed(world, learners: int = LEARNERS) -> Flood:
    eligible, others = [], []
    for n in range(learners):
        if n % 3:
            eligible.append(world.add_passing_learner(f"learner{n}"))
        else:
            learner = world.add_passing_learner(f"learner{n}")
            # Misses the capstone: evaluated, never awarded.
            scenario.grade_analyst(learner, capstone=0.5, analysis=(0.9, 0.9), percent=0.9)
            others.append(learner)
    return Flood(eligible, others)


def send_events(flood: Flood, broker_url: str, rounds: range) -> None:
    everyone = flood.eligible + flood.others
    with publishing_to(broker_url):
        for _ in rounds:
            for learner in everyone:
                scenario.send_passing_status(learner, scenario.DATA_COURSE)
                flood.events += 1


def awarded_users() -> Counter:
    return Counter(
        Award.objects.active()
        .filter(definition__slug="data-analyst")
        .values_list("user_id", flat=True)
    )


def wait_for_recovery(procs, flood: Flood, started: float, workers) -> float:
    """Wait until every eligible learner holds the credential and no work is left pending;
    returns the seconds it took from ``started``."""
    wanted = {learner.id for learner in flood.eligible}

    def recovered():
        held = awarded_users()
        left = PendingEvaluation.objects.exclude(state="done").count()
        return set(held) >= wanted and left == 0

    procs.wait_for(
        "every eligible learner to hold the credential and no work to be left pending",
        recovered,
        timeout=RECOVERY_TIMEOUT,
        interval=0.5,
        must_run=workers,
    )
    return time.monotonic() - started


def check_outcome(procs, flood: Flood, fault: str, recovery: float) -> None:
    held = awarded_users()
    duplicates = {user: count for user, count in held.items() if count > 1}
    wrongly = set(held) & {learner.id for learner in flood.others}
    figures = {
        "fault": fault,
        "events": flood.events,
        "awards_expected": len(flood.eligible),
        "awards_held": sum(held.values()),
        "duplicates": len(duplicates),
        "awarded_to_ineligible": len(wrongly),
        "seconds_to_recover": round(recovery, 1),
    }
    print("\nFAULT-TEST " + json.dumps(figures))
    procs.check(not duplicates, f"duplicate awards: {duplicates}")
    procs.check(not wrongly, f"awards to learners who do not meet the rule: {wrongly}")
    procs.check(
        sum(held.values()) == len(flood.eligible), f"unexpected awards: {json.dumps(figures)}"
    )
    failed = list(PendingEvaluation.objects.filter(state="failed").values("scope", "last_error"))
    procs.check(not failed, f"work gave up: {failed}")


def test_database_unreachable_for_ten_seconds_mid_flood(world, procs, run_id, fault_env):
    broker_url, _queue, env = fault_env
    proxy = procs.start(
        "mariadb-proxy",
        [sys.executable, "-m", "tests.integration.tcp_proxy", "127.0.0.1", "3306"],
        world.env(),
    )
    port = procs.wait_for(
        "the proxy to listen",
        lambda: next(
            (line.split()[-1] for line in proxy.log().splitlines() if "listening" in line), None
        ),
        must_run=[proxy],
    )
    worker = start_worker(procs, world, run_id, {**env, "MICROCREDS_MYSQL_PORT": port})
    flood = seed(world)

    send_events(flood, broker_url, range(2))
    procs.wait_for("the first awards", lambda: len(awarded_users()) >= 5, must_run=[worker])
    os.kill(proxy.popen.pid, signal.SIGSTOP)  # the workers' database is unreachable
    try:
        send_events(flood, broker_url, range(2, EVENTS_PER_LEARNER))  # the LMS carries on
        time.sleep(10)
    finally:
        os.kill(proxy.popen.pid, signal.SIGCONT)
    resumed = time.monotonic()
    recovery = wait_for_recovery(procs, flood, resumed, [worker, proxy])
    procs.check("database error while running" in worker.log(), "the outage never reached a task")
    check_outcome(procs, flood, "database unreachable for 10 s", recovery)


def test_pool_children_killed_during_a_flood(world, procs, run_id, fault_env):
    import psutil

    broker_url, _queue, env = fault_env
    worker = start_worker(procs, world, run_id, env)
    flood = seed(world, learners=6 * LEARNERS)  # enough work to kill children mid-task
    send_events(flood, broker_url, range(EVENTS_PER_LEARNER))
    kills = 0
    while kills < 6 and len(awarded_users()) < len(flood.eligible):
        for child in psutil.Process(worker.popen.pid).children():
            try:
                child.send_signal(signal.SIGKILL)  # the pool starts a new child in its place
            except psutil.NoSuchProcess:
                continue
            kills += 1
            break
        time.sleep(0.25)
    started = time.monotonic()
    recovery = wait_for_recovery(procs, flood, started, [worker])
    procs.check(kills == 6, f"only {kills} kills happened before the flood was done")
    procs.check("exited prematurely" in worker.log(), "no task was lost with a killed child")
    check_outcome(procs, flood, f"{kills} pool children SIGKILLed", recovery)


def test_whole_worker_killed_and_restarted(world, procs, run_id, fault_env):
    broker_url, _queue, env = fault_env
    first = start_worker(procs, world, run_id, env, name="worker-1")
    flood = seed(world)
    send_events(flood, broker_url, range(EVENTS_PER_LEARNER))
    procs.wait_for("the first awards", lambda: len(awarded_users()) >= 3, must_run=[first])
    first._signal_group(signal.SIGKILL)  # main process and pool children, mid-flood
    first.popen.wait(timeout=30)
    held_at_kill = len(awarded_users())
    # Its unacknowledged messages would come back only after Redis's one-hour visibility
    # timeout; a new worker must not need them.
    second = start_worker(procs, world, run_id, env, name="worker-2")
    started = time.monotonic()
    recovery = wait_for_recovery(procs, flood, started, [second])
    check_outcome(procs, flood, f"whole worker SIGKILLed with {held_at_kill} awards made", recovery)


DRY_RUN_LEARNERS = 600  # three batches of 200: time enough to kill the worker between two


def test_worker_killed_in_the_middle_of_a_dry_run(world, procs, run_id, fault_env):
    """The author's dry run must finish on another worker, with each learner counted once."""
    from openedx_microcreds import api
    from openedx_microcreds.models import DryRunJob, DryRunResult
    from openedx_microcreds.tasks import queue_dry_run
    from sandbox.fake_platform import FakePlatform

    broker_url, _queue, env = fault_env
    for n in range(DRY_RUN_LEARNERS):
        learner = FakePlatform.add_user(f"dry{n}", f"dry{n}@example.edu", f"Dry {n}")
        capstone = 0.9 if n % 4 else 0.5  # three in four would get it
        scenario.grade_analyst(learner, capstone=capstone, analysis=(0.9, 0.9), percent=0.9)
    job = DryRunJob.objects.create(
        course_key=scenario.DATA_COURSE, definition=api.get_definition("data-analyst")
    )
    first = start_worker(procs, world, run_id, env, name="worker-1", concurrency=1)
    with publishing_to(broker_url):
        queue_dry_run(job.pk)

    def part_done():
        job.refresh_from_db()
        return 0 < job.processed < DRY_RUN_LEARNERS

    procs.wait_for("the dry run's first batch", part_done, must_run=[first], interval=0.02)
    first._signal_group(signal.SIGKILL)
    first.popen.wait(timeout=30)
    job.refresh_from_db()
    left_at = (job.state, job.processed)
    second = start_worker(procs, world, run_id, env, name="worker-2", concurrency=1)
    started = time.monotonic()

    def finished():
        job.refresh_from_db()
        return job.state in ("done", "failed")

    procs.wait_for("the dry run to finish", finished, must_run=[second], timeout=RECOVERY_TIMEOUT)
    users = list(DryRunResult.objects.filter(job=job).values_list("user_id", flat=True))
    would = DRY_RUN_LEARNERS * 3 // 4
    expected = {
        "would_award": would,
        "not_met": DRY_RUN_LEARNERS - would,
        "already_held": 0,
        "errors": 0,
    }
    print(
        f"dry run: worker killed at {left_at}; finished in {time.monotonic() - started:.1f} s "
        f"after a new worker started, attempt {job.attempt}, counts {job.counts}"
    )
    procs.check(left_at[0] == "running", f"the worker was killed at {left_at}, not mid-run")
    procs.check(job.state == "done", f"the job ended {job.state}: {job.error}")
    procs.check(job.attempt == 2, f"the job was started {job.attempt} times")
    procs.check(len(users) == len(set(users)) == DRY_RUN_LEARNERS, f"{len(users)} result rows")
    procs.check(job.counts == expected, f"counts {job.counts}")
