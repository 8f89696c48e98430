"""REST API and dry-run benchmarks (``make bench`` section ``api``).

- dry run: a definition tried on every learner of one course of 10,000 (SQLite), as the API's
  dry-run job runs it (batches, results stored, progress counted), polled for progress from
  another connection as an author's client polls it; against the backfill of the same course
  in the same run (its learners/s), the two alternating in rounds. Target: <= 30 s.
- list endpoints under load on loopback: gunicorn + wrk with a course author's session, each
  list endpoint alternating in rounds with the peer, the platform's own ``/csrf/api/v1/token``
  (a DRF view with the same authentication and no database work): p95 and requests/s, median
  [min-max] over the rounds; and the queries per request with 20 and 200 rows listed.

    python benchmarks/api.py dry-run [--learners 10000] [--rounds 2]     # one JSON line
    python benchmarks/api.py lists [--duration 5] [--rounds 3]           # one JSON line
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sandbox.settings.lms"
    os.environ["MICROCREDS_SQLITE_PATH"] = str(db_path)
    os.environ["MICROCREDS_SANDBOX_DEBUG"] = "0"
    os.environ["DEMO_OUTPUT"] = str(db_path.parent)
    for name in ("MICROCREDS_TEST_DB", "MICROCREDS_CELERY_BROKER"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


# --- dry run against backfill ---------------------------------------------------------------


def _poll_progress(job_uuid: str, samples: list, stop: threading.Event) -> None:
    """What an author polling the job sees: (seconds, learners processed), on its own
    database connection."""
    from django.db import connection

    from openedx_microcreds.models import DryRunJob

    start = time.perf_counter()
    try:
        while not stop.is_set():
            processed = (
                DryRunJob.objects.filter(uuid=job_uuid).values_list("processed", flat=True).first()
            )
            samples.append((time.perf_counter() - start, processed or 0))
            stop.wait(0.5)
    finally:
        connection.close()


def dry_run(learners: int, rounds: int, backfill_slice: int) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix="microcreds-bench-api-"))
    _setup_django(workdir / "bench.sqlite3")
    from openedx_microcreds import api
    from openedx_microcreds.definitions import definitions_for_course
    from openedx_microcreds.management.backfill import Checkpoint, backfill
    from openedx_microcreds.models import Award, DryRunJob, Evaluation, PendingEvaluation
    from openedx_microcreds.platform import get_platform
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    scenario.create_catalogue("https://lms.example.edu")
    for n in range(learners):
        user = FakePlatform.add_user(f"dr{n}", f"dr{n}@example.edu", f"Learner {n}")
        capstone = 0.9 if n % 4 else 0.6  # three in four meet the rule
        scenario.grade_analyst(user, capstone=capstone, analysis=(0.9, 0.9), percent=0.9)
    platform = get_platform()
    user_ids = sorted(platform.enrolled_learners(scenario.DATA_COURSE))
    definitions = definitions_for_course(scenario.DATA_COURSE)
    dry_runs, backfills, progress = [], [], []
    for round_ in range(rounds):
        # Ours: the API's dry-run job over every learner (a worker runs it for a large course).
        job = DryRunJob.objects.create(
            course_key=scenario.DATA_COURSE, definition=api.get_definition("data-analyst")
        )
        samples: list = []
        stop = threading.Event()
        poller = threading.Thread(target=_poll_progress, args=(str(job.uuid), samples, stop))
        poller.start()
        started = time.perf_counter()
        from openedx_microcreds import dryrun

        done = dryrun.run_job(job.pk, platform=platform)
        elapsed = time.perf_counter() - started
        stop.set()
        poller.join()
        assert done.state == "done" and done.processed == learners, done.error
        dry_runs.append(learners / elapsed)
        progress.append(samples)
        # The peer: the backfill of a slice of the same learners, awarding for real.
        chosen = user_ids[round_ * backfill_slice : (round_ + 1) * backfill_slice]
        checkpoint = Checkpoint(workdir / f"checkpoint-{round_}.json", scenario.DATA_COURSE, None)
        started = time.perf_counter()
        counts = backfill(platform, scenario.DATA_COURSE, definitions, chosen, checkpoint)
        elapsed = time.perf_counter() - started
        backfills.append(counts.learners / elapsed)
    result = {
        "learners": learners,
        "rounds": rounds,
        "dry_run_learners_per_s": [round(rate, 1) for rate in dry_runs],
        "dry_run_seconds": [round(learners / rate, 1) for rate in dry_runs],
        "backfill_slice": backfill_slice,
        "backfill_learners_per_s": [round(rate, 1) for rate in backfills],
        "progress_polls": [len(samples) for samples in progress],
        "first_progress_s": [
            round(next((t for t, n in samples if n > 0), float("nan")), 2) for samples in progress
        ],
        "awards_after": Award.objects.count(),
    }
    # Dry runs write no evaluation and queue no work; the backfills' own are theirs.
    assert not Evaluation.objects.filter(event_type="microcreds.evaluate").exists()
    assert PendingEvaluation.objects.exclude(trigger__event_type="microcreds.award").count() == 0
    shutil.rmtree(workdir, ignore_errors=True)
    return result


# --- list endpoints under load --------------------------------------------------------------


def prepare_lists(awards: int) -> dict:
    """In the server's database: the catalogue, ``awards`` awards of Data Analyst, twenty
    definitions, and a session of the course author (printed for wrk's Cookie header)."""
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from openedx_microcreds import api
    from openedx_microcreds.definitions import definitions_for_course
    from openedx_microcreds.management.backfill import Checkpoint, backfill
    from openedx_microcreds.platform import get_platform
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    scenario.create_catalogue("https://lms.example.edu")
    for n in range(awards):
        user = FakePlatform.add_user(f"la{n}", f"la{n}@example.edu", f"Learner {n}")
        scenario.grade_analyst(user, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    platform = get_platform()
    workdir = Path(tempfile.mkdtemp())
    backfill(
        platform,
        scenario.DATA_COURSE,
        definitions_for_course(scenario.DATA_COURSE),
        sorted(platform.enrolled_learners(scenario.DATA_COURSE)),
        Checkpoint(workdir / "checkpoint.json", scenario.DATA_COURSE, None),
    )
    for n in range(19):
        api.create_definition({"name": f"Extra {n}", "course_key": scenario.DATA_COURSE})
    author = FakePlatform.add_user("author", "author@example.edu", "Ann Author")
    FakePlatform.add_course_staff(scenario.DATA_COURSE, author)
    user = get_user_model().objects.get(pk=author.id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    base = f"/api/microcreds/v1/courses/{scenario.DATA_COURSE}"
    return {
        "session": session.session_key,
        "paths": {
            "definitions": f"{base}/definitions/?page_size=20",
            "awards": f"{base}/definitions/data-analyst/awards/?page_size=100",
        },
        "queries": _queries_per_request(user, base),
    }


def _queries_per_request(user, base: str) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    counts = {}
    for name, path in {
        "definitions, 20 rows": f"{base}/definitions/?page_size=20",
        "definitions, 2 rows": f"{base}/definitions/?page_size=2",
        "awards, 200 rows": f"{base}/definitions/data-analyst/awards/?page_size=200",
        "awards, 20 rows": f"{base}/definitions/data-analyst/awards/?page_size=20",
    }.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path, HTTP_HOST="127.0.0.1").status_code == 200
        counts[name] = len(captured)
    return counts


def lists(duration_s: int, rounds: int, awards: int) -> dict:
    from benchmarks import public_page

    missing = public_page._missing_tools()
    if missing:
        return {"skipped": missing}
    from benchmarks.served import sandbox_server

    workers = os.cpu_count() or 1
    connections, threads = 2 * workers, min(2, 2 * workers)
    peer_path = "/csrf/api/v1/token"
    with sandbox_server(
        [__file__, "prepare-lists", "--awards", str(awards)], workers=workers, prepare_timeout_s=600
    ) as served:
        setup = served.prepared
        measured: dict[str, list] = {name: [] for name in [*setup["paths"], "peer"]}
        headers = (f"Cookie: sessionid={setup['session']}",)
        script = served.workdir / "percentiles.lua"
        script.write_text(public_page._WRK_SCRIPT)

        def drive(path: str, seconds: int) -> dict:
            return public_page._wrk(
                served.base + path, script, seconds, connections, threads, headers
            )

        served.wait_until_up("/login/")
        for path in [*setup["paths"].values(), peer_path]:
            drive(path, 1)  # warm up
        for _ in range(rounds):
            for name, path in setup["paths"].items():
                measured[name].append(drive(path, duration_s))
                measured["peer"].append(drive(peer_path, duration_s))
    summary = {}
    for name, runs in measured.items():
        p95 = [run["p95_ms"] for run in runs]
        rate = [run["requests_per_s"] for run in runs]
        summary[name] = {
            "p95_ms": statistics.median(p95),
            "p95_range_ms": [min(p95), max(p95)],
            "requests_per_s": statistics.median(rate),
            "errors": sum(run["socket_errors"] + run["http_errors"] for run in runs),
        }
    return {
        "server": f"gunicorn {workers} sync worker(s), SQLite",
        "awards_listed_of": awards,
        "rounds": rounds,
        "duration_s": duration_s,
        "connections": connections,
        "queries": setup["queries"],
        **summary,
    }


def report(dry: dict | None, listed: dict | None) -> str:
    lines = []
    if dry:
        seconds = statistics.median(dry["dry_run_seconds"])
        lines.append(
            f"API: dry run over {dry['learners']} learners of one course (SQLite, the job a "
            f"worker runs): median {seconds:.1f} s "
            f"[{min(dry['dry_run_seconds'])}-{max(dry['dry_run_seconds'])}] = "
            f"{statistics.median(dry['dry_run_learners_per_s']):.0f} learners/s (target <= 30 s); "
            f"progress polled {min(dry['progress_polls'])}+ times a run, first seen after "
            f"{min(dry['first_progress_s'])} s; backfill of {dry['backfill_slice']} learners in "
            f"the same run, alternating: {statistics.median(dry['backfill_learners_per_s']):.0f} "
            f"learners/s [{min(dry['backfill_learners_per_s'])}-"
            f"{max(dry['backfill_learners_per_s'])}]; {dry['rounds']} rounds"
        )
    if listed and "skipped" not in listed:
        peer = listed["peer"]
        lines.append(
            f"API: list endpoints on loopback ({listed['server']}, wrk {listed['connections']} "
            f"connections, {listed['rounds']} rounds of {listed['duration_s']} s alternating with "
            f"the peer /csrf/api/v1/token: p95 {peer['p95_ms']:.1f} ms, "
            f"{peer['requests_per_s']:.0f} req/s)"
        )
        for name in ("definitions", "awards"):
            row = listed[name]
            lines.append(
                f"  {name:<12} p95 {row['p95_ms']:.1f} ms [{row['p95_range_ms'][0]:.1f}-"
                f"{row['p95_range_ms'][1]:.1f}], {row['requests_per_s']:.0f} req/s, "
                f"{row['errors']} errors"
            )
        lines.append("  queries per request: " + ", ".join(
            f"{name} {count}" for name, count in listed["queries"].items()
        ))  # fmt: skip
    elif listed:
        lines.append(f"API: list endpoints skipped: {listed['skipped']}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["dry-run", "lists", "prepare-lists"])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--backfill-slice", type=int, default=2_000)
    parser.add_argument("--duration", type=int, default=5)
    parser.add_argument("--awards", type=int, default=300)
    args = parser.parse_args()
    if args.what == "dry-run":
        result = dry_run(args.learners, args.rounds, args.backfill_slice)
    elif args.what == "lists":
        result = lists(args.duration, max(args.rounds, 1), args.awards)
    else:
        result = prepare_lists(args.awards)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
