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
