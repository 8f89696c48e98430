"""How fractional scores are compared with thresholds and shown to people.

Scores are fractions (0.8 is 80%). Sums of weighted fractions pick up binary floating
point error (0.7999999999999999 for what is really 80%), so comparisons allow a tiny
tolerance, and displayed actual scores round down: a learner who fell short never sees
their score rounded up to the threshold they missed.
"""

from __future__ import annotations

import math

TOLERANCE = 1e-9


def meets(actual: float, required: float) -> bool:
    return actual >= required - TOLERANCE


def _floor_tenths_of_percent(fraction: float) -> float:
    # The tolerance, scaled to tenths of a percent, keeps 0.29 (289.99999...) at 29.0.
    return math.floor(fraction * 1000 + TOLERANCE * 1000) / 10


def score_percent(fraction: float) -> str:
    """A learner's score for people: "72%", "72.5%" (rounded down to 0.1%)."""
    return f"{_floor_tenths_of_percent(fraction):g}%"


def threshold_percent(fraction: float) -> str:
    """A threshold for people: "80%", "82.5%", "83.33%"."""
    return f"{round(fraction * 100, 2):g}%"


def result_value(fraction: float) -> str:
    """A score as an Open Badges Percent result value: "86.0" (rounded down to 0.1)."""
    return f"{_floor_tenths_of_percent(fraction):.1f}"


def points(value: float) -> str:
    """Points earned or possible, without noise: 18, 21.5, 0.33."""
    return f"{round(value, 2):g}"
