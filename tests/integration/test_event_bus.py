"""
Grade events that reach the plugin through the Open edX event bus (edx-event-bus-redis).

Two processes besides the test: an LMS that only *produces* (its plugin ignores events), which
sends COURSE_PASSING_STATUS_UPDATED and has ``EVENT_BUS_PRODUCER_CONFIG`` publish it to a Redis
stream; and ``manage.py lms consume_events``, which reads the stream and re-sends each event
through openedx-events in its own process (``from_event_bus=True``), where the plugin's receiver
awards the credential in the shared MariaDB database.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import pytest

from openedx_microcreds.models import Award, Evaluation
from sandbox import scenario

from .support import verify_award

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_TYPE = "org.openedx.learning.course.passing.status.updated.v1"
TOPIC = "learning-course-passing-status"
GROUP = "microcreds"
CONSUMER = "c1"
DUPLICATES = 5


@pytest.fixture
def bus(redis_url, run_id):
    """The event bus of this test: a Redis database and a topic prefix of its own."""
    import redis

    url = f"{redis_url}/13"
    prefix = f"microcreds-it-{run_id}"
    client = redis.Redis.from_url(url)
    yield url, prefix, f"{prefix}-{TOPIC}", client
    client.delete(f"{prefix}-{TOPIC}")
    client.close()


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _group(client, stream: str) -> dict | None:
    import redis

    try:
        groups = client.xinfo_groups(stream)
    except redis.ResponseError:  # no stream yet
        return None
    return next((group for group in groups if _text(group["name"]) == GROUP), None)


def _consumer_ready(client, stream: str) -> bool:
    """True once the consumer's group reads from the end of the stream.

    The consumer creates its group at the start of the stream, then moves it to the end
    (``$``, it skips the backlog by default): only from then on is a new message sure to be
    read. (A blocked XREADGROUP does not register the consumer on Redis 7.0, so the group's
    consumer list cannot tell.)
    """
    group = _group(client, stream)
    if group is None:
        return False
    last_generated = client.xinfo_stream(stream)["last-generated-id"]
    return _text(group["last-delivered-id"]) == _text(last_generated)


def _all_consumed(client, stream: str, last_id) -> bool:
    group = _group(client, stream)
    return (
        group is not None
        and _text(group["last-delivered-id"]) == _text(last_id)
        and group["pending"] == 0
    )


def test_events_from_the_bus_are_awarded_by_the_consuming_process(
    bus, world, procs, run_id
):  # ``bus`` first: its stream is deleted after the processes have stopped
    url, prefix, stream, client = bus
    learner = world.add_passing_learner("katherine")
    bus_env = {"MICROCREDS_IT_EVENT_BUS_URL": url, "MICROCREDS_IT_TOPIC_PREFIX": prefix}

    consumer = procs.manage(
        "consumer",
        [
            "consume_events",
            "-t",
            TOPIC,
            "-g",
            GROUP,
            "--extra",
            json.dumps({"consumer_name": CONSUMER}),
        ],
        world.env(**bus_env),
    )
    # By default a consumer skips what was produced before it started: wait for it.
    procs.wait_for(
        "the consumer to be ready",
        lambda: _consumer_ready(client, stream),
        must_run=[consumer],
    )
    producer = procs.start(
        "producer",
        [
            sys.executable,
            "-m",
            "tests.integration.produce",
            str(learner.id),
            scenario.DATA_COURSE,
            str(DUPLICATES),
        ],
        world.env(MICROCREDS_IT_PRODUCE_TOPIC=TOPIC, MICROCREDS_IT_AWARDING="off", **bus_env),
    )
    procs.wait_for("the producer to finish", lambda: not producer.running)
    procs.check(producer.popen.returncode == 0, "the producer failed")
    procs.check("awarding in this process: off" in producer.log(), "the producer could award")

    messages = [fields for _, fields in client.xrange(stream) if b"event_data" in fields]
    procs.check(
        len(messages) == DUPLICATES,
        f"expected {DUPLICATES} messages on {stream}, found {len(messages)}",
    )
    procs.check(
        {fields[b"type"].decode() for fields in messages} == {EVENT_TYPE},
        f"unexpected event types on the stream: {messages}",
    )
    event_ids = {fields[b"id"].decode() for fields in messages}
    last_id = client.xrevrange(stream, count=1)[0][0]

    award = procs.wait_for(
        "the consumer to award the credential",
        lambda: Award.objects.filter(user_id=learner.id).first(),
        must_run=[consumer],
    )
    procs.wait_for(
        "the consumer to process every message",
        lambda: _all_consumed(client, stream, last_id),
        must_run=[consumer],
    )
    log = consumer.log()
    procs.check("Error consuming event" not in log, "the consumer reported an error")
    procs.check(
        log.count("Message from Redis processed successfully") == DUPLICATES,
        f"expected {DUPLICATES} messages processed by the consumer",
    )

    assert Award.objects.filter(user_id=learner.id).count() == 1
    assert award.definition.slug == "data-analyst"
    assert award.triggering_event_id in event_ids  # the award names the event from the bus
    evaluations = Counter(
        Evaluation.objects.filter(user_id=learner.id).values_list("definition__slug", "outcome")
    )
    assert evaluations[("data-analyst", "awarded")] == 1, evaluations
    assert evaluations[("data-analyst", "failed")] == 0, evaluations
    awarded = Evaluation.objects.get(definition__slug="data-analyst", outcome="awarded")
    assert awarded.event_type == EVENT_TYPE and awarded.event_id in event_ids
    report = verify_award(award)
    assert report.ok, report.to_dict()
