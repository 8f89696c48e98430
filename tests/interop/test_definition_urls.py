"""Every URL the definition checks accept is one JavaScript's URL parser accepts too.

The URLs authors type (alignment targets, images, issuer pages) are copied into credentials that
JavaScript verifiers and wallets read with ``new URL()``. The candidates mix every reserved and
unsafe character, escapes, non-ASCII text, odd hosts and ports; thousands of them are checked in
one Node run.
"""

from __future__ import annotations

import random

from openedx_microcreds.rules.urls import url_problem
from tests.interop.node import run_node

SAFE_PIECES = list("aZ09-._~!$&'()*+,;=:@/?#") + ["%20", "é", "日", "\U0001f600", "..", "/./"]
UNSAFE_PIECES = list('%[]<>"{}|\\^` \t\n\x00\x7f') + ["%2", "%G0", "\u00a0", "\u202e", "\ufeff"]
HOSTS = [
    "example.org",
    "a-b.example",
    "127.0.0.1",
    "10.0.0.255.",
    "xn--bcher-kva.example",
    "localhost",
    "EXAMPLE.org",
    "bücher.example",
    "exa_mple.org",
    "-x.org",
    "999.0.0.1",
    "0x7f.0.0.1",
    "1.2.3",
    "[::1]",
    "",
    "u:p@x.org",
    "x..org",
]
PORTS = ["", ":8000", ":65535", ":65536", ":x", ":", ":0080"]


def candidates(count: int, seed: int = 20261129) -> list[str]:
    chooser = random.Random(seed)
    found = []
    for _ in range(count):
        scheme = chooser.choice(["http", "https", "HTTPS", "hTtP"])
        rest = "".join(
            chooser.choice(SAFE_PIECES if chooser.random() < 0.9 else UNSAFE_PIECES)
            for _ in range(chooser.randrange(0, 14))
        )
        found.append(f"{scheme}://{chooser.choice(HOSTS)}{chooser.choice(PORTS)}{rest}")
    return found


def test_accepted_urls_parse_in_javascript():
    accepted = [url for url in candidates(12000) if url_problem(url) is None]
    assert len(accepted) > 300  # the corpus exercises the accepting side too
    results = run_node("url_parse.mjs", {"urls": accepted})["results"]
    refused_by_javascript = [(r["url"], r.get("error")) for r in results if not r["ok"]]
    assert refused_by_javascript == []


def test_what_javascript_accepts_but_we_refuse_is_refused_for_a_reason():
    """The other direction is allowed to differ (we are stricter): spaces, quotes, brackets,
    user names, IPv6 literals. Shown so the list stays explainable."""
    refused = [url for url in candidates(600) if url_problem(url) is not None]
    results = run_node("url_parse.mjs", {"urls": refused})["results"]
    javascript_ok = [r["url"] for r in results if r["ok"]]
    for url in javascript_ok:
        assert url_problem(url).startswith("must be an http(s) URL")
