"""Point this process's Celery app at a real broker for a while (tests of what is sent)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

# With a broker that refuses connections: fail the publish at once instead of retrying.
REFUSE_AT_ONCE = {
    "task_publish_retry": False,
    "broker_connection_max_retries": 0,
    "broker_connection_timeout": 1,
    "broker_transport_options": {"max_retries": 0, "interval_start": 0, "interval_step": 0},
}


@contextmanager
def publishing_to(broker_url: str, **conf: Any) -> Iterator[Any]:
    """Make this process's Celery app send tasks to ``broker_url`` instead of running them.

    The app's broker connection and producer pools come from kombu's process-wide registry:
    the ones in use before (for the eager ``memory://`` broker) are put aside and restored
    untouched; the ones made for ``broker_url`` are closed and dropped from the registry.
    ``conf`` sets other Celery settings (new-style names) for the duration.
    """
    from kombu import pools

    from sandbox.celery import app

    changes = {"broker_url": broker_url, "task_always_eager": False, **conf}
    saved_conf = {name: app.conf[name] for name in changes}
    amqp = app.amqp
    saved_pools = (app._pool, amqp._producer_pool)
    app._pool = amqp._producer_pool = None
    app.conf.update(changes)
    try:
        yield app
    finally:
        made = [pool for pool in (app._pool, amqp._producer_pool) if pool is not None]
        app._pool, amqp._producer_pool = saved_pools
        app.conf.update(saved_conf)
        for group in (pools.connections, pools.producers):
            for key, pool in list(group.items()):  # keys as stored: already hashed
                if any(pool is mine for mine in made):
                    dict.__delitem__(group, key)
        for pool in made:
            pool.force_close_all()
