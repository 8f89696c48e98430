"""
A real Celery worker on a real broker (Redis, and RabbitMQ) against the MariaDB test database.

The test process plays the LMS: it sends COURSE_PASSING_STATUS_UPDATED through openedx-events,
so the plugin's receiver records the work and queues a wake-up on the broker. A separate
``celery worker`` process (prefork, two pool processes) evaluates, signs and stores the
credential, then wakes itself for the credentials that stack on it. The coalescing marks live
in a Redis cache shared by both sides, as in a deployment. Duplicates the coalescing cannot
catch (messages of the earlier task name, still in a broker during an upgrade), queued
directly, race in the two pool processes and still give one credential.
"""

from __future__ import annotations

import contextlib
import re
import uuid
from collections import Counter
from contextlib import contextmanager

import pytest
from celery.signals import after_task_publish

from openedx_microcreds.models import Award, Evaluation, PendingEvaluation
from openedx_microcreds.tasks import evaluate_learner
from openedx_microcreds.triggers import Trigger
from sandbox import scenario
from tests.celery_support import publishing_to

from .support import celery_worker_args, dump, verify_award

pytestmark = pytest.mark.django_db(transaction=True)

TASK = "openedx_microcreds.run_pending"
LEGACY_TASK = "openedx_microcreds.evaluate_learner"
FLOOD = 50
UNCOALESCED = 10
RESULT_LINE = re.compile(
    rf"Task (?:{re.escape(TASK)}|{re.escape(LEGACY_TASK)})\[(?P<id>[0-9a-f-]+)\] "
    r"(?P<how>succeeded|raised|failed|retry)(?: in [0-9.]+s: (?P<result>.*))?"
)


@contextmanager
def published_task_ids():
    ids: list[str] = []

    def record(sender=None, headers=None, body=None, **kwargs):
        if sender in (TASK, LEGACY_TASK):
            # Protocol 1 (the platform's, see sandbox/celery.py) carries the id in the body.
            ids.append((headers or {}).get("id") or body["id"])

    after_task_publish.connect(record, weak=False)
    try:
        yield ids
    finally:
        after_task_publish.disconnect(record)


def _trigger(learner) -> dict:
    return Trigger(
        event_type="org.openedx.learning.course.passing.status.updated.v1",
        user_id=learner.id,
        course_key=scenario.DATA_COURSE,
        event_id=str(uuid.uuid4()),
    ).to_dict()


def _results(log: str) -> dict[str, tuple[str, str]]:
    return {
        match["id"]: (match["how"], match["result"] or "") for match in RESULT_LINE.finditer(log)
    }


@pytest.fixture(params=["redis", "rabbitmq"])
def broker(request, redis_url, run_id):
    """A broker URL and a queue name of this test's own; the queue is removed afterwards."""
    from kombu import Connection

    on_redis = request.param == "redis"
    url = f"{redis_url}/14" if on_redis else request.getfixturevalue("rabbitmq_url")
    queue = f"microcreds.it.{run_id}"
    yield url, queue
    with Connection(url, connect_timeout=5) as connection:
        channel = connection.default_channel
        with contextlib.suppress(Exception):  # cleanup only: gone already, or never declared
            channel.queue_delete(queue)
        if on_redis:  # kombu's routing keys for the queue outlive it
            for key in channel.client.scan_iter(f"_kombu.binding*.{queue}"):
                channel.client.delete(key)


def test_worker_awards_one_credential_after_a_flood_of_duplicate_events(
    broker, world, procs, redis_url, run_id, settings
):
    # ``broker`` comes first: set up before ``procs``, it is torn down after the worker stops.
    broker_url, queue = broker
    cache_url = f"{redis_url}/15"
    settings.MICROCREDS_CELERY_QUEUE = queue
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": run_id,
        }
    }
    learner = world.add_passing_learner("grace")
    other = world.add_passing_learner("hopper")
    worker = procs.start(
        "celery-worker",
        celery_worker_args(queue, f"it-{run_id}"),
        world.env(
            MICROCREDS_CELERY_BROKER=broker_url,
            MICROCREDS_IT_QUEUE=queue,
            MICROCREDS_IT_CACHE_URL=cache_url,
            MICROCREDS_IT_CACHE_PREFIX=run_id,
        ),
    )
    procs.wait_for("the worker to be ready", lambda: " ready." in worker.log(), must_run=[worker])

    with publishing_to(broker_url), published_task_ids() as published:
        for _ in range(FLOOD):
            scenario.send_passing_status(learner, scenario.DATA_COURSE)
        flood_tasks = list(published)
        # Duplicates the coalescing cannot see (its mark expired, or the cache was flushed):
        # queued straight away, they race in the worker's two pool processes.
        for _ in range(UNCOALESCED):
            evaluate_learner.apply_async(args=[_trigger(other)], queue=queue)
        direct_tasks = published[len(flood_tasks) :]

    procs.check(flood_tasks, "no evaluation was queued for the flood")
    procs.check(len(direct_tasks) == UNCOALESCED, f"queued {len(direct_tasks)} tasks directly")
    award = procs.wait_for(
        "the worker to store the award",
        lambda: Award.objects.filter(user_id=learner.id).first(),
        must_run=[worker],
    )
    procs.wait_for(
        f"the worker to finish the {len(published)} queued evaluations",
        lambda: set(published) <= set(_results(worker.log())),
        must_run=[worker],
    )

    # Each award queued the re-evaluation of the pathway that stacks on it, through the broker.
    def pathway_evaluations():
        found = {e.user_id: e for e in Evaluation.objects.filter(definition__slug="data-pathway")}
        return found if found.keys() >= {learner.id, other.id} else None

    pathways = procs.wait_for(
        "the pathway to be re-evaluated after each award",
        pathway_evaluations,
        must_run=[worker],
    )

    results = _results(worker.log())
    for tasks, what in ((flood_tasks, f"{FLOOD} events"), (direct_tasks, "direct duplicates")):
        finished = [results[task_id] for task_id in tasks]
        tally = Counter(f"{how} {result}" for how, result in finished)
        summary = f"{len(tasks)} task(s) queued for {what}: {dump(tally)}"
        procs.check(all(how == "succeeded" for how, _ in finished), f"a task failed: {summary}")
    procs.check(
        len(flood_tasks) < FLOOD, f"the flood was not coalesced: {len(flood_tasks)} wake-ups"
    )
    procs.wait_for(
        "the recorded work to be done",
        lambda: not PendingEvaluation.objects.exclude(state="done").exists(),
        must_run=[worker],
    )
    assert Award.objects.filter(user_id=learner.id).count() == 1
    assert Award.objects.filter(user_id=other.id).count() == 1
    assert award.definition.slug == "data-analyst"
    evaluations = Counter(
        Evaluation.objects.filter(user_id=learner.id).values_list("definition__slug", "outcome")
    )
    assert evaluations[("data-analyst", "awarded")] == 1, evaluations
    assert evaluations[("data-analyst", "failed")] == 0, evaluations
    assert not Evaluation.objects.filter(outcome="failed").exists()
    for pathway in pathways.values():
        assert pathway.outcome == "not_met" and pathway.event_type == "microcreds.award"
    report = verify_award(award)
    assert report.ok, report.to_dict()
