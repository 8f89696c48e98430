"""Races of backpack connections on MariaDB, with threads that each hold their own database
connection, stopped at the moment that matters:

- an award issued while the learner's connection is being completed: whichever takes the
  connection's row first, the award ends up queued for the backpack (by the award's own
  transaction, or by the connection's "send everything");
- two workers that find the same expired token refresh it once: the second waits for the first
  and uses its token (the host rotates refresh tokens, so a second refresh with the old one
  would be refused and the connection lost).
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection as db_connection
from django.db import transaction
from django.utils import timezone

from openedx_microcreds import followups
from openedx_microcreds.backpacks import connecting, tokens
from openedx_microcreds.backpacks.models import BackpackConnection, BackpackHost
from openedx_microcreds.models import OutboxMessage
from openedx_microcreds.ob3 import oauth
from sandbox import scenario
from tests.backpacks.conftest import consent
from tests.backpacks.peer import PeerHost

pytestmark = pytest.mark.django_db(transaction=True)
CHANNEL = "openedx_microcreds.delivery.ob3.BackpackChannel"


@pytest.fixture
def setup(settings, catalogue, fake_platform):
    settings.MICROCREDS_DELIVERY_CHANNELS = [CHANNEL]
    settings.MICROCREDS_OB3_ALLOW_ANY_HOST = True
    learner = fake_platform.add_user("ada", "ada@example.edu", "Ada Lovelace")
    scenario.grade_analyst(learner, capstone=0.95, analysis=(0.9, 0.9), percent=0.9)
    host = BackpackHost.objects.create(base_url="http://127.0.0.1:9", name="Nowhere")
    pending = BackpackConnection.objects.create(user_id=learner.id, host=host, state="new")
    return learner, pending


def in_thread(target, errors: list):
    def run():
        try:
            with followups.held():  # nothing is sent: the rows are what this test checks
                target()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            db_connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def issue_analyst(learner):
    from openedx_microcreds.awarding import explain
    from openedx_microcreds.issuing import issue
    from openedx_microcreds.models import CredentialDefinition
    from openedx_microcreds.platform import get_platform

    definition = CredentialDefinition.objects.get(slug="data-analyst")
    explanation, details = explain(definition, learner, get_platform(), set())
    return issue(definition, learner, explanation, evidence=details).award


def complete(connection_pk: int) -> None:
    connecting._connected(connection_pk, oauth.Tokens("access", "refresh", 3600, ""), "client")


def wait_until_blocked(seconds: float = 1.0) -> None:
    """Long enough for the other thread to reach the lock it waits for."""
    time.sleep(seconds)


def test_award_first_then_the_connection_sees_it(setup):
    learner, pending = setup
    holding, release, errors = threading.Event(), threading.Event(), []
    awards = []

    def award():
        with transaction.atomic():
            awards.append(issue_analyst(learner))  # the channel locked Ada's connections
            holding.set()
            release.wait(10)

    first = in_thread(award, errors)
    assert holding.wait(10)
    second = in_thread(lambda: complete(pending.pk), errors)
    wait_until_blocked()
    assert second.is_alive()  # waiting for the award's transaction
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    [award] = awards
    queued = OutboxMessage.objects.filter(award=award, channel=pending.channel)
    assert list(queued.values_list("event", flat=True)) == ["connected"]


def test_connection_first_then_the_award_is_queued_for_it(setup):
    learner, pending = setup
    holding, release, errors = threading.Event(), threading.Event(), []
    awards = []

    def connect():
        with transaction.atomic():
            complete(pending.pk)
            holding.set()
            release.wait(10)

    first = in_thread(connect, errors)
    assert holding.wait(10)
    second = in_thread(lambda: awards.append(issue_analyst(learner)), errors)
    wait_until_blocked()
    assert second.is_alive()  # its channel waits for the connection's row
    release.set()
    first.join(10)
    second.join(10)
    assert errors == []
    [award] = awards
    queued = OutboxMessage.objects.filter(award=award, channel=pending.channel)
    assert "issued" in set(queued.values_list("event", flat=True))


def test_two_workers_refresh_an_expired_token_once(settings, catalogue, fake_platform):
    learner = fake_platform.add_user("ada", "ada@example.edu", "Ada Lovelace")
    with PeerHost() as peer:
        settings.MICROCREDS_OB3_ALLOW_LOOPBACK = True
        settings.MICROCREDS_OB3_ALLOW_ANY_HOST = True
        settings.LMS_ROOT_URL = "http://testserver"
        started = connecting.start(learner.id, url=peer.base)
        back = consent(started.authorization_url)
        query = {name: values[0] for name, values in parse_qs(urlsplit(back).query).items()}
        with followups.held():
            connection = connecting.finish(learner.id, query)
        BackpackConnection.objects.update(access_token_expires_at=timezone.now() - timedelta(1))
        peer.state.token_delay = 0.5
        barrier, got, errors = threading.Barrier(2), [], []

        def worker():
            mine = BackpackConnection.objects.get(pk=connection.pk)
            barrier.wait(10)
            got.append(tokens.access_token(mine))

        threads = [in_thread(worker, errors) for _ in range(2)]
        for thread in threads:
            thread.join(20)
        assert errors == []
        refreshes = [r for r in peer.state.token_requests if r["grant_type"] == "refresh_token"]
        assert len(refreshes) == 1
        assert len(set(got)) == 1 and got[0] in peer.state.access_tokens
        assert BackpackConnection.objects.get().state == "connected"
