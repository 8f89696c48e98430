# openedx-microcreds' periodic jobs, run as management commands (MICROCREDS_SCHEDULER: cron).
# Each job runs when the scheduler starts, then every interval; a job that fails is logged and
# tried again at its next turn.
import subprocess
import time

JOBS = [
    ({{MICROCREDS_RENEW_INTERVAL_SECONDS | int}}, ["./manage.py", "lms", "microcreds_renew"]),
    (
        {{MICROCREDS_RETRY_INTERVAL_SECONDS | int}},
        ["./manage.py", "lms", "microcreds_evaluate", "--retry-failed", "--no-progress"],
    ),
]
due = [0.0] * len(JOBS)
while True:
    for index, (interval, command) in enumerate(JOBS):
        if time.monotonic() >= due[index]:
            due[index] = time.monotonic() + interval
            print("microcreds-cron:", " ".join(command), flush=True)
            status = subprocess.run(command, check=False).returncode
            print("microcreds-cron: exit status", status, flush=True)
    time.sleep(max(1.0, min(due) - time.monotonic()))
