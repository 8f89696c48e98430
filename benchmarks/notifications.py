"""Notification benchmark: e-mails sent per second by one worker, against a loopback SMTP server
(aiosmtpd, in its own process so that it does not share this one's interpreter lock).

- ours: one outbox message delivered as the ``openedx_microcreds.deliver`` task does it: claim
  the row, load the award, check the learner's choice, build the message from the credential
  and the rule engine's explanation, render the text and HTML parts, send it through Django's
  SMTP backend, record the outcome (SQLite; the row is made pending again between calls,
  untimed);
- the peer: a bare Django ``send_mail`` of a short text to the same server: the cost of SMTP
  itself (a new connection per message in both cases, Django's default).

The two alternate in rounds (benchmarks.rounds.alternate); figures are medians with their
p10-p90 spread, and a rate per worker derived from the median.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_smtp_server(port: int) -> subprocess.Popen:
    """aiosmtpd's Sink handler (accepts and discards) on 127.0.0.1:port; waits until it listens."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("the loopback SMTP server did not start") from None
            time.sleep(0.05)


def run(rounds: int, per_round: int) -> dict:
    from benchmarks.plugin import setup_django

    setup_django("sqlite")
    from django.conf import settings
    from django.core.mail import send_mail

    from benchmarks.rounds import outbox_rounds
    from benchmarks.served import free_port
    from openedx_microcreds.models import Award, OutboxMessage
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    port = free_port()
    server = start_smtp_server(port)
    try:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 10
        settings.MICROCREDS_DELIVERY_CHANNELS = ["openedx_microcreds.delivery.email.EmailChannel"]
        settings.MICROCREDS_EMAIL_VIA_ACE = False
        scenario.create_catalogue("https://lms.example.edu")
        learner = FakePlatform.add_user("ada", "ada@example.edu", "Ada Lovelace")
        scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
        scenario.send_passing_status(learner, scenario.DATA_COURSE)  # eager: sent once already
        award = Award.objects.get(user_id=learner.id)
        message = OutboxMessage.objects.get(award=award, event="issued", channel="email")
        assert message.state == "sent", (message.state, message.last_error)

        def peer() -> None:
            send_mail(
                "You earned Data Analyst",
                "Hello Ada Lovelace,\n\nExample University has issued you a credential.\n",
                "credentials@example.edu",
                ["ada@example.edu"],
            )

        mine, theirs, reset_ms = outbox_rounds(message.pk, peer, rounds=rounds, per_round=per_round)
    finally:
        server.terminate()
        server.wait(timeout=10)
    ours_ms = mine.median - reset_ms
    return {
        "notification_ms": ours_ms,
        "notification_p10_ms": mine.p10 - reset_ms,
        "notification_p90_ms": mine.p90 - reset_ms,
        **theirs.as_dict("bare_send_mail"),
        "notifications_per_s": 1000 / ours_ms,
        "bare_send_mail_per_s": 1000 / theirs.median,
        "samples": mine.samples,
        "reset_ms": reset_ms,
    }


def report(row: dict) -> str:
    return (
        "Notifications (one worker, loopback SMTP server in its own process; alternating rounds)\n"
        f"  e-mail through the outbox: {row['notifications_per_s']:.0f}/s "
        f"(median {row['notification_ms']:.2f} ms, p10-p90 {row['notification_p10_ms']:.2f}-"
        f"{row['notification_p90_ms']:.2f}); bare Django send_mail: "
        f"{row['bare_send_mail_per_s']:.0f}/s (median {row['bare_send_mail_median_ms']:.2f} ms, "
        f"p10-p90 {row['bare_send_mail_p10_ms']:.2f}-{row['bare_send_mail_p90_ms']:.2f}); "
        f"ours/peer {row['notification_ms'] / row['bare_send_mail_median_ms']:.2f}x "
        f"({row['samples']} samples each)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=20)
    args = parser.parse_args()
    print(json.dumps(run(args.rounds, args.per_round)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
