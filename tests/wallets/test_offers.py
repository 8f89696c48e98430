"""Who may create offers, what the database keeps of them, and how they end."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from openedx_microcreds import wallets
from openedx_microcreds.models import WalletExchange
from openedx_microcreds.revocation import revoke
from openedx_microcreds.wallets import codes, lcw, oid4vci
from openedx_microcreds.wallets.exchanges import ExchangeError, advance, exchange_for

pytestmark = pytest.mark.django_db

PROTOCOLS = [lcw.LcwProtocol, oid4vci.Oid4vciProtocol]


def test_both_protocols_are_the_default():
    assert [protocol.name for protocol in wallets.protocols()] == ["lcw", "oid4vci"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_only_the_signed_in_learner_who_holds_the_award(protocol, award, fake_platform):
    from django.contrib.auth import get_user_model

    other = fake_platform.add_user("eve", "eve@example.edu", "Eve")
    staff = fake_platform.add_user("root", "root@example.edu", "Root", is_staff=True)
    for user in (
        AnonymousUser(),
        get_user_model().objects.get(pk=other.id),
        get_user_model().objects.get(pk=staff.id),
    ):
        with pytest.raises(PermissionDenied):
            protocol().offer(award, SimpleNamespace(user=user))
    assert not WalletExchange.objects.exists()


@pytest.mark.parametrize("protocol", PROTOCOLS)
def test_only_an_active_award(protocol, award, signed_in):
    revoke(award, reason="issued in error")
    award.refresh_from_db()
    with pytest.raises(PermissionDenied, match="active"):
        protocol().offer(award, signed_in)


def test_codes_are_random_and_stored_only_as_hashes(award, signed_in):
    """Every secret a wallet presents (the offer's code, the pre-authorized code, the exchange
    challenge) is absent from the database; each offer has its own."""
    lcw_offer = lcw.LcwProtocol().offer(award, signed_in)
    oid_offer = oid4vci.Oid4vciProtocol().offer(award, signed_in)
    lcw_code = urlsplit(lcw_offer.qr).path.rstrip("/").split("/")[-1]
    offer_uri = parse_qs(urlsplit(oid_offer.url).query)["credential_offer_uri"][0]
    oid_code = offer_uri.rstrip("/").split("/")[-1]
    secrets = [
        lcw_code,
        lcw.challenge_for(lcw_code),
        oid_code,
        oid4vci.pre_authorized_code(oid_code),
    ]
    assert len(set(secrets)) == 4 and all(len(secret) >= 43 for secret in secrets)
    stored = " ".join(
        str(value) for row in WalletExchange.objects.values() for value in row.values()
    )
    for secret in secrets:
        assert secret not in stored
    assert exchange_for("lcw", code=lcw_code).code_hash == codes.code_hash(lcw_code)
    second = lcw.LcwProtocol().offer(award, signed_in)
    assert second.qr != lcw_offer.qr


def test_offers_expire_after_the_configured_time(award, signed_in, settings):
    settings.MICROCREDS_WALLET_OFFER_TTL_SECONDS = 60
    before = timezone.now()
    offer = lcw.LcwProtocol().offer(award, signed_in)
    assert (
        before + timedelta(seconds=60) <= offer.expires_at <= timezone.now() + timedelta(seconds=60)
    )


def test_expired_offers_are_cleared_when_a_new_one_is_made(award, signed_in):
    lcw.LcwProtocol().offer(award, signed_in)
    WalletExchange.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    current = lcw.LcwProtocol().offer(award, signed_in)
    oid4vci.Oid4vciProtocol().offer(award, signed_in)
    assert WalletExchange.objects.count() == 2
    assert WalletExchange.objects.get(protocol="lcw").expires_at == current.expires_at


def test_a_step_is_taken_once_even_by_two_requests_holding_the_same_row(award, signed_in):
    lcw.LcwProtocol().offer(award, signed_in)
    first, second = WalletExchange.objects.get(), WalletExchange.objects.get()
    advance(first, WalletExchange.State.OFFERED, WalletExchange.State.CLAIMED)
    with pytest.raises(ExchangeError) as caught:
        advance(second, WalletExchange.State.OFFERED, WalletExchange.State.CLAIMED)
    assert caught.value.reason == "used"
