"""
Racing wallet claims: separate processes, each with its own Django set-up and database
connection, released together by a barrier (spawned, so this module imports nothing of Django
before each process has set it up).
"""

from __future__ import annotations

import multiprocessing
import os
import time
import traceback

from .support import dump

TIMEOUT = 120.0


def _claim(env: dict[str, str], call: dict, barrier, results) -> None:
    report: dict = {"pid": os.getpid()}
    try:
        os.environ.update(env)
        import django

        django.setup()
        from django.db import connection

        from openedx_microcreds.credentials.presentations import PresentationError
        from openedx_microcreds.wallets import lcw, oid4vci
        from openedx_microcreds.wallets.exchanges import ExchangeError

        connection.ensure_connection()
        barrier.wait(timeout=TIMEOUT)
        try:
            if call["kind"] == "lcw":
                lcw.receive_presentation(call["code"], call["presentation"])
            else:
                oid4vci.credential(call["authorization"], call["body"])
            report["outcome"] = "delivered"
        except ExchangeError as exc:
            report["outcome"] = exc.reason
            report["detail"] = str(exc)
        except PresentationError as exc:
            report["outcome"] = f"presentation:{exc.code}"
        except oid4vci.Oid4vciError as exc:
            report["outcome"] = exc.error
        connection.close()
    except BaseException:
        report["crash"] = traceback.format_exc()
    results.put(report)


def race(env: dict[str, str], calls: list[dict]) -> list[dict]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(calls))
    results = context.Queue()
    processes = [
        context.Process(target=_claim, args=(env, call, barrier, results), daemon=True)
        for call in calls
    ]
    for process in processes:
        process.start()
    reports = []
    deadline = time.monotonic() + 2 * TIMEOUT
    try:
        for _ in processes:
            reports.append(results.get(timeout=max(deadline - time.monotonic(), 0.1)))
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
    crashed = [report for report in reports if "crash" in report]
    assert not crashed and len(reports) == len(calls), dump(reports)
    return reports
