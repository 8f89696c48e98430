"""`make bench`: every benchmark, each against the peer named in its issue, in one run.

Sections: core (signing vs the Node @digitalbazaar stack), plugin (receiver cost vs a bare
send_event, end-to-end awards/s and queries per award on SQLite and MariaDB, backfill),
lifecycle (revoke + re-sign a 131,072-entry status list vs Node), public (verification page
throughput on loopback with wrk), notifications (e-mails per second per worker through the
outbox vs a bare Django send_mail, against a loopback SMTP server), wallets (server time of a
Learner Credential Wallet exchange and an OpenID4VCI issuance on loopback vs one rdfc sign +
verify), api (a dry run over 10,000 learners vs the backfill's rate; list endpoints' p95 under
load vs the platform's CSRF token view), backpacks (deliveries per second per worker to a
loopback Open Badges 3.0 host vs a bare HTTP POST of the same body, and the outbox's added cost
per award vs the same award without the backpack channel).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECTIONS = ["core", "plugin", "lifecycle", "public", "notifications", "wallets", "api", "backpacks"]


def child(script: str, *args: str, timeout: int = 1800) -> dict:
    """Run a benchmark in its own process (each sets up Django with its own database)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{script} {' '.join(args)} failed:\n{result.stderr[-4000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def plugin_report(rows: list[dict]) -> str:
    lines = [
        "Plugin (eager tasks, real openedx-events signals; ours and the peer in alternating rounds)"
    ]
    for row in rows:
        db = row["db"]
        lines.append(
            f"  {db:<7} receiver in the LMS request, flood (row exists): median "
            f"{row['receiver_median_ms']:.3f} ms (p10-p90 {row['receiver_p10_ms']:.3f}-"
            f"{row['receiver_p90_ms']:.3f}); bare send_event "
            f"{row['bare_send_event_median_ms']:.3f} ms (p10-p90 "
            f"{row['bare_send_event_p10_ms']:.3f}-{row['bare_send_event_p90_ms']:.3f}); "
            f"ours adds {row['receiver_added_ms']:.3f} ms (budget 1 ms)"
        )
        lines.append(
            f"  {db:<7} receiver, a learner's first event (row inserted): median "
            f"{row['receiver_first_event_median_ms']:.3f} ms; ours adds "
            f"{row['receiver_first_event_added_ms']:.3f} ms"
        )
        lines.append(
            f"  {db:<7} per event, end to end: {row['e2e_awards_per_s']:.1f} awards/s over "
            f"{row['e2e_learners']} learners; queries per award: "
            f"first {row['queries_first_award']}, last {row['queries_last_award']}"
        )
        if "backfill_learners" in row:
            lines.append(
                f"  {row['db']:<7} backfill: {row['backfill_learners']} learners, "
                f"{row['backfill_awarded']} awarded in {row['backfill_seconds']:.1f} s = "
                f"{row['backfill_awards_per_s']:.1f} awards/s "
                f"({row['backfill_learners_per_s']:.1f} learners/s; target 100 awards/s), "
                "follow-up work queued for the workers as in production"
            )
            lines.append(
                f"  {row['db']:<7} backfill with every task inline (eager): "
                f"{row['backfill_inline_awards_per_s']:.1f} awards/s, including "
                f"{row['backfill_inline_emails']} e-mails sent and each award's pathway "
                "re-evaluation"
            )
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    # Checked by hand: Python 3.11's argparse rejects an empty list against `choices`.
    parser.add_argument("sections", nargs="*", help=f"any of {', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--backfill", type=int, default=10_000)
    parser.add_argument("--no-mysql", action="store_true", help="skip the MariaDB runs")
    args = parser.parse_args(argv)
    unknown = [name for name in args.sections if name not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {unknown[0]!r} (choose from {', '.join(SECTIONS)})")
    args.sections = args.sections or SECTIONS
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if "core" in args.sections:
        from benchmarks import core

        print(core.report(core.run(args.iterations)), flush=True)
    if "plugin" in args.sections:
        rows = [child("plugin.py", "--db", "sqlite", "--backfill", str(args.backfill))]
        if not args.no_mysql:
            rows.append(child("plugin.py", "--db", "mysql", "--backfill", str(args.backfill)))
        print(plugin_report(rows), flush=True)
    if "lifecycle" in args.sections:
        row = child("lifecycle.py")
        print(
            f"Lifecycle: revoke + re-sign a {row['entries']}-entry status list (with the "
            f"database): median {row['revoke_resign_median_ms']:.2f} ms (p10-p90 "
            f"{row['revoke_resign_p10_ms']:.2f}-{row['revoke_resign_p90_ms']:.2f}); Node set "
            f"bit + sign in memory {row['node_resign_median_ms']:.2f} ms (p10-p90 "
            f"{row['node_resign_p10_ms']:.2f}-{row['node_resign_p90_ms']:.2f}); ours/node "
            f"{row['revoke_resign_median_ms'] / row['node_resign_median_ms']:.2f}x, "
            f"{row['rounds']} alternating rounds; target <= 50 ms",
            flush=True,
        )
    if "public" in args.sections:
        try:
            from benchmarks import public_page
        except ImportError:
            print("Public page: benchmarks/public_page.py not present", flush=True)
        else:
            print(public_page.report(public_page.run()), flush=True)
    if "notifications" in args.sections:
        from benchmarks import notifications

        print(notifications.report(child("notifications.py")), flush=True)
    if "wallets" in args.sections:
        from benchmarks import wallets

        print(wallets.report(child("wallets.py")), flush=True)
    if "api" in args.sections:
        from benchmarks import api

        dry = child("api.py", "dry-run", "--learners", str(args.backfill))
        listed = child("api.py", "lists")
        print(api.report(dry, listed), flush=True)
    if "backpacks" in args.sections:
        from benchmarks import backpacks

        print(backpacks.report(child("backpacks.py")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
