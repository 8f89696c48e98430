"""The Learner Credential Wallet's exchange, over HTTP through Django: the happy path, and each
refusal with its problem (the LCW libraries themselves play it in tests/interop)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.utils import timezone

from openedx_microcreds.models import WalletCopy, WalletExchange
from openedx_microcreds.revocation import revoke
from openedx_microcreds.wallets import lcw
from openedx_microcreds.wallets.lcw import LcwProtocol
from tests.wallet_holder import DidKeyHolder

from .conftest import BASE_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(award, signed_in):
    return LcwProtocol().offer(award, signed_in)


def exchange_url(api, offer) -> str:
    answer = api.get(offer.qr)
    assert answer.status_code == 200, answer.content
    return answer.json()["protocols"]["vcapi"]


def request_of(api, url) -> dict:
    answer = api.post(url, {})
    assert answer.status_code == 200, answer.content
    return answer.json()["verifiablePresentationRequest"]


def test_the_three_links_name_one_exchange(offer):
    code = urlsplit(offer.qr).path.split("/")[-1]
    assert offer.qr == f"{BASE_URL}/microcreds/wallet/lcw/{code}?iuv=1"
    invitation = json.loads(parse_qs(urlsplit(offer.url).query)["request"][0])
    assert offer.url.startswith("https://lcw.app/request?request=%7B")  # URL-encoded JSON
    assert invitation == {
        "credentialRequestOrigin": BASE_URL,
        "protocols": {"vcapi": f"{BASE_URL}/microcreds/wallet/lcw/{code}/exchange"},
    }
    ((label, legacy),) = offer.links
    query = parse_qs(urlsplit(legacy).query)
    assert legacy.startswith("dccrequest://request?")
    assert query["vc_request_url"] == [f"{BASE_URL}/microcreds/wallet/lcw/{code}/request"]
    assert query["challenge"] == [lcw.challenge_for(code)]
    assert query["auth_type"] == ["bearer"]
    assert unquote(query["issuer"][0]).startswith("did:key:")


def test_claim_delivers_the_award_to_the_holder(api, award, offer):
    url = exchange_url(api, offer)
    request = request_of(api, url)
    assert request["query"] == [
        {"type": "DIDAuthentication", "acceptedMethods": [{"method": "key"}]}
    ]
    assert request["domain"] == BASE_URL and len(request["challenge"]) >= 43
    assert request["interact"]["service"][0]["serviceEndpoint"] == url
    holder = DidKeyHolder.new()
    vp = holder.presentation(challenge=request["challenge"], domain=request["domain"])
    answer = api.post(url, {"verifiablePresentation": vp})
    assert answer.status_code == 200, answer.content
    assert answer["Cache-Control"] == "no-store"
    presented = answer.json()["verifiablePresentation"]
    assert presented["type"] == ["VerifiablePresentation"]
    (credential,) = presented["verifiableCredential"]
    assert credential["credentialSubject"]["id"] == holder.did
    copy = WalletCopy.objects.get()
    assert (copy.award, copy.protocol, copy.holder_did) == (award, "lcw", holder.did)
    assert copy.credential_id == credential["id"] and json.loads(copy.credential_json) == credential
    assert copy.exchange.state == WalletExchange.State.CLAIMED
    (delivery,) = LcwProtocol().deliveries(award)
    assert (delivery.holder, delivery.credential_id, delivery.protocol) == (
        holder.did,
        credential["id"],
        "lcw",
    )


def test_legacy_request_takes_the_bare_presentation_without_domain(api, offer):
    legacy = parse_qs(urlsplit(offer.links[0][1]).query)
    holder = DidKeyHolder.new()
    vp = holder.presentation(challenge=legacy["challenge"][0], domain=None)
    answer = api.post(legacy["vc_request_url"][0], vp)
    assert answer.status_code == 200, answer.content
    assert answer.json()["credentialSubject"]["id"] == holder.did


def problem_of(answer) -> tuple[int, str]:
    assert answer["Content-Type"] == "application/problem+json"
    return answer.status_code, answer.json()["error"]


def test_replay_is_refused(api, offer):
    url = exchange_url(api, offer)
    request = request_of(api, url)
    vp = DidKeyHolder.new().presentation(challenge=request["challenge"], domain=request["domain"])
    assert api.post(url, {"verifiablePresentation": vp}).status_code == 200
    assert problem_of(api.post(url, {"verifiablePresentation": vp})) == (409, "exchange_used")
    assert problem_of(api.post(url, {})) == (409, "exchange_used")
    assert WalletCopy.objects.count() == 1


def test_a_presentation_made_for_another_exchange_is_refused(api, award, signed_in):
    """The challenge is per exchange: a presentation for one does not open another."""
    first, second = (LcwProtocol().offer(award, signed_in) for _ in range(2))
    request = request_of(api, exchange_url(api, first))
    vp = DidKeyHolder.new().presentation(challenge=request["challenge"], domain=request["domain"])
    answer = api.post(exchange_url(api, second), {"verifiablePresentation": vp})
    assert problem_of(answer) == (400, "invalid_challenge")
    assert not WalletCopy.objects.exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"domain": "https://evil.example"}, "invalid_domain"),
        ({"domain": None}, "invalid_domain"),
        ({"holder": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"}, "invalid_holder"),
        ({"signer": "another key"}, "invalid_signature"),
    ],
)
def test_presentations_that_do_not_authenticate(api, offer, change, error):
    url = exchange_url(api, offer)
    request = request_of(api, url)
    holder = DidKeyHolder.new()
    options = {"challenge": request["challenge"], "domain": request["domain"], **change}
    if "signer" in options:
        options["signer"] = DidKeyHolder.new().key
    answer = api.post(url, {"verifiablePresentation": holder.presentation(**options)})
    assert problem_of(answer) == (400, error)
    assert WalletExchange.objects.get().state == WalletExchange.State.OFFERED


def test_expired_and_unknown_offers(api, offer):
    url = exchange_url(api, offer)
    WalletExchange.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert problem_of(api.get(offer.qr)) == (410, "exchange_expired")
    assert problem_of(api.post(url, {})) == (410, "exchange_expired")
    unknown = f"{BASE_URL}/microcreds/wallet/lcw/{'A' * 43}/exchange"
    assert problem_of(api.post(unknown, {})) == (404, "unknown_exchange")


def test_a_revoked_award_is_not_delivered(api, award, offer):
    url = exchange_url(api, offer)
    request = request_of(api, url)
    revoke(award, reason="issued in error")
    vp = DidKeyHolder.new().presentation(challenge=request["challenge"], domain=request["domain"])
    assert problem_of(api.post(url, {"verifiablePresentation": vp})) == (410, "credential_inactive")


def test_http_plumbing(api, offer):
    url = exchange_url(api, offer)
    preflight = api.options(url, Origin="https://wallet.example")
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    get = api.get(url)
    assert get.status_code == 405 and get["Allow"] == "POST, OPTIONS"
    assert api.post(url, ["not", "an", "object"]).json()["error"] == "invalid_request"
    from django.test import Client

    raw = Client().post(url.removeprefix(BASE_URL), data="{", content_type="application/json")
    assert problem_of(raw) == (400, "invalid_request")
    big = Client().post(
        url.removeprefix(BASE_URL), data="[" + "1," * 40_000 + "1]", content_type="application/json"
    )
    assert "larger than" in big.json()["detail"]


def test_codes_stay_out_of_the_logs(api, offer, caplog):
    """Django logs every 4xx with the request path, and our paths hold the offer's code."""
    code = urlsplit(offer.qr).path.split("/")[-1]
    with caplog.at_level(logging.DEBUG):
        url = exchange_url(api, offer)
        request = request_of(api, url)
        wrong = DidKeyHolder.new().presentation(challenge="nope", domain=request["domain"])
        api.post(url, {"verifiablePresentation": wrong})
        good = DidKeyHolder.new().presentation(
            challenge=request["challenge"], domain=request["domain"]
        )
        api.post(url, {"verifiablePresentation": good})
        api.post(url, {"verifiablePresentation": good})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "refused" in logged and "delivered" in logged
    for secret in (code, request["challenge"]):
        assert secret not in logged
