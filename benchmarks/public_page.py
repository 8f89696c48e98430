"""Public verification page throughput on loopback.

A real WSGI server (gunicorn, sync workers, one per CPU) serves the sandbox LMS from a fresh
SQLite database holding one credential awarded through the real event flow, with its status list
already signed (cached). wrk drives, each for ``duration_s``:

- ``html``: the credential page, which verifies the credential live on every request
  (signature, key, validity, status list);
- ``json``: the same URL with ``Accept: application/json`` (the stored signed document);
- ``status_list``: the signed status list a verifier fetches.

Requests per second and latency percentiles come from wrk's own statistics (a Lua ``done`` hook
prints p50/p95/p99). Everything binds to 127.0.0.1; the server is stopped at the end.

    python benchmarks/public_page.py [--duration 10]      # prints one JSON line
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# wrk calls done() once at the end; latencies are in microseconds.
_WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("MC_RESULT %d %d %d %d %.1f %.1f %.1f %.1f\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
"""


def prepare() -> dict:
    """In a child process: migrate, award one credential through real events, sign its list."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from openedx_microcreds.models import Award
    from openedx_microcreds.settings import issuer_base_url
    from openedx_microcreds.status import signed_status_list, status_list_url
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    scenario.create_catalogue(issuer_base_url())
    learner = FakePlatform.add_user("bench", "bench@example.edu", "Bench Learner")
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    award = Award.objects.get(user_id=learner.id, definition__slug="data-analyst")
    signed_status_list(award.status_list)  # cached from now on: no bit will change
    base = issuer_base_url()
    return {
        "credential_path": f"/microcreds/credentials/{award.uuid}/",
        "status_path": status_list_url(award.status_list).removeprefix(base),
    }


def _wrk(url: str, script: Path, duration_s: int, connections: int, threads: int, headers=()):
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--latency"]
    command += ["-s", str(script), "--timeout", "10s"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=duration_s + 60
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("MC_RESULT "))
    requests, duration_us, errors, non_2xx, p50, p95, p99, mean = line.split()[1:]
    seconds = int(duration_us) / 1e6
    return {
        "requests": int(requests),
        "requests_per_s": round(int(requests) / seconds, 1),
        "p50_ms": round(float(p50) / 1000, 2),
        "p95_ms": round(float(p95) / 1000, 2),
        "p99_ms": round(float(p99) / 1000, 2),
        "mean_ms": round(float(mean) / 1000, 2),
        "socket_errors": int(errors),
        "http_errors": int(non_2xx),
    }


def _missing_tools() -> str | None:
    if shutil.which("wrk") is None:
        return "wrk is not installed (apt-get install -y wrk)"
    if importlib.util.find_spec("gunicorn") is None:
        return "gunicorn is not installed (pip install -r requirements/test.txt)"
    return None


def run(duration_s: int = 10, *, workers: int | None = None, connections: int | None = None):
    """Serve, measure each endpoint for ``duration_s`` seconds, stop; a dict of the numbers."""
    missing = _missing_tools()
    if missing:
        return {"skipped": missing}
    duration_s = max(1, min(int(duration_s), 120))
    workers = workers or os.cpu_count() or 1
    connections = connections or 2 * workers
    threads = min(2, connections)
    from benchmarks.served import sandbox_server

    with sandbox_server([__file__, "--prepare"], workers=workers) as served:
        paths = served.prepared
        served.wait_until_up(paths["credential_path"])
        script = served.workdir / "percentiles.lua"
        script.write_text(_WRK_SCRIPT)
        scenarios = {
            "html": (paths["credential_path"], ("Accept: text/html",)),
            "json": (paths["credential_path"], ("Accept: application/json",)),
            "status_list": (paths["status_path"], ()),
        }
        results = {}
        for name, (path, headers) in scenarios.items():
            url = served.base + path
            _wrk(url, script, 1, connections, threads, headers)  # warm every worker
            results[name] = _wrk(url, script, duration_s, connections, threads, headers)
    return {
        "server": f"gunicorn {workers} sync worker(s), SQLite",
        "connections": connections,
        "wrk_threads": threads,
        "duration_s": duration_s,
        "cpus": os.cpu_count(),
        **results,
    }


def report(result: dict) -> str:
    if "skipped" in result:
        return f"Public page: skipped: {result['skipped']}"
    lines = [
        f"Public page on loopback ({result['server']}, wrk {result['connections']} connections, "
        f"{result['duration_s']} s each, {result['cpus']} CPUs)"
    ]
    labels = {
        "html": "HTML page, live verification",
        "json": "credential JSON",
        "status_list": "status list",
    }
    for key, label in labels.items():
        row = result[key]
        errors = row["socket_errors"] + row["http_errors"]
        lines.append(
            f"  {label:<30} {row['requests_per_s']:>8.1f} req/s  p50 {row['p50_ms']:.2f} ms  "
            f"p95 {row['p95_ms']:.2f} ms  p99 {row['p99_ms']:.2f} ms"
            + (f"  ({errors} errors)" if errors else "")
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    here = str(Path(__file__).resolve().parent)
    sys.path[:] = [p for p in sys.path if str(Path(p or ".").resolve()) != here]
    sys.path.insert(0, str(ROOT))
    if args.prepare:
        print(json.dumps(prepare()))
        return 0
    result = run(args.duration)
    print(report(result), file=sys.stderr)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
