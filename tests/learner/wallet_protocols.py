"""Two small wallet protocols for the learner pages' tests: they make offers shaped like the real
ones (an LCW invitation, an OpenID4VCI offer by reference) and report deliveries they were told
of. The real protocols (VC-API exchange, OpenID4VCI) are tested where they live."""

from __future__ import annotations

import itertools
from datetime import timedelta
from urllib.parse import quote

from django.utils import timezone

from openedx_microcreds.wallets import WalletDelivery, WalletOffer, WalletProtocol

LCW = "tests.learner.wallet_protocols.FakeLcw"
OID4VCI = "tests.learner.wallet_protocols.FakeOid4vci"
BROKEN = "tests.learner.wallet_protocols.Broken"
_counter = itertools.count(1)


class _Recording(WalletProtocol):
    made: list[WalletOffer] = []
    delivered: dict[str, list[WalletDelivery]] = {}

    def link(self, award, serial: int) -> str:
        raise NotImplementedError

    def offer(self, award, request):
        assert request.user.pk == award.user_id  # the page checked ownership first
        url = self.link(award, next(_counter))
        offer = WalletOffer(
            protocol=self.name,
            label=self.label,
            url=url,
            qr=url,
            expires_at=timezone.now() + timedelta(minutes=10),
            instructions=f"Open {self.label} and scan the code.",
        )
        type(self).made.append(offer)
        return offer

    def deliveries(self, award):
        return list(type(self).delivered.get(str(award.uuid), []))


class FakeLcw(_Recording):
    name, label = "lcw", "Learner Credential Wallet"
    made: list[WalletOffer] = []
    delivered: dict[str, list[WalletDelivery]] = {}

    def link(self, award, serial):
        exchange = f"https://lms.example.edu/microcreds/wallets/lcw/{award.uuid}/{serial}"
        return "https://lcw.app/request?request=" + quote(
            '{"credentialRequestOrigin":"https://lms.example.edu","protocols":{"vcapi":"'
            + exchange
            + '"}}',
            safe="",
        )


class FakeOid4vci(_Recording):
    name, label = "oid4vci", "OpenID4VCI wallet"
    made: list[WalletOffer] = []
    delivered: dict[str, list[WalletDelivery]] = {}

    def link(self, award, serial):
        offer = f"https://lms.example.edu/microcreds/oid4vci/offers/{serial:032x}"
        return "openid-credential-offer://?credential_offer_uri=" + quote(offer, safe="")


class Broken(WalletProtocol):
    name, label = "broken", "Broken wallet"

    def offer(self, award, request):
        raise RuntimeError("the exchange service is down")

    def deliveries(self, award):
        return []


def reset() -> None:
    for protocol in (FakeLcw, FakeOid4vci):
        protocol.made.clear()
        protocol.delivered.clear()
