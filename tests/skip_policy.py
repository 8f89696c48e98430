"""A pytest plugin: a skipped test fails the run unless a reviewed list allows that skip.

``make test`` and ``make test-integration`` (what CI runs) load it with
``-p tests.skip_policy --allowed-skips tests/allowed_skips.txt``. A test that silently skips
(a missing service, a missing module) would otherwise turn CI green while checking nothing.

The list has one entry a line: a test node id, or a glob over node ids (``fnmatch``), then
``|``, then why the skip is acceptable. A reason is required. ``#`` starts a comment line.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

import pytest

OPTION = "--allowed-skips"


@dataclass(frozen=True)
class AllowedSkip:
    pattern: str
    reason: str


class SkipListError(ValueError):
    pass


def read_allowed_skips(path: Path) -> list[AllowedSkip]:
    """The entries of ``path``; SkipListError names the line of a malformed one."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        pattern, bar, reason = (part.strip() for part in line.partition("|"))
        if not bar or not pattern or not reason:
            raise SkipListError(
                f"{path}:{number}: expected 'NODE_ID_OR_GLOB | reason', got {line!r}"
            )
        entries.append(AllowedSkip(pattern, reason))
    return entries


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        OPTION,
        metavar="FILE",
        default=None,
        help="Fail the run when a test skips and FILE does not list it (tests/skip_policy.py).",
    )


class SkipPolicy:
    def __init__(self, allowed: list[AllowedSkip], source: str) -> None:
        self.allowed = allowed
        self.source = source
        self.unlisted: list[tuple[str, str]] = []  # (node id, skip reason)
        self.listed: list[tuple[str, AllowedSkip]] = []

    def _allowance(self, nodeid: str) -> AllowedSkip | None:
        for entry in self.allowed:
            if nodeid == entry.pattern or fnmatch.fnmatchcase(nodeid, entry.pattern):
                return entry
        return None

    def _record(self, report: pytest.TestReport | pytest.CollectReport) -> None:
        if not report.skipped or hasattr(report, "wasxfail"):
            return
        allowance = self._allowance(report.nodeid)
        if allowance is not None:
            self.listed.append((report.nodeid, allowance))
        else:
            self.unlisted.append((report.nodeid, _skip_reason(report)))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self._record(report)

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        self._record(report)  # a whole module skipped at import time

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        quiet = (pytest.ExitCode.OK, pytest.ExitCode.NO_TESTS_COLLECTED)
        if self.unlisted and session.exitstatus in quiet:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter) -> None:  # noqa: ANN001 - pytest's type
        if self.listed:
            terminalreporter.section("skips allowed by " + self.source)
            for nodeid, entry in self.listed:
                terminalreporter.line(f"{nodeid}: {entry.reason}")
        if self.unlisted:
            terminalreporter.section("skipped tests not in " + self.source, red=True)
            for nodeid, reason in self.unlisted:
                terminalreporter.line(f"{nodeid}: {reason}", red=True)
            terminalreporter.line(
                f"{len(self.unlisted)} unlisted skip(s): the run fails. Make the test run, or "
                f"add it to {self.source} with the reason it may skip.",
                red=True,
            )


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_configure(config: pytest.Config) -> None:
    path = config.getoption(OPTION)
    if not path:
        return
    try:
        allowed = read_allowed_skips(Path(path))
    except (OSError, SkipListError) as exc:
        raise pytest.UsageError(f"{OPTION}: {exc}") from None
    config.pluginmanager.register(SkipPolicy(allowed, str(path)), "microcreds-skip-policy")
