"""The copies wallets receive: the award re-issued to the holder's DID, verified by our verifier
with the issuer's published documents, revoked with the award."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from openedx_microcreds import wallets
from openedx_microcreds.credentials import verify_credential
from openedx_microcreds.models import SigningKey, WalletExchange
from openedx_microcreds.revocation import revoke
from openedx_microcreds.signing import (
    did_for_base_url,
    issuer_did_document,
    rotate_signing_key,
)
from openedx_microcreds.status import signed_status_list, status_list_url
from openedx_microcreds.wallets import lcw
from openedx_microcreds.wallets.copies import deliver_copy, signed_copy
from openedx_microcreds.wallets.exchanges import open_exchange
from tests.wallet_holder import DidKeyHolder

from .conftest import BASE_URL

pytestmark = pytest.mark.django_db


def claim(award, holder_did: str, protocol: str = "lcw", now=None):
    exchange, _code = open_exchange(award, protocol)
    delivered = deliver_copy(
        exchange, holder_did, now or timezone.now(), from_state=WalletExchange.State.OFFERED
    )
    assert delivered.credential == signed_copy(delivered.copy)  # what is stored, as answered
    return delivered.copy


def report_for(award, credential: dict):
    award.status_list.refresh_from_db()
    issuer = award.definition.issuer
    did_documents = {issuer.did: issuer_did_document(issuer)} if issuer.did else {}
    return verify_credential(
        credential,
        did_documents=did_documents,
        status_lists={status_list_url(award.status_list): signed_status_list(award.status_list)},
    )


def test_the_copy_is_the_award_bound_to_the_holder(award):
    holder = DidKeyHolder.new().did
    copy = signed_copy(claim(award, holder))
    original = award.credential
    assert copy["credentialSubject"] == {
        "id": holder,
        **{
            name: value
            for name, value in original["credentialSubject"].items()
            if name != "identifier"
        },
    }
    assert copy["id"] != original["id"] and copy["id"].startswith("urn:uuid:")
    unchanged = ("issuer", "evidence", "validFrom", "validUntil", "awardedDate", "credentialStatus")
    for name in unchanged:
        assert copy[name] == original[name], name
    assert copy["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert copy["proof"]["verificationMethod"] == original["proof"]["verificationMethod"]
    report = report_for(award, copy)
    assert report.ok, report.to_dict()


def test_revoking_the_award_revokes_every_copy(award):
    copies = [signed_copy(claim(award, DidKeyHolder.new().did)) for _ in range(2)]
    assert all(report_for(award, copy).revoked is False for copy in copies)
    revoke(award, reason="issued in error")
    for credential in [award.credential, *copies]:
        report = report_for(award, credential)
        assert report.revoked is True, report.to_dict()
        assert not report.ok


def test_copies_follow_a_did_web_given_after_the_award(award):
    """The award was signed as the key's did:key; the issuer has a did:web now and signs as it:
    the copy names the did:web as issuer (and creator), so the key's controller matches."""
    issuer = award.definition.issuer
    issuer.did = did_for_base_url(BASE_URL)
    issuer.save()
    copy = signed_copy(claim(award, DidKeyHolder.new().did))
    assert copy["issuer"]["id"] == issuer.did
    assert copy["credentialSubject"]["achievement"]["creator"]["id"] == issuer.did
    assert copy["proof"]["verificationMethod"] == f"{issuer.did}#key-1"
    assert report_for(award, copy).ok


def test_copies_are_signed_by_the_active_key(award):
    issuer = award.definition.issuer
    issuer.did = did_for_base_url(BASE_URL)
    issuer.save()
    rotate_signing_key(issuer, key_id="key-2")
    made = claim(award, DidKeyHolder.new().did)
    assert made.signing_key == SigningKey.objects.get(key_id="key-2")
    copy = signed_copy(made)
    assert copy["proof"]["verificationMethod"].endswith("#key-2")
    assert report_for(award, copy).ok


def test_deliveries_across_protocols_oldest_first(award):
    now = timezone.now()
    late = claim(award, "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "oid4vci", now)
    early = claim(award, DidKeyHolder.new().did, "lcw", now - timedelta(minutes=5))
    found = wallets.deliveries(award)
    assert [(item.protocol, item.holder) for item in found] == [
        ("lcw", early.holder_did),
        ("oid4vci", late.holder_did),
    ]
    assert [item.label for item in found] == ["Learner Credential Wallet", "OpenID4VCI wallet"]


def test_no_active_key_answers_unavailable_and_spends_nothing(api, award, signed_in):
    offer = lcw.LcwProtocol().offer(award, signed_in)
    url = api.get(offer.qr).json()["protocols"]["vcapi"]
    request = api.post(url, {}).json()["verifiablePresentationRequest"]
    SigningKey.objects.update(state=SigningKey.State.RETIRED, active_marker=None)
    vp = DidKeyHolder.new().presentation(challenge=request["challenge"], domain=request["domain"])
    answer = api.post(url, {"verifiablePresentation": vp})
    assert answer.status_code == 503 and answer.json()["error"] == "issuer_unavailable"
    assert WalletExchange.objects.get().state == WalletExchange.State.OFFERED


def test_the_admin_shows_copies_read_only(admin_client, award):
    from django.urls import reverse

    holder = DidKeyHolder.new().did
    made = claim(award, holder)
    listing = admin_client.get(reverse("admin:openedx_microcreds_walletcopy_changelist"))
    assert listing.status_code == 200 and holder in listing.content.decode()
    page = admin_client.get(reverse("admin:openedx_microcreds_walletcopy_change", args=[made.pk]))
    assert page.status_code == 200 and made.credential_id in page.content.decode()
    assert admin_client.get(reverse("admin:openedx_microcreds_walletcopy_add")).status_code == 403
