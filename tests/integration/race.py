"""
Racing evaluators: separate processes, each with its own Django set-up and database connection,
released together by a barrier to evaluate a trigger, as Celery workers would on duplicate
events. Spawned (not forked), so nothing of the test process's connections or state leaks in.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback
from typing import Any

START_TIMEOUT = 120.0  # seconds for every process to set Django up and reach the barrier
RUN_TIMEOUT = 120.0  # seconds for every process to report once released


def _evaluate(env: dict[str, str], trigger: dict, barrier, results) -> None:
    report: dict[str, Any] = {"pid": os.getpid(), "user_id": trigger["user_id"]}
    try:
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        from openedx_microcreds.awarding import process_trigger
        from openedx_microcreds.platform import get_platform
        from openedx_microcreds.triggers import Trigger

        connection.ensure_connection()
        get_platform().get_user(trigger["user_id"])  # loads the shared platform state
        barrier.wait(timeout=START_TIMEOUT)
        started = time.monotonic()
        evaluations = process_trigger(Trigger.from_dict(trigger))
        report["seconds"] = round(time.monotonic() - started, 3)
        report["evaluations"] = [
            {
                "slug": evaluation.definition.slug if evaluation.definition else None,
                "outcome": evaluation.outcome,
                # already_held is saved only when the learner lost the race at the insert;
                # the early "already held" check returns an unsaved evaluation.
                "saved": evaluation.pk is not None,
                "award": str(evaluation.award.uuid) if evaluation.award_id else None,
                "error": evaluation.error,
            }
            for evaluation in evaluations
        ]
        connection.close()
    except BaseException:
        report["crash"] = traceback.format_exc()
    results.put(report)


def race(env: dict[str, str], triggers: list[dict]) -> list[dict]:
    """Evaluate each trigger in its own process, all released at once; one report each.

    A process that crashes (or never reports) yields a report with ``crash``.
    """
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(triggers))
    results = context.Queue()
    processes = [
        context.Process(target=_evaluate, args=(env, trigger, barrier, results), daemon=True)
        for trigger in triggers
    ]
    for process in processes:
        process.start()
    reports = []
    deadline = time.monotonic() + START_TIMEOUT + RUN_TIMEOUT
    try:
        for _ in processes:
            remaining = deadline - time.monotonic()
            try:
                reports.append(results.get(timeout=max(remaining, 0.1)))
            except Exception:  # queue.Empty: a process hung or died without reporting
                break
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
                process.join(timeout=10)
    reported = {report["pid"] for report in reports}
    for process in processes:
        if process.pid not in reported:
            reports.append(
                {"pid": process.pid, "crash": f"no report (exit code {process.exitcode})"}
            )
    return reports
