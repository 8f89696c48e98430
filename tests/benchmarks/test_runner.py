"""`make bench` must at least parse its own defaults (it once did not)."""

import pytest

from benchmarks.run import SECTIONS, parse


def test_no_arguments_means_every_section():
    args = parse([])
    assert args.sections == SECTIONS
    assert SECTIONS == [
        "core",
        "plugin",
        "lifecycle",
        "public",
        "notifications",
        "wallets",
        "api",
        "backpacks",
    ]
    assert args.backfill == 10_000 and not args.no_mysql


def test_named_sections_and_unknown_ones():
    assert parse(["core", "lifecycle"]).sections == ["core", "lifecycle"]
    with pytest.raises(SystemExit):
        parse(["nope"])


def test_wallets_report_names_each_flow_and_the_goal():
    from benchmarks.wallets import report

    figure = {"p50_ms": 2.0, "p95_ms": 3.0, "samples": 10}
    result = {
        "server": "gunicorn",
        "peer": figure,
        "peer_cpu": figure,
        "lcw": {**figure, "ratio_p50": 1.2},
        "lcw_cpu": {**figure, "ratio_p50": 1.1},
        "oid4vci": {**figure, "ratio_p50": 2.0},
        "oid4vci_cpu": {**figure, "ratio_p50": 1.9},
        "lcw_app": figure,
        "oid4vci_app": figure,
    }
    text = report(result)
    assert "LCW exchange" in text and "OpenID4VCI issuance" in text
    assert "meets the 1.5x goal" in text and "misses the 1.5x goal" in text
