"""Comparing and showing fractional scores."""

import pytest

from openedx_microcreds.rules.percent import (
    meets,
    points,
    result_value,
    score_percent,
    threshold_decimals,
    threshold_percent,
)


@pytest.mark.parametrize(
    ("actual", "required", "expected"),
    [(0.8, 0.8, True), (0.7999999999999999, 0.8, True), (0.79999, 0.8, False), (1.0, 0.0, True)],
)
def test_meets_tolerates_float_noise_only(actual, required, expected):
    assert meets(actual, required) is expected


@pytest.mark.parametrize(
    ("required", "decimals", "shown"),
    [(0.8, 0, "80%"), (0.825, 1, "82.5%"), (0.5625, 2, "56.25%"), (0.29, 0, "29%"),
     (0.0, 0, "0%"), (1.0, 0, "100%"), (2 / 3, 4, "66.6667%")],
)  # fmt: skip
def test_threshold_display(required, decimals, shown):
    assert threshold_decimals(required) == decimals
    assert threshold_percent(required) == shown


@pytest.mark.parametrize(
    ("actual", "required", "shown", "value"),
    [
        (0.72, 0.8, "72%", "72.0"),
        (0.7999, 0.8, "79.9%", "79.9"),
        (0.7999999999999999, 0.8, "80%", "80.0"),
        (0.29, 0.29, "29%", "29.0"),
        (0.5625, 0.5625, "56.25%", "56.25"),
        (0.56249, 0.5625, "56.24%", "56.24"),
        (0.86, None, "86%", "86.0"),
        (0.725, None, "72.5%", "72.5"),
        (1.25, 0.8, "125%", "125.0"),
    ],
)
def test_scores_round_down_as_finely_as_the_threshold(actual, required, shown, value):
    assert score_percent(actual, required) == shown
    assert result_value(actual, required) == value


def test_points():
    assert [points(18.0), points(21.5), points(1 / 3)] == ["18", "21.5", "0.33"]
