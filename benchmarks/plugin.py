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
import statistics
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


def receiver_cost(learner, iterations: int) -> dict:
    from django.db import transaction
    from openedx_events.learning.signals import COURSE_PASSING_STATUS_UPDATED

    from sandbox import scenario

    def timed() -> list[float]:
        samples = []
        for _ in range(iterations):
            with transaction.atomic():
                start = time.perf_counter()
                scenario.send_passing_status(learner, scenario.DATA_COURSE)
                samples.append((time.perf_counter() - start) * 1000)
                transaction.set_rollback(True)  # the deferred task never runs: request cost only
        return samples

    ours = timed()
    receivers = COURSE_PASSING_STATUS_UPDATED.receivers[:]
    COURSE_PASSING_STATUS_UPDATED.receivers.clear()
    COURSE_PASSING_STATUS_UPDATED.sender_receivers_cache.clear()
    try:
        bare = timed()
    finally:
        COURSE_PASSING_STATUS_UPDATED.receivers[:] = receivers
        COURSE_PASSING_STATUS_UPDATED.sender_receivers_cache.clear()
    return {
        "receiver_median_ms": statistics.median(ours),
        "bare_send_event_median_ms": statistics.median(bare),
        "receiver_added_ms": statistics.median(ours) - statistics.median(bare),
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
    from django.core.management import call_command

    from openedx_microcreds.models import Award
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    for n in range(learners):
        user = FakePlatform.add_user(f"bf{n}", f"bf{n}@example.edu", f"Backfill {n}")
        # Three in four meet the rule; the rest miss the capstone.
        capstone = 0.9 if n % 4 else 0.6
        scenario.grade_analyst(user, capstone=capstone, analysis=(0.9, 0.9), percent=0.9)
    before = Award.objects.count()
    start = time.perf_counter()
    call_command(
        "microcreds_backfill",
        scenario.DATA_COURSE,
        "--restart",
        "--no-progress",
        stdout=io.StringIO(),
    )
    elapsed = time.perf_counter() - start
    awarded = Award.objects.count() - before
    return {
        "backfill_learners": learners,
        "backfill_awarded": awarded,
        "backfill_seconds": elapsed,
        "backfill_learners_per_s": learners / elapsed,
        "backfill_awards_per_s": awarded / elapsed,
    }


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

    probe = FakePlatform.add_user("probe", "probe@example.edu", "Probe")
    result = {"db": args.db}
    result.update(receiver_cost(probe, args.iterations))
    result.update(end_to_end(args.learners))
    if args.backfill:
        result.update(backfill(args.backfill))
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
