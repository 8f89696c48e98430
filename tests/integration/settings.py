"""
Settings for the processes the integration tests start: Celery workers, event bus consumers and
producers, racing evaluators. The sandbox LMS, plus what those tests pass through the
environment (``MICROCREDS_*`` for the database and the broker, as the sandbox reads them). The
platform is the sandbox's fake, whose courses and grades are rows of the shared test database.

* ``MICROCREDS_IT_SECRET_KEYS`` (JSON list), ``MICROCREDS_IT_ISSUER_BASE_URL``: the test's values,
  so a worker decrypts the same signing key and names the same issuer.
* ``MICROCREDS_IT_AWARDING=off``: receivers ignore events (an LMS that only produces to the bus).
* ``MICROCREDS_IT_QUEUE``: the Celery queue of this test run (every task goes there, the
  periodic ones included).
* ``MICROCREDS_IT_STALE_SECONDS``, ``MICROCREDS_IT_SWEEP_SECONDS``: how soon left-behind work is
  swept (fault tests shorten the production defaults).
* ``MICROCREDS_IT_OUTBOX_RETRY_BASE``, ``..._MAX``, ``MICROCREDS_IT_OUTBOX_LEASE``: outbox retry
  delays and the lease of a claimed message, in seconds (backpack fault tests).
* ``MICROCREDS_IT_DB_TIMEOUT``: seconds before a silent database connection fails.
* ``MICROCREDS_IT_CACHE_URL``, ``MICROCREDS_IT_CACHE_PREFIX``: a Redis cache shared by the test and
  its processes, as a deployment shares one between the LMS and its workers.
* ``MICROCREDS_IT_EVENT_BUS_URL``, ``MICROCREDS_IT_TOPIC_PREFIX``: the Redis event bus; with
  ``MICROCREDS_IT_PRODUCE_TOPIC`` set, COURSE_PASSING_STATUS_UPDATED is also produced to that
  topic (the platform's ``EVENT_BUS_PRODUCER_CONFIG``).
"""

import json
import os

from sandbox.settings.lms import *  # noqa: F403
from sandbox.settings.lms import CELERYBEAT_SCHEDULE, DATABASES, INSTALLED_APPS

_env = os.environ.get

# The learner e-mails the workers send stay in memory (the sandbox's file backend would write
# them into the repository's demo-output/); the e-mail tests run in the test process.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

if _env("MICROCREDS_IT_SECRET_KEYS"):
    MICROCREDS_SECRET_KEYS = json.loads(_env("MICROCREDS_IT_SECRET_KEYS"))
if _env("MICROCREDS_IT_ISSUER_BASE_URL"):
    MICROCREDS_ISSUER_BASE_URL = _env("MICROCREDS_IT_ISSUER_BASE_URL")
MICROCREDS_ENABLED = _env("MICROCREDS_IT_AWARDING", "on") != "off"
MICROCREDS_CELERY_QUEUE = _env("MICROCREDS_IT_QUEUE") or None
if MICROCREDS_CELERY_QUEUE:
    CELERY_DEFAULT_QUEUE = MICROCREDS_CELERY_QUEUE
    CELERY_QUEUES = {MICROCREDS_CELERY_QUEUE: {}}
if _env("MICROCREDS_IT_STALE_SECONDS"):
    MICROCREDS_PENDING_STALE_SECONDS = float(_env("MICROCREDS_IT_STALE_SECONDS"))
if _env("MICROCREDS_IT_SWEEP_SECONDS"):
    MICROCREDS_SWEEP_INTERVAL_SECONDS = float(_env("MICROCREDS_IT_SWEEP_SECONDS"))
    CELERYBEAT_SCHEDULE["openedx-microcreds-sweep-pending"]["schedule"] = (
        MICROCREDS_SWEEP_INTERVAL_SECONDS
    )
# Outbox retries and leases in seconds rather than minutes (backpack fault tests).
if _env("MICROCREDS_IT_OUTBOX_RETRY_BASE"):
    MICROCREDS_OUTBOX_RETRY_BASE_SECONDS = float(_env("MICROCREDS_IT_OUTBOX_RETRY_BASE"))
    MICROCREDS_OUTBOX_RETRY_MAX_SECONDS = float(_env("MICROCREDS_IT_OUTBOX_RETRY_MAX", "2"))
if _env("MICROCREDS_IT_OUTBOX_LEASE"):
    MICROCREDS_OUTBOX_LEASE_SECONDS = float(_env("MICROCREDS_IT_OUTBOX_LEASE"))
if _env("MICROCREDS_IT_DB_TIMEOUT") and DATABASES["default"]["ENGINE"].endswith("mysql"):
    _timeout = int(_env("MICROCREDS_IT_DB_TIMEOUT"))
    DATABASES["default"]["OPTIONS"].update(
        connect_timeout=_timeout, read_timeout=_timeout, write_timeout=_timeout
    )

if _env("MICROCREDS_IT_CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _env("MICROCREDS_IT_CACHE_URL"),
            "KEY_PREFIX": _env("MICROCREDS_IT_CACHE_PREFIX", ""),
        }
    }

if _env("MICROCREDS_IT_EVENT_BUS_URL"):
    # openedx_events provides consume_events and connects EVENT_BUS_PRODUCER_CONFIG's signals.
    INSTALLED_APPS = [*INSTALLED_APPS, "openedx_events", "edx_event_bus_redis"]
    EVENT_BUS_PRODUCER = "edx_event_bus_redis.create_producer"
    EVENT_BUS_CONSUMER = "edx_event_bus_redis.RedisEventConsumer"
    EVENT_BUS_REDIS_CONNECTION_URL = _env("MICROCREDS_IT_EVENT_BUS_URL")
    EVENT_BUS_TOPIC_PREFIX = _env("MICROCREDS_IT_TOPIC_PREFIX", "")
    EVENT_BUS_REDIS_CONSUMER_POLL_TIMEOUT = 1  # seconds; the consumer notices a stop sooner
    EVENT_BUS_REDIS_CONSUMER_CONSECUTIVE_ERRORS_LIMIT = 5
    if _env("MICROCREDS_IT_PRODUCE_TOPIC"):
        EVENT_BUS_PRODUCER_CONFIG = {
            "org.openedx.learning.course.passing.status.updated.v1": {
                _env("MICROCREDS_IT_PRODUCE_TOPIC"): {
                    "event_key_field": "course_passing_status.course.course_key",
                    "enabled": True,
                },
            },
        }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(process)d %(name)s %(levelname)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        name: {"handlers": ["console"], "level": "INFO", "propagate": False}
        for name in ("openedx_microcreds", "edx_event_bus_redis", "openedx_events")
    },
}
