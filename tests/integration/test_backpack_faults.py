"""Backpack deliveries through faults, on MariaDB with a real Celery worker on Redis and the
oidc-provider test host (tests/interop/ob3_host.mjs) verifying every credential it receives.

- The host answers 500 to every other upsert, then is down (connections refused), then
  recovers: afterwards it holds every credential of every connected learner exactly once, and
  no message is left unsent. The outage lasts long enough for every message to fail several
  times with the test's retry delays (0.3 s, doubling up to 1.5 s), as a minute of outage does
  with the production ones (30 s, 60 s): time is driven by the settings, not by sleeping a
  minute.
- A worker killed while the host holds its upsert open loses nothing: the message's claim runs
  out (its lease), a new worker's sweep sends it again, and the host, which stored the first
  copy, replaces it (same id): one copy.
- A grant the learner revoked at the host: one upsert refused (401), one refresh refused, the
  connection "needs reconnecting" and the message is skipped: no retry loop.

Each test prints one line of figures (``-s`` shows it).
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter

import pytest

from openedx_microcreds.backpacks import connecting
from openedx_microcreds.backpacks.models import BackpackConnection
from openedx_microcreds.models import Award, OutboxMessage
from openedx_microcreds.revocation import revoke
from sandbox import scenario
from tests.celery_support import publishing_to
from tests.interop.ob3_host import NodeBackpack, callback_params

from .test_faults import _delete_queue, start_worker

pytestmark = pytest.mark.django_db(transaction=True)

LEARNERS = 6
OUTAGE_SECONDS = 6
DRAIN_TIMEOUT = 120
UNSENT = ("pending", "sending")


@pytest.fixture
def backpack(tmp_path):
    with NodeBackpack(verify=True, log_path=tmp_path / "host.log") as host:
        yield host


@pytest.fixture
def rig(world, redis_url, run_id, settings, backpack):
    """Broker, shared cache and worker environment; this process connects learners (its
    after-commit wake-ups go to the broker) and the worker delivers."""
    broker_url, cache_url = f"{redis_url}/12", f"{redis_url}/13"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": cache_url,
            "KEY_PREFIX": run_id,
        }
    }
    queue = f"microcreds.backpacks.{run_id}"
    settings.MICROCREDS_CELERY_QUEUE = queue
    settings.MICROCREDS_OB3_HOSTS = [{"name": "Loopback test backpack", "url": backpack.base}]
    settings.MICROCREDS_OB3_ALLOW_LOOPBACK = True
    env = {
        "MICROCREDS_CELERY_BROKER": broker_url,
        "MICROCREDS_IT_QUEUE": queue,
        "MICROCREDS_IT_CACHE_URL": cache_url,
        "MICROCREDS_IT_CACHE_PREFIX": run_id,
        "MICROCREDS_IT_STALE_SECONDS": "2",
        "MICROCREDS_IT_SWEEP_SECONDS": "1",
        "MICROCREDS_IT_OUTBOX_RETRY_BASE": "0.3",
        "MICROCREDS_IT_OUTBOX_RETRY_MAX": "1.5",
        "MICROCREDS_IT_OUTBOX_LEASE": "3",
    }
    yield broker_url, env
    _delete_queue(broker_url, queue)


def connect(learner, backpack, session) -> BackpackConnection:
    """The learner's steps, through the services the views call: start, consent at the host
    (over HTTP, as a browser), finish."""
    started = connecting.start(learner.id, url=backpack.base)
    back = backpack.consent(session, started.authorization_url, learner.username)
    return connecting.finish(learner.id, callback_params(back))


def ob3_messages():
    return OutboxMessage.objects.filter(channel__startswith="ob3:")


def wait_until_sent(procs, workers, what: str) -> None:
    procs.wait_for(
        what,
        lambda: ob3_messages().exists() and not ob3_messages().exclude(state="sent").exists(),
        timeout=DRAIN_TIMEOUT,
        interval=0.5,
        must_run=workers,
    )


def expected_holdings() -> dict[str, set[str]]:
    """Every credential a connected learner held while connected: what their host must hold."""
    wanted: dict[str, set[str]] = {}
    for message in ob3_messages().select_related("award__user"):
        wanted.setdefault(message.award.user.username, set()).add(message.award.credential_id)
    return wanted


def test_half_failing_then_down_then_back_every_credential_once(
    rig, world, procs, run_id, backpack
):
    import requests

    broker_url, env = rig
    learners = [world.add_passing_learner(f"learner{n}") for n in range(LEARNERS)]
    for learner in learners:  # one credential each before connecting (issued here, eagerly)
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
    worker = start_worker(procs, world, run_id, env)
    backpack.faults(fail_every=2)
    started = time.monotonic()
    with publishing_to(broker_url):
        for learner in learners:
            connect(learner, backpack, requests.Session())
        for learner in learners:  # a second credential each (and the pathway), by the worker
            scenario.grade_visualizer(learner, exam=0.9, percent=0.9)
            scenario.send_passing_status(learner, scenario.VIZ_COURSE)
        procs.wait_for(
            "the worker to issue the second credentials",
            lambda: Award.objects.filter(definition__slug="data-visualizer").count() == LEARNERS,
            timeout=DRAIN_TIMEOUT,
            must_run=[worker],
        )
        wait_until_sent(procs, [worker], "every message to be sent through the 500s")
        answered_500 = backpack.stats()["failed"]
        backpack.down()
        for learner in learners:  # revocations while the host is down
            slug = "data-analyst" if learner in learners[: LEARNERS // 2] else "data-visualizer"
            revoke(
                Award.objects.active().get(user_id=learner.id, definition__slug=slug), reason="x"
            )
        time.sleep(OUTAGE_SECONDS)
        failed_while_down = (
            ob3_messages()
            .filter(state="pending", last_error__startswith="could not connect")
            .count()
        )
        backpack.faults()  # recovered: no more 500s
        backpack.up()
        wait_until_sent(procs, [worker], "every backpack message to be sent")
    took = time.monotonic() - started

    wanted = expected_holdings()
    assert set(wanted) == {learner.username for learner in learners}
    for username, ids in wanted.items():
        held = [entry["id"] for entry in backpack.holdings(username)]
        procs.check(len(held) == len(set(held)), f"{username}: duplicates at the host: {held}")
        procs.check(set(held) == ids, f"{username}: holds {sorted(held)}, expected {sorted(ids)}")
    assert not ob3_messages().filter(state__in=UNSENT).exists()
    stats = backpack.stats()
    assert answered_500 >= LEARNERS and stats["refused"] == 0
    assert failed_while_down == LEARNERS  # every revocation failed while the host was down
    attempts = Counter(ob3_messages().values_list("attempts", flat=True))
    print(
        f"\nbackpack faults: {ob3_messages().count()} messages to {LEARNERS} learners' backpack, "
        f"{answered_500} answered 500, {failed_while_down} failed while the host was down; "
        f"all sent in {took:.1f}s; attempts per message {dict(sorted(attempts.items()))}; "
        f"host: {stats['created']} created, {stats['replaced']} replaced"
    )


def test_a_worker_killed_mid_delivery_loses_nothing(rig, world, procs, run_id, backpack):
    import requests

    broker_url, env = rig
    learner = world.add_passing_learner("kim")
    worker = start_worker(procs, world, run_id, env, name="first")
    with publishing_to(broker_url):
        connect(learner, backpack, requests.Session())  # nothing held yet: nothing to send
        backpack.faults(delay_ms=20_000)  # the host stores the credential, then waits
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
        procs.wait_for(
            "the host to receive the upsert",
            lambda: backpack.stats()["created"] == 1,
            timeout=60,
            must_run=[worker],
        )
        message = ob3_messages().get()
        assert message.state == "sending"
        os.killpg(worker.popen.pid, signal.SIGKILL)  # the whole worker, pool and all
        worker.popen.wait(timeout=10)
        backpack.faults()
        killed_at = time.monotonic()
        replacement = start_worker(procs, world, run_id, env, name="second")
        wait_until_sent(procs, [replacement], "the message to be sent again")
    held = backpack.holdings("kim")
    award = Award.objects.active().get(user_id=learner.id)
    assert [entry["id"] for entry in held] == [award.credential_id]
    assert held[0]["upserts"] == 2  # the killed worker's, then the new one's: one copy held
    message.refresh_from_db()
    print(
        f"\nbackpack worker kill: sent again {time.monotonic() - killed_at:.1f}s after the kill "
        f"(lease 3 s), attempts {message.attempts}; the host holds 1 copy after 2 upserts"
    )


def test_a_revoked_grant_gives_a_reconnect_state_not_a_retry_loop(
    rig, world, procs, run_id, backpack
):
    import requests

    broker_url, env = rig
    learner = world.add_passing_learner("lee")
    worker = start_worker(procs, world, run_id, env)
    with publishing_to(broker_url):
        connect(learner, backpack, requests.Session())
        assert backpack.revoke("lee") == 1  # the learner withdrew this site's access at the host
        scenario.send_passing_status(learner, scenario.DATA_COURSE)
        message = procs.wait_for(
            "the message to be given up as needing a reconnection",
            lambda: ob3_messages().filter(state="skipped").first(),
            timeout=60,
            must_run=[worker],
        )
        time.sleep(3)  # many retry delays of this test's settings: nothing more happens
    message.refresh_from_db()
    assert (message.state, message.attempts) == ("skipped", 1)
    assert message.last_error.startswith("the backpack needs reconnecting: Loopback test backpack")
    connection = BackpackConnection.objects.get()
    assert connection.state == "reconnect" and connection.encrypted_access_token == ""
    stats = backpack.stats()
    # One upsert refused (401), one refresh refused, and that is all: no loop.
    assert (stats["upserts"], stats["unauthorized"]) == (1, 1)
