"""
Single use under real concurrency on MariaDB: wallet claims racing for one offer, one token or
one nonce, each in its own process with its own database connection, released together.

Exactly one wins; the others get the protocol's refusal, and one copy is stored.
"""

from __future__ import annotations

from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from openedx_microcreds.awarding import process_trigger
from openedx_microcreds.models import Award, SpentWalletNonce, WalletCopy
from openedx_microcreds.triggers import Trigger
from openedx_microcreds.wallets import lcw, oid4vci
from sandbox import scenario
from tests.wallet_holder import DidKeyHolder, JwtHolder

from .support import dump
from .wallet_race import race

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 8


@pytest.fixture
def award(world):
    from django.contrib.auth import get_user_model

    learner = world.add_passing_learner("ada")
    process_trigger(Trigger(event_type="test", user_id=learner.id, course_key=scenario.DATA_COURSE))
    award = Award.objects.get(user_id=learner.id, definition__slug="data-analyst")
    award.request = SimpleNamespace(user=get_user_model().objects.get(pk=learner.id))
    return award


def outcomes(reports: list[dict]) -> dict[str, int]:
    counted: dict[str, int] = {}
    for report in reports:
        counted[report["outcome"]] = counted.get(report["outcome"], 0) + 1
    return counted


def test_holders_racing_for_one_lcw_exchange(world, award):
    offer = lcw.LcwProtocol().offer(award, award.request)
    code = urlsplit(offer.qr).path.split("/")[-1]
    calls = [
        {
            "kind": "lcw",
            "code": code,
            "presentation": DidKeyHolder.new().presentation(
                challenge=lcw.challenge_for(code), domain=lcw.domain()
            ),
        }
        for _ in range(RACERS)
    ]
    reports = race(world.env(), calls)
    assert outcomes(reports) == {"delivered": 1, "used": RACERS - 1}, dump(reports)
    # Losers that got past every check to the final conditional update prove that the race was
    # real, and that the database, not luck, settled it.
    assert any("another request" in report.get("detail", "") for report in reports), dump(reports)
    assert WalletCopy.objects.count() == 1


def _token(award) -> str:
    link = oid4vci.Oid4vciProtocol().offer(award, award.request).url
    code = parse_qs(urlsplit(link).query)["credential_offer_uri"][0].split("/")[-1]
    answer = oid4vci.token(
        {
            "grant_type": oid4vci.PRE_AUTHORIZED_GRANT,
            "pre-authorized_code": oid4vci.pre_authorized_code(code),
        }
    )
    return answer["access_token"]


def _body(nonce: str) -> dict:
    proof = JwtHolder().proof(audience=oid4vci.credential_issuer(), nonce=nonce)
    return {"credential_configuration_id": "OpenBadgeCredential", "proofs": {"jwt": [proof]}}


def test_requests_racing_with_one_access_token(world, award):
    token = _token(award)
    calls = [
        {
            "kind": "oid4vci",
            "authorization": f"Bearer {token}",
            "body": _body(oid4vci.nonce()["c_nonce"]),
        }
        for _ in range(RACERS)
    ]
    reports = race(world.env(), calls)
    assert outcomes(reports) == {"delivered": 1, "invalid_token": RACERS - 1}, dump(reports)
    assert WalletCopy.objects.count() == 1


def test_tokens_racing_with_one_nonce(world, award):
    nonce = oid4vci.nonce()["c_nonce"]
    calls = [
        {"kind": "oid4vci", "authorization": f"Bearer {_token(award)}", "body": _body(nonce)}
        for _ in range(RACERS)
    ]
    reports = race(world.env(), calls)
    assert outcomes(reports) == {"delivered": 1, "invalid_nonce": RACERS - 1}, dump(reports)
    assert WalletCopy.objects.count() == 1
    assert SpentWalletNonce.objects.count() == 1
