"""Plugin benchmarks, run in a child process per database (SQLite file, MariaDB):

- receiver cost: one COURSE_PASSING_STATUS_UPDATED.send_event inside an LMS transaction, with
  our receivers connected, against the same send_event with no receiver (openedx-events' own
  cost, the peer): what our plugin adds to the LMS request;
- end to end: real events -> evaluated, signed, stored credentials per second (eager tasks);
- database queries per award, for the first and the last learner (constant means no N+1);
- backfill: retroactive awards for N learners through `microcreds_backfill`, awards per second.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django(db: str) -> None:
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "sandbox"]
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings.lms"
    os.environ.pop("MICROCREDS_CELERY_BROKER", None)
    # As in production: no query log, receivers' errors contained (openedx-events sends with
    # send_robust only when DEBUG is off).
    os.environ["MICROCREDS_SANDBOX_DEBUG"] = "0"
    if db == "mysql":
        os.environ["MICROCREDS_TEST_DB"] = "mysql"
        os.environ["MICROCREDS_MYSQL_NAME"] = "microcreds_bench"
        import pymysql

        connection = pymysql.connect(host="127.0.0.1", user="root", password="")
        with connection.cursor() as cursor:
            cursor.execute("DROP DATABASE IF EXISTS microcreds_bench")
            cursor.execute("CREATE DATABASE microcreds_bench CHARACTER SET utf8mb4")
        connection.close()
    else:
        os.environ.pop("MICROCREDS_TEST_DB", None)
        os.environ["MICROCREDS_SQLITE_PATH"] = str(Path(tempfile.mkdtemp()) / "bench.sqlite3")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def receiver_cost(learners: list, iterations: int) -> dict:
    """What our receivers add to the LMS request that sends COURSE_PASSING_STATUS_UPDATED,
    against the same send_event with no receiver connected (openedx-events' own cost), in
    alternating rounds. Each send happens in an LMS transaction that is rolled back, so the
    deferred wake-up never runs: the request's cost only. Two cases: a flood (the learner's
    pending row exists, the upsert updates it) and a first event (it inserts the row)."""
    from django.db import transaction
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

    from benchmarks.rounds import alternate
    from sandbox import scenario

    signal = COURSE_PASSING_STATUS_UPDATED
    connected = signal.receivers[:]

    def send(learner, *, with_receivers: bool) -> None:
        signal.receivers[:] = connected if with_receivers else []
        signal.sender_receivers_cache.clear()
        with transaction.atomic():
            scenario.send_passing_status(learner, scenario.DATA_COURSE)
            transaction.set_rollback(True)

    flooding = learners[0]
    with transaction.atomic():  # the flooding learner's row exists and is committed
        from openedx_microcreds import pending
        from openedx_microcreds.triggers import Trigger

        pending.request(Trigger("bench", flooding.id, scenario.DATA_COURSE, "bench"))
    rounds, per_round = max(1, iterations // 25), 25
    try:
        flood, bare = alternate(
            lambda: send(flooding, with_receivers=True),
            lambda: send(flooding, with_receivers=False),
            rounds=rounds,
            per_round=per_round,
        )
        # Rolled back each time, so the second learner never has a row: always an insert.
        first, bare_first = alternate(
            lambda: send(learners[1], with_receivers=True),
            lambda: send(flooding, with_receivers=False),
            rounds=rounds,
            per_round=per_round,
        )
    finally:
        signal.receivers[:] = connected
        signal.sender_receivers_cache.clear()
    return {
        **flood.as_dict("receiver"),
        **bare.as_dict("bare_send_event"),
        **first.as_dict("receiver_first_event"),
        "receiver_added_ms": flood.median - bare.median,
        "receiver_first_event_added_ms": first.median - bare_first.median,
        "receiver_rounds": rounds,
    }


def end_to_end(learners: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from openedx_microcreds.models import Award
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    users = [
        FakePlatform.add_user(f"e2e{n}", f"e2e{n}@example.edu", f"Learner {n}")
        for n in range(learners)
    ]
    for user in users:
        scenario.grade_analyst(user, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    queries = []
    start = time.perf_counter()
    for index, user in enumerate(users):
        if index in (0, learners - 1):
            connection.queries_log.clear()  # a full log would make the count below 0
            with CaptureQueriesContext(connection) as captured:
                scenario.send_passing_status(user, scenario.DATA_COURSE)
            queries.append(len(captured))
        else:
            scenario.send_passing_status(user, scenario.DATA_COURSE)
    elapsed = time.perf_counter() - start
    awarded = Award.objects.filter(user__username__startswith="e2e").count()
    assert awarded == learners, f"{awarded} awards for {learners} learners"
    return {
        "e2e_learners": learners,
        "e2e_awards_per_s": learners / elapsed,
        "queries_first_award": queries[0],
        "queries_last_award": queries[-1],
    }


def backfill(learners: int) -> dict:
    """Retroactive awards through `microcreds_backfill`, twice over the same number of fresh
    learners: as in production, where the command queues its follow-up work (e-mails, the
    re-evaluation of pathways stacked on each award) for the workers; and with every task run
    inline (eager), where the command also does all of that work itself."""
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    def learners_named(prefix: str) -> None:
        for n in range(learners):
            user = FakePlatform.add_user(f"{prefix}{n}", f"{prefix}{n}@example.edu", f"B {n}")
            # Three in four meet the rule; the rest miss the capstone.
            capstone = 0.9 if n % 4 else 0.6
            scenario.grade_analyst(user, capstone=capstone, analysis=(0.9, 0.9), percent=0.9)

    from tests.celery_support import publishing_to

    learners_named("bq")
    # Queued, as to a broker (nobody consumes them here); not the eager app's own memory://.
    with publishing_to("memory://backfill-bench"):
        queued = _timed_backfill("bq")
    learners_named("be")
    inline = _timed_backfill("be")
    return {
        "backfill_learners": learners,
        "backfill_awarded": queued[0],
        "backfill_seconds": queued[1],
        "backfill_learners_per_s": learners / queued[1],
        "backfill_awards_per_s": queued[0] / queued[1],
        "backfill_inline_awarded": inline[0],
        "backfill_inline_seconds": inline[1],
        "backfill_inline_awards_per_s": inline[0] / inline[1],
        "backfill_inline_emails": inline[2],
    }


def _timed_backfill(prefix: str) -> tuple[int, float, int]:
    """(awards made, seconds, e-mails sent) of one backfill of the learners named ``prefix``."""
    from django.core.management import call_command

    from openedx_microcreds.models import Award, OutboxMessage
    from sandbox import scenario

    start = time.perf_counter()
    call_command(
        "microcreds_backfill",
        scenario.DATA_COURSE,
        "--restart",
        "--no-progress",
        stdout=io.StringIO(),
    )
    elapsed = time.perf_counter() - start
    mine = Award.objects.filter(user__username__startswith=prefix)
    sent = OutboxMessage.objects.filter(award__in=mine, state="sent").count()
    return mine.count(), elapsed, sent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "mysql"], default="sqlite")
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--backfill", type=int, default=0)
    args = parser.parse_args()
    setup_django(args.db)
    from sandbox.scenario import create_catalogue

    create_catalogue("https://lms.example.edu")
    from sandbox.fake_platform import FakePlatform

    probes = [
        FakePlatform.add_user(f"probe{n}", f"probe{n}@example.edu", "Probe") for n in range(2)
    ]
    result = {"db": args.db}
    result.update(receiver_cost(probes, args.iterations))
    result.update(end_to_end(args.learners))
    if args.backfill:
        result.update(backfill(args.backfill))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
