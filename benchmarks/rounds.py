"""Ours against the peer, honestly: the two alternate in rounds within one run, so a slower or
busier machine at one moment weighs on both sides alike; every figure comes with its spread."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """Milliseconds per call: the median and the 10th-90th percentile spread."""

    median: float
    p10: float
    p90: float
    samples: int

    @classmethod
    def of(cls, samples: list[float]) -> Figure:
        ordered = sorted(samples)
        pick = lambda q: ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]  # noqa: E731
        return cls(statistics.median(ordered), pick(0.1), pick(0.9), len(ordered))

    def as_dict(self, prefix: str) -> dict[str, float]:
        return {
            f"{prefix}_median_ms": self.median,
            f"{prefix}_p10_ms": self.p10,
            f"{prefix}_p90_ms": self.p90,
        }

    def text(self) -> str:
        return f"{self.median:.3f} ms (p10-p90 {self.p10:.3f}-{self.p90:.3f})"


def alternate(
    ours: Callable[[], object],
    peer: Callable[[], object],
    *,
    rounds: int,
    per_round: int,
    warmup: int = 5,
) -> tuple[Figure, Figure]:
    """Time ``ours`` and ``peer`` in alternating rounds of ``per_round`` calls each."""
    for _ in range(warmup):
        ours()
        peer()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds):
        for action, samples in ((ours, mine), (peer, theirs)):
            for _ in range(per_round):
                start = time.perf_counter()
                action()
                samples.append((time.perf_counter() - start) * 1000)
    return Figure.of(mine), Figure.of(theirs)


def outbox_rounds(
    message_pk: int, peer: Callable[[], object], *, rounds: int, per_round: int
) -> tuple[Figure, Figure, float]:
    """
    One sent outbox message delivered again and again (set back to pending, then delivered by
    ``outbox.deliver`` as a worker does), alternating with ``peer``. Setting it back is inside
    each timing, so its own median is measured apart and returned (ms) for callers to take out.
    """
    from django.db import transaction

    from openedx_microcreds.delivery import outbox
    from openedx_microcreds.models import OutboxMessage

    pending = OutboxMessage.objects.filter(pk=message_pk)

    def set_back() -> None:
        with transaction.atomic():
            pending.update(state="pending", attempts=0)

    def ours() -> None:
        set_back()
        result = outbox.deliver(message_pk)
        if result.outcome != outbox.SENT:
            raise RuntimeError(f"not sent: {result}")

    reset_samples = []
    for _ in range(200):
        start = time.perf_counter()
        set_back()
        reset_samples.append((time.perf_counter() - start) * 1000)
    pending.update(state="sent")
    reset_ms = sorted(reset_samples)[len(reset_samples) // 2]
    mine, theirs = alternate(ours, peer, rounds=rounds, per_round=per_round)
    return mine, theirs, reset_ms
