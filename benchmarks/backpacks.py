"""Backpack benchmark (Open Badges 3.0 hosts), two figures, each against its peer in
alternating rounds (benchmarks.rounds.alternate), SQLite:

- deliveries per second by one worker to a loopback host (tests/interop/ob3_host.mjs, panva's
  oidc-provider and its resource server, in its own Node process):
  ours is one outbox message delivered as the ``openedx_microcreds.deliver`` task does it
  (claim the row, load the award and the connection, decrypt the token, the guarded HTTP
  client's upsert, record the outcome; the row is made pending again between calls, timed
  alone and taken out); the peer is a bare ``requests`` POST of the same body with the same
  token to the same URL, on a kept-alive session as ours;
- the outbox's added cost per award: ours issues a credential (sign, store, the outbox) to a
  learner who connected a backpack, with the backpack channel on (its targets lock the
  learner's connections, check the operator's host list, write the row); the peer issues the
  same credential with no channel. Follow-up work is held, so no delivery runs in either.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHANNEL = "openedx_microcreds.delivery.ob3.BackpackChannel"


def run(rounds: int, per_round: int, award_rounds: int, awards_per_round: int) -> dict:
    from benchmarks.plugin import setup_django

    setup_django("sqlite")
    from tests.interop.ob3_host import NodeBackpack

    with NodeBackpack(name="Bench backpack") as backpack:
        deliveries = _deliveries(backpack, rounds, per_round)
        awards = _award_cost(backpack, award_rounds, awards_per_round)
    return {**deliveries, **awards}


def _deliveries(backpack, rounds: int, per_round: int) -> dict:
    import requests
    from django.conf import settings

    from benchmarks.rounds import outbox_rounds
    from openedx_microcreds.backpacks import connecting
    from openedx_microcreds.backpacks.models import BackpackConnection
    from openedx_microcreds.models import Award, OutboxMessage
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform
    from tests.interop.ob3_host import callback_params

    settings.MICROCREDS_DELIVERY_CHANNELS = [CHANNEL]
    settings.MICROCREDS_OB3_HOSTS = [{"name": "Bench backpack", "url": backpack.base}]
    settings.MICROCREDS_OB3_ALLOW_ANY_HOST = False
    scenario.create_catalogue("https://lms.example.edu")
    learner = FakePlatform.add_user("ada", "ada@example.edu", "Ada Lovelace")
    scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    started = connecting.start(learner.id, url=backpack.base)
    back = backpack.consent(requests.Session(), started.authorization_url, "ada")
    connection = connecting.finish(learner.id, callback_params(back))  # eager: sent once
    message = OutboxMessage.objects.get(channel=connection.channel)
    assert message.state == "sent", (message.state, message.last_error)
    award = Award.objects.get(pk=message.award_id)
    token = BackpackConnection.objects.get(pk=connection.pk).access_token()
    url = f"{backpack.base}/ims/ob/v3p0/credentials"
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    body = award.credential_json.encode("utf-8")

    def peer() -> None:
        answer = session.post(url, data=body, headers=headers, timeout=10)
        if answer.status_code not in (200, 201):
            raise RuntimeError(f"peer not sent: {answer.status_code}")

    mine, theirs, reset_ms = outbox_rounds(message.pk, peer, rounds=rounds, per_round=per_round)
    ours_ms = mine.median - reset_ms
    return {
        "delivery_ms": ours_ms,
        "delivery_p10_ms": mine.p10 - reset_ms,
        "delivery_p90_ms": mine.p90 - reset_ms,
        **theirs.as_dict("bare_post"),
        "deliveries_per_s": 1000 / ours_ms,
        "bare_posts_per_s": 1000 / theirs.median,
        "delivery_samples": mine.samples,
        "reset_ms": reset_ms,
        "upserts_at_host": backpack.stats()["upserts"],
    }


def _award_cost(backpack, rounds: int, per_round: int) -> dict:
    from django.conf import settings

    from benchmarks.rounds import alternate
    from openedx_microcreds import followups
    from openedx_microcreds.awarding import explain
    from openedx_microcreds.backpacks.models import BackpackConnection, BackpackHost
    from openedx_microcreds.issuing import issue
    from openedx_microcreds.models import CredentialDefinition
    from openedx_microcreds.platform import get_platform
    from sandbox import scenario
    from sandbox.fake_platform import FakePlatform

    definition = CredentialDefinition.objects.get(slug="data-analyst")
    host = BackpackHost.objects.get(base_url=backpack.base)
    count = (rounds * per_round + 10) * 2
    learners = []
    for n in range(count):
        learner = FakePlatform.add_user(f"learner{n}", f"learner{n}@example.edu", f"L {n}")
        scenario.grade_analyst(learner, capstone=0.92, analysis=(0.8, 0.9), percent=0.88)
        learners.append(learner)
    connected = learners[: count // 2]
    BackpackConnection.objects.bulk_create(
        BackpackConnection(user_id=learner.id, host=host, state="connected")
        for learner in connected
    )
    bare = learners[count // 2 :]
    explanation, details = explain(definition, connected[0], get_platform(), set())

    def award(pool: list, channels: list[str]) -> None:
        settings.MICROCREDS_DELIVERY_CHANNELS = channels
        with followups.held():
            outcome = issue(definition, pool.pop(), explanation, evidence=details)
        assert outcome.created

    mine, theirs = alternate(
        lambda: award(connected, [CHANNEL]),
        lambda: award(bare, []),
        rounds=rounds,
        per_round=per_round,
        warmup=5,
    )
    return {
        **mine.as_dict("award_with_channel"),
        **theirs.as_dict("award_without"),
        "added_per_award_ms": mine.median - theirs.median,
        "award_samples": mine.samples,
    }


def report(row: dict) -> str:
    return (
        "Backpacks (Open Badges 3.0 host on loopback: oidc-provider + resource server in its own "
        "Node process; SQLite; alternating rounds)\n"
        f"  deliveries per worker: {row['deliveries_per_s']:.0f}/s (median "
        f"{row['delivery_ms']:.2f} ms, p10-p90 {row['delivery_p10_ms']:.2f}-"
        f"{row['delivery_p90_ms']:.2f}); bare requests POST of the same body: "
        f"{row['bare_posts_per_s']:.0f}/s (median {row['bare_post_median_ms']:.2f} ms, p10-p90 "
        f"{row['bare_post_p10_ms']:.2f}-{row['bare_post_p90_ms']:.2f}); ours/peer "
        f"{row['delivery_ms'] / row['bare_post_median_ms']:.2f}x ({row['delivery_samples']} "
        "samples each; goal >= 100/s)\n"
        f"  an award with the backpack channel (learner connected): median "
        f"{row['award_with_channel_median_ms']:.3f} ms (p10-p90 "
        f"{row['award_with_channel_p10_ms']:.3f}-{row['award_with_channel_p90_ms']:.3f}); "
        f"without: {row['award_without_median_ms']:.3f} ms (p10-p90 "
        f"{row['award_without_p10_ms']:.3f}-{row['award_without_p90_ms']:.3f}); the outbox "
        f"adds {row['added_per_award_ms']:.3f} ms per award (goal <= 1 ms; "
        f"{row['award_samples']} samples each)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=25)
    parser.add_argument("--award-rounds", type=int, default=10)
    parser.add_argument("--awards-per-round", type=int, default=10)
    args = parser.parse_args()
    row = run(args.rounds, args.per_round, args.award_rounds, args.awards_per_round)
    print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
