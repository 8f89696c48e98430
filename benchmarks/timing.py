"""Small timing helpers: medians over repeated runs after a warm-up, one timed call, spreads."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def median_ms(action: Callable[[], object], *, iterations: int, warmup: int = 10) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(iterations):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def timed_ms(action: Callable[[], T]) -> tuple[T, float]:
    """``action()``'s result and how long it took, in milliseconds."""
    start = time.perf_counter()
    result = action()
    return result, (time.perf_counter() - start) * 1000


def spread(samples: list[float]) -> dict:
    """Median, 10th and 90th percentiles and count of ``samples`` (ms)."""
    return {
        "median": statistics.median(samples),
        "p10": percentile(samples, 0.10),
        "p90": percentile(samples, 0.90),
        "n": len(samples),
    }
