"""Delivering to a connected backpack through the outbox: new awards, revocations (the same
credential again) and renewals go out by themselves; 201/200 are success, 5xx and unreachable
hosts are retried, 401 refreshes once, other 4xx fail with the host's Imsx_StatusInfo, and a
revoked grant leaves a "reconnect" state instead of a retry loop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openedx_microcreds.backpacks.models import BackpackConnection, BackpackHost
from openedx_microcreds.delivery import outbox
from openedx_microcreds.models import Award, OutboxMessage
from openedx_microcreds.revocation import revoke
from sandbox import scenario

from .conftest import ME, connect, login
from .peer import status_info

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connected(client, peer, mary):
    """Mary, connected to the peer (her active credential is there already)."""
    login(client, mary)
    assert connect(client, peer.base)["kind"] == "success"
    return BackpackConnection.objects.get(user_id=mary.id)


def analyst_again(learner):
    scenario.grade_analyst(learner, capstone=0.95, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(learner, scenario.DATA_COURSE)
    return Award.objects.active().get(user_id=learner.id, definition__slug="data-analyst")


def message_of(award, connection, event="issued"):
    return OutboxMessage.objects.get(award=award, event=event, channel=connection.channel)


def test_new_awards_and_revocations_go_out_by_themselves(connected, peer, mary):
    award = analyst_again(mary)
    assert message_of(award, connected).state == "sent"
    assert peer.held()[award.credential_id] == award.credential
    revoke(award, reason="regraded")
    assert message_of(award, connected, "revoked").state == "sent"
    # Same id, replaced (200): the host holds it once, and its status entry now says revoked.
    assert [u for u in peer.state.upserts if u[1] == award.credential_id] == [
        ("learner-at-peer", award.credential_id, 201),
        ("learner-at-peer", award.credential_id, 200),
    ]
    # Everything she earned since connecting is there too (the pathway stacked on the two).
    earned = Award.objects.filter(user_id=mary.id).exclude(revocation_reason="plagiarised capstone")
    assert set(peer.held()) == {a.credential_id for a in earned}
    assert len(earned) == 3


def test_a_renewal_sends_the_renewed_credential(connected, peer, mary):
    from openedx_microcreds.renewal import renew_expiring

    viz = Award.objects.active().get(user_id=mary.id)
    Award.objects.filter(pk=viz.pk).update(valid_until=timezone.now() + timedelta(days=3))
    summary = renew_expiring(30)
    [renewed] = summary.renewed
    assert message_of(renewed, connected, "renewed").state == "sent"
    assert set(peer.held()) == {viz.credential_id, renewed.credential_id}


def test_expiry_sends_nothing(connected, peer, mary):
    from openedx_microcreds.renewal import expire_lapsed

    viz = Award.objects.active().get(user_id=mary.id)
    Award.objects.filter(pk=viz.pk).update(valid_until=timezone.now() - timedelta(days=1))
    before = len(peer.state.upserts)
    expire_lapsed()
    assert not OutboxMessage.objects.filter(award=viz, event="expired").exists()
    assert len(peer.state.upserts) == before


def test_a_server_error_is_retried_with_the_hosts_words(connected, peer, mary):
    peer.state.upsert_answers = [(500, status_info("database is down", "internal_server_error"))]
    award = analyst_again(mary)
    message = message_of(award, connected)
    assert (message.state, message.attempts) == ("pending", 1)
    assert message.last_error == (
        "Peer backpack answered 500: database is down (internal_server_error)"
    )
    assert message.due_at > timezone.now()
    assert outbox.deliver(message.pk, now=message.due_at).outcome == outbox.SENT
    assert award.credential_id in peer.held()


def test_an_unreachable_host_is_retried(connected, peer, mary, settings):
    BackpackHost.objects.update(base_url="http://127.0.0.1:9")  # nothing listens there
    settings.MICROCREDS_OB3_HOSTS = [{"name": "Peer backpack", "url": "http://127.0.0.1:9"}]
    award = analyst_again(mary)
    message = message_of(award, connected)
    assert (message.state, message.last_error) == ("pending", "could not connect to 127.0.0.1")


def test_a_refusal_fails_for_good_with_the_hosts_imsx_status_info(connected, peer, mary):
    peer.state.upsert_answers = [(400, status_info("achievement.name is missing", "invalid_data"))]
    award = analyst_again(mary)
    message = message_of(award, connected)
    assert (message.state, message.attempts) == ("failed", 1)
    assert message.last_error == (
        "Peer backpack answered 400: achievement.name is missing (invalid_data)"
    )
    page = login_page_text(connected, mary)
    assert "Peer backpack did not accept it" in page


def login_page_text(connected, learner):
    from django.test import Client

    from .conftest import login as log_in

    return log_in(Client(), learner).get(ME).content.decode()


def test_a_401_refreshes_the_token_and_tries_once_more(connected, peer, mary):
    old = connected.access_token()
    peer.state.access_tokens.pop(old)  # the host dropped it early
    award = analyst_again(mary)
    assert message_of(award, connected).state == "sent"
    refreshed = BackpackConnection.objects.get(pk=connected.pk)
    assert refreshed.access_token() not in ("", old)
    grants = [r["grant_type"] for r in peer.state.token_requests]
    assert grants == ["authorization_code", "refresh_token"]


def test_a_token_about_to_expire_is_refreshed_before_sending(connected, peer, mary):
    BackpackConnection.objects.update(access_token_expires_at=timezone.now() + timedelta(seconds=5))
    peer.expire_access_tokens()
    award = analyst_again(mary)
    assert message_of(award, connected).state == "sent"
    assert [u[2] for u in peer.state.upserts][-1] == 201  # no 401 on the way
    assert [r["grant_type"] for r in peer.state.token_requests][-1] == "refresh_token"


def test_a_revoked_grant_leaves_a_reconnect_state_not_a_retry_loop(client, connected, peer, mary):
    peer.revoke_grants()
    award = analyst_again(mary)
    message = message_of(award, connected)
    assert (message.state, message.attempts) == ("skipped", 1)
    assert "needs reconnecting" in message.last_error
    connection = BackpackConnection.objects.get(pk=connected.pk)
    assert connection.state == "reconnect" and connection.encrypted_refresh_token == ""
    assert connection.problem == (
        "Please reconnect: Peer backpack no longer accepts this site's access (it was revoked "
        "or expired)."
    )
    upserts = len(peer.state.upserts)
    revoke(award, reason="regraded")  # further events are skipped at once, the host untouched
    assert message_of(award, connected, "revoked").state == "skipped"
    assert len(peer.state.upserts) == upserts
    page = client.get(ME).content.decode()
    assert "Needs reconnecting" in page and ">Reconnect</button>" in page

    # Reconnecting sends what waited: the active credential and the revocation.
    response = client.post("/microcreds/me/backpacks/connect/", {"connection": connection.pk})
    from .conftest import consent, notice

    client.get(consent(response.context["started"].authorization_url))
    assert notice(client)["kind"] == "success"
    assert BackpackConnection.objects.get(pk=connected.pk).state == "connected"
    assert message_of(award, connected, "revoked").state == "sent"
    assert award.credential_id in peer.held()


def test_a_host_that_forgot_this_site_means_reconnecting(connected, peer, mary):
    peer.forget_clients()
    peer.expire_access_tokens()
    BackpackConnection.objects.update(access_token_expires_at=timezone.now())
    award = analyst_again(mary)
    assert message_of(award, connected).state == "skipped"
    assert BackpackConnection.objects.get().problem == (
        "Please reconnect: Peer backpack no longer knows this site."
    )
    assert not BackpackHost.objects.get().is_registered  # the next connection registers again


def test_a_disconnected_backpack_gets_nothing(client, connected, peer, mary):
    award = analyst_again(mary)
    message = message_of(award, connected)
    OutboxMessage.objects.filter(pk=message.pk).update(state="pending")
    BackpackConnection.objects.all().delete()
    assert outbox.deliver(message.pk).outcome == outbox.SKIPPED
    assert OutboxMessage.objects.get(pk=message.pk).last_error == (
        "the learner disconnected this backpack"
    )


def test_a_host_the_operator_removed_gets_nothing(connected, peer, mary, settings):
    settings.MICROCREDS_OB3_HOSTS = []
    award = analyst_again(mary)
    assert not OutboxMessage.objects.filter(award=award, channel=connected.channel).exists()


def test_the_page_shows_each_delivery_per_host(client, connected, peer, mary, bob):
    peer.state.upsert_answers = [(503, status_info("busy", "busy"))]
    award = analyst_again(mary)
    page = client.get(ME).content.decode()
    assert "Sent to Peer backpack" in page  # the credential sent when connecting
    assert "Not in Peer backpack yet: trying again" in page  # the new one, retrying
    assert "Peer backpack answered 503: busy (busy)" in page
    assert "Connected" in page and "Disconnect" in page
    other = login_page_text(connected, bob)
    assert "Peer backpack" in other  # offered to Bob, as a choice of the connect form...
    assert f'id="backpack-{connected.pk}"' not in other  # ...but Mary's connection is not his
    assert "Sent to" not in other and "trying again" not in other
    assert award.credential_id not in other
