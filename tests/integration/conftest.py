"""
Fixtures for the integration tests: real MariaDB, real Redis (and RabbitMQ), real processes.

Run them with ``make test-integration`` (which runs ``scripts/services.sh`` and sets
``MICROCREDS_TEST_DB=mysql``). Without MariaDB or a broker they are skipped, except under
``CI=true``, where they fail instead.

Every test here is transactional: what it seeds is committed, so the processes it starts, which
share the test database (pytest-django's ``test_<NAME>``), see it: the catalogue, and the fake
platform's courses and grades, which are rows of that database too.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import pytest

from .support import Procs, child_environment, unavailable

ISSUER_BASE_URL = "https://lms.example.edu"
# Without a database number: each use picks its own (broker, cache, event bus).
REDIS_URL = os.environ.get("MICROCREDS_IT_REDIS_URL", "redis://127.0.0.1:6379").rstrip("/")
RABBITMQ_URL = os.environ.get("MICROCREDS_IT_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672//")


@pytest.fixture(autouse=True)
def _mariadb_required():
    from django.db import connection

    if connection.vendor != "mysql":
        unavailable(
            "integration tests run on MariaDB: MICROCREDS_TEST_DB=mysql (make test-integration)"
        )


@pytest.fixture(scope="session")
def redis_url() -> str:
    """``redis://host:port``, without a database number."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis at {REDIS_URL} does not answer: {exc}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(scope="session")
def rabbitmq_url() -> str:
    from kombu import Connection

    try:
        with Connection(RABBITMQ_URL, connect_timeout=3) as connection:
            connection.ensure_connection(max_retries=1)
    except Exception as exc:
        unavailable(f"RabbitMQ at {RABBITMQ_URL} does not answer: {exc}")
    return RABBITMQ_URL


@dataclass
class World:
    """The sample catalogue, committed, and what a process needs to join the test."""

    issuer: object
    secret_keys: list[str]

    def add_passing_learner(self, username: str):
        """A learner who meets the Data Analyst rule, graded (and committed) on the platform."""
        from sandbox import scenario
        from sandbox.fake_platform import FakePlatform

        learner = FakePlatform.add_user(username, f"{username}@example.edu", username.title())
        scenario.grade_analyst(learner, capstone=0.9, analysis=(0.9, 0.85), percent=0.9)
        return learner

    def env(self, **extra: str | None) -> dict[str, str]:
        """Environment for a process that shares this test's database and platform."""
        import json

        from django.db import connection

        return child_environment(
            {
                "MICROCREDS_TEST_DB": "mysql",
                # The worker's default database *is* the test database.
                "MICROCREDS_MYSQL_NAME": connection.settings_dict["NAME"],
                "MICROCREDS_IT_SECRET_KEYS": json.dumps(self.secret_keys),
                "MICROCREDS_IT_ISSUER_BASE_URL": ISSUER_BASE_URL,
            },
            **extra,
        )


@pytest.fixture
def world(transactional_db, settings) -> World:
    from openedx_microcreds.secrets import generate_key
    from sandbox.scenario import create_catalogue

    settings.MICROCREDS_SECRET_KEYS = [generate_key()]
    settings.MICROCREDS_ISSUER_BASE_URL = ISSUER_BASE_URL
    issuer = create_catalogue(ISSUER_BASE_URL)
    return World(issuer, list(settings.MICROCREDS_SECRET_KEYS))


@pytest.fixture
def procs(world, tmp_path):
    """Processes started by the test; stopped before the test database is flushed."""
    started = Procs(tmp_path)
    yield started
    started.stop_all()


@pytest.fixture
def run_id() -> str:
    """Unique per test: for topics, queues, cache prefixes on shared servers."""
    return uuid.uuid4().hex[:12]
