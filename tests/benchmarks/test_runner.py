"""`make bench` must at least parse its own defaults (it once did not)."""

import pytest

from benchmarks.run import SECTIONS, parse


def test_no_arguments_means_every_section():
    args = parse([])
    assert args.sections == SECTIONS
    assert SECTIONS == ["core", "plugin", "lifecycle", "public", "notifications", "backpacks"]
    assert args.backfill == 10_000 and not args.no_mysql


def test_named_sections_and_unknown_ones():
    assert parse(["core", "lifecycle"]).sections == ["core", "lifecycle"]
    with pytest.raises(SystemExit):
        parse(["nope"])
