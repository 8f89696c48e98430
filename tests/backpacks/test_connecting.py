"""Connecting a backpack: discovery, one registration per host (again when the host forgot
it), authorization code with PKCE S256 and a single-use state, tokens encrypted at rest, every
active credential sent; each failure said in plain words."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from openedx_microcreds.backpacks.models import BackpackConnection, BackpackHost
from openedx_microcreds.models import Award, OutboxMessage

from .conftest import ME, connect, consent, login, notice, start, to_host

pytestmark = pytest.mark.django_db(transaction=True)
UPSERT = "https://purl.imsglobal.org/spec/ob/v3p0/scope/credential.upsert"


def test_connecting_sends_every_active_credential_and_nothing_else(client, peer, mary):
    login(client, mary)
    said = connect(client, peer.base)
    assert said["kind"] == "success", said
    assert "Peer backpack is connected" in said["text"]

    connection = BackpackConnection.objects.get(user_id=mary.id)
    assert connection.state == "connected" and connection.client_id
    active = Award.objects.active().get(user_id=mary.id)
    assert list(peer.held()) == [active.credential_id]  # not the revoked one
    assert peer.held()[active.credential_id] == active.credential
    sent = OutboxMessage.objects.get(channel=connection.channel)
    assert (sent.event, sent.state, sent.attempts) == ("connected", "sent", 1)


def test_the_registration_is_what_open_badges_3_asks_for(client, peer, mary):
    login(client, mary)
    connect(client, peer.base)
    [registration] = peer.state.registrations
    assert registration["redirect_uris"] == ["http://testserver/microcreds/me/backpacks/callback/"]
    for name in ("client_name", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id"):
        assert registration[name], name
    assert {
        urlsplit(registration[n]).netloc
        for n in ("client_uri", "logo_uri", "tos_uri", "policy_uri")
    } == {"testserver"}
    assert registration["token_endpoint_auth_method"] == "client_secret_basic"
    assert registration["grant_types"] == ["authorization_code", "refresh_token"]
    assert registration["response_types"] == ["code"]
    assert set(registration["scope"].split()) == {UPSERT, "offline_access"}


def test_authorization_uses_pkce_s256_and_a_state_and_stores_no_secret_in_clear(client, peer, mary):
    login(client, mary)
    url = to_host(start(client, host=peer.base))
    query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert len(query["state"]) >= 43 and len(query["code_challenge"]) == 43
    pending = BackpackConnection.objects.get(user_id=mary.id)
    assert query["state"] not in pending.pending_state_hash  # only its hash is stored
    verifier = pending.code_verifier()
    assert verifier not in pending.encrypted_code_verifier
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"]

    client.get(consent(url))
    connection = BackpackConnection.objects.get(user_id=mary.id)
    issued = list(peer.state.access_tokens)
    refresh = list(peer.state.refresh_tokens)
    stored = " ".join([connection.encrypted_access_token, connection.encrypted_refresh_token])
    assert issued and refresh and issued[0] not in stored and refresh[0] not in stored
    assert connection.access_token() == issued[0] and connection.refresh_token() == refresh[0]
    host = BackpackHost.objects.get()
    assert host.client_secret() not in host.encrypted_client_secret
    assert connection.pending_state_hash == "" and connection.encrypted_code_verifier == ""


def test_one_registration_per_host_for_every_learner(client, peer, mary, bob):
    login(client, mary)
    connect(client, peer.base)
    login(client, bob)
    assert connect(client, peer.base)["kind"] == "success"
    assert len(peer.state.registrations) == 1
    assert BackpackConnection.objects.filter(state="connected").count() == 2


def test_a_host_that_forgot_this_site_gets_a_new_registration(client, peer, mary, bob):
    login(client, mary)
    connect(client, peer.base)
    first = BackpackHost.objects.get().client_id
    peer.forget_clients()
    login(client, bob)
    assert connect(client, peer.base)["kind"] == "success"
    assert len(peer.state.registrations) == 2
    assert BackpackHost.objects.get().client_id != first


def test_consent_denied_is_said_in_plain_words(client, peer, mary):
    login(client, mary)
    peer.state.deny_consent = True
    said = connect(client, peer.base)
    assert said == {
        "kind": "error",
        "text": "You did not allow this site to add credentials to Peer backpack.",
    }
    connection = BackpackConnection.objects.get(user_id=mary.id)
    assert connection.state == "new" and connection.problem == said["text"]
    assert not OutboxMessage.objects.filter(channel=connection.channel).exists()
    page = client.get(ME).content.decode()
    assert "You did not allow this site to add credentials to Peer backpack." in page
    assert "Finish connecting" in page


def test_a_state_is_used_once(client, peer, mary):
    login(client, mary)
    back = consent(to_host(start(client, host=peer.base)))
    client.get(back)
    tokens = BackpackConnection.objects.get().encrypted_access_token
    client.get(back)  # the same answer again (a reload, a replay)
    assert notice(client)["text"].startswith("This answer from a backpack does not belong")
    assert BackpackConnection.objects.get().encrypted_access_token == tokens
    assert len(peer.state.token_requests) == 1  # the code was never sent twice


def test_an_unknown_state_is_refused_and_leaves_the_pending_one_usable(client, peer, mary):
    login(client, mary)
    back = consent(to_host(start(client, host=peer.base)))
    client.get("/microcreds/me/backpacks/callback/?code=x&state=made-up")
    assert notice(client)["kind"] == "error"
    client.get(back)
    assert notice(client)["kind"] == "success"


def test_another_learner_cannot_finish_my_connection(client, peer, mary, bob):
    login(client, mary)
    back = consent(to_host(start(client, host=peer.base)))
    login(client, bob)
    client.get(back)
    said = notice(client)
    assert said["kind"] == "error" and "does not belong to a connection you started" in said["text"]
    assert not BackpackConnection.objects.filter(user_id=bob.id).exists()
    assert peer.state.token_requests == []
    login(client, mary)  # Mary's own attempt still works
    client.get(back)
    assert notice(client)["kind"] == "success"
    assert BackpackConnection.objects.get(user_id=mary.id).state == "connected"


def test_an_attempt_expires(client, peer, mary):
    login(client, mary)
    back = consent(to_host(start(client, host=peer.base)))
    BackpackConnection.objects.update(authorization_started_at=timezone.now() - timedelta(hours=1))
    client.get(back)
    assert notice(client)["text"] == "The connection attempt expired. Please connect again."
    assert peer.state.token_requests == []


def test_a_refused_registration_gives_the_hosts_words(client, peer, mary):
    login(client, mary)
    peer.state.refuse_registration = "redirect_uris must use https"
    response = start(client, host=peer.base)
    assert response.status_code == 302
    assert notice(client) == {
        "kind": "error",
        "text": "127.0.0.1 refused to register this site: redirect_uris must use https.",
    }


def test_a_host_that_is_not_a_backpack_or_not_there(client, peer, mary, settings):
    login(client, mary)
    peer.state.discovery_status = 404
    start(client, host=peer.base)
    text = notice(client)["text"]
    assert text.startswith("This is not an Open Badges 3.0 backpack: 127.0.0.1 has no Open Badges")
    settings.MICROCREDS_OB3_ALLOW_ANY_HOST = True
    start(client, url="http://127.0.0.1:9")  # nothing listens on the discard port
    assert notice(client)["text"] == (
        "The backpack at http://127.0.0.1:9 could not be reached: could not connect to 127.0.0.1."
    )
    assert not BackpackHost.objects.filter(base_url="http://127.0.0.1:9").exists()


def test_typed_addresses_only_when_the_operator_allows_them(client, peer, mary, settings):
    login(client, mary)
    start(client, url="https://backpack.example.org")
    assert notice(client)["text"] == (
        "This site does not send credentials to https://backpack.example.org."
    )
    settings.MICROCREDS_OB3_HOSTS = []
    settings.MICROCREDS_OB3_ALLOW_ANY_HOST = True
    said = connect(client, peer.base + "/ims/ob/v3p0/discovery")  # a pasted discovery URL
    assert said["kind"] == "success", said
    assert BackpackHost.objects.get().base_url == peer.base


def test_a_host_that_grants_less_than_upsert(client, peer, mary):
    login(client, mary)
    peer.state.grant_scope = "offline_access"
    said = connect(client, peer.base)
    assert said["text"] == (
        "Peer backpack did not give this site permission to add credentials. Please connect "
        "again and allow it."
    )
    assert BackpackConnection.objects.get().state == "new"


def test_disconnecting_deletes_the_tokens_and_is_for_the_owner_only(client, peer, mary, bob):
    login(client, mary)
    connect(client, peer.base)
    connection = BackpackConnection.objects.get()
    OutboxMessage.objects.filter(channel=connection.channel).update(state="pending")
    url = f"/microcreds/me/backpacks/{connection.pk}/disconnect/"
    login(client, bob)
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    login(client, mary)
    assert client.post(url).status_code == 302
    assert "is disconnected" in notice(client)["text"]
    assert not BackpackConnection.objects.exists()
    message = OutboxMessage.objects.get(channel=connection.channel)
    assert (message.state, message.last_error) == (
        "skipped",
        "the learner disconnected this backpack",
    )


def test_anonymous_visitors_are_sent_to_sign_in(client, peer):
    for method, url in [
        ("post", "/microcreds/me/backpacks/connect/"),
        ("get", "/microcreds/me/backpacks/callback/?code=a&state=b"),
        ("post", "/microcreds/me/backpacks/1/disconnect/"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    assert peer.state.registrations == [] and peer.state.authorizations == []


def test_another_learner_cannot_reconnect_my_connection(client, peer, mary, bob):
    login(client, mary)
    connect(client, peer.base)
    mine = BackpackConnection.objects.get()
    login(client, bob)
    response = start(client, connection=mine.pk)
    assert response.status_code == 302
    assert notice(client)["text"] == "This backpack connection does not exist (any more)."
    assert BackpackConnection.objects.get(pk=mine.pk).pending_state_hash == ""
    assert len(peer.state.authorizations) == 1  # Mary's own, nothing for Bob
