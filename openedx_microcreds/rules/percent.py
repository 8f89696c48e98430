"""How fractional scores are compared with thresholds and shown to people.

Scores are fractions (0.8 is 80%). Sums of weighted fractions pick up binary floating
point error (0.7999999999999999 for what is really 80%), so comparisons allow a tiny
tolerance. Displayed scores round *down*, at least as finely as the threshold they are
compared with: a learner who fell short never sees a score that reads as the threshold
(79.99% is not "80%"), and one who made it never sees less (56.25% is not "56.2%").
"""

from __future__ import annotations

import math

TOLERANCE = 1e-9
# Finest precision a threshold is shown with, in decimals of a percent (83.3333%).
MAX_DECIMALS = 4


def meets(actual: float, required: float) -> bool:
    return actual >= required - TOLERANCE


def threshold_decimals(required: float) -> int:
    """How many decimals of a percent it takes to write the threshold: 0.8 -> 0 (80),
    0.825 -> 1 (82.5), 0.5625 -> 2 (56.25)."""
    percent = required * 100
    for decimals in range(MAX_DECIMALS):
        if abs(round(percent, decimals) - percent) < 1e-7:
            return decimals
    return MAX_DECIMALS


def _score_decimals(required: float | None) -> int:
    # A tenth of a percent by default; finer when the threshold is.
    return max(1, threshold_decimals(required)) if required is not None else 1


def _floor_percent(fraction: float, decimals: int) -> float:
    scale = 100 * 10**decimals
    # The tolerance, in the same units, keeps 0.29 (28.999...%) at 29%, and a score the
    # comparison accepts at or above the threshold.
    return math.floor(fraction * scale + TOLERANCE * scale) / 10**decimals


def _trim(number: str) -> str:
    return number.rstrip("0").rstrip(".") if "." in number else number


def score_percent(fraction: float, required: float | None = None) -> str:
    """A learner's score for people, rounded down: "72%", "72.5%", "56.25%" (the last
    only when compared with a threshold that precise)."""
    decimals = _score_decimals(required)
    return _trim(f"{_floor_percent(fraction, decimals):.{decimals}f}") + "%"


def threshold_percent(required: float) -> str:
    """A threshold for people: "80%", "82.5%", "56.25%"."""
    decimals = threshold_decimals(required)
    return _trim(f"{round(required * 100, decimals):.{decimals}f}") + "%"


def result_value(fraction: float, required: float | None = None) -> str:
    """A score as an Open Badges Percent value: "86.0", rounded down like score_percent.
    Pass the threshold as `required` too, to write a requiredValue in the same precision."""
    decimals = _score_decimals(required)
    return f"{_floor_percent(fraction, decimals):.{decimals}f}"


def points(value: float) -> str:
    """Points earned or possible, without noise: 18, 21.5, 0.33."""
    return f"{round(value, 2):g}"
