"""Fixtures for the Node interop tests."""

from __future__ import annotations

import pytest

from tests.interop.node import NodeHarnessMissing, ensure_harness
from tests.interop.support import FIXTURES, VECTORS, fixture, load_json


@pytest.fixture(scope="session", autouse=True)
def node_harness() -> str:
    """Fail every interop test with the install hint when the harness is not installed."""
    try:
        return ensure_harness()
    except NodeHarnessMissing as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def test_key() -> dict:
    return load_json(FIXTURES / "test_key.json")


@pytest.fixture(scope="session")
def w3c_key() -> dict:
    return load_json(VECTORS / "keyPair.json")


@pytest.fixture
def ob3_unsigned() -> dict:
    return fixture("ob3_unsigned.json")
