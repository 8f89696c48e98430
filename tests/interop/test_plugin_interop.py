"""Credentials the plugin issues through the real event flow, checked by independent verifiers:
the @digitalbazaar stack (with its Bitstring Status List check) and DCC's verifier-core."""

from __future__ import annotations

import pytest

from openedx_microcreds.models import Award
from openedx_microcreds.revocation import revoke
from openedx_microcreds.signing import did_for_base_url, issuer_did_document, rotate_signing_key
from openedx_microcreds.status import signed_status_list, status_list_url
from sandbox import scenario
from tests.interop.node import run_node

pytestmark = pytest.mark.django_db(transaction=True)


def issue_for(fake_platform, name: str) -> Award:
    user = fake_platform.add_user(name, f"{name}@example.edu", name.title())
    scenario.grade_analyst(user, capstone=0.9, analysis=(0.9, 0.9), percent=0.9)
    scenario.send_passing_status(user, scenario.DATA_COURSE)
    return Award.objects.get(user_id=user.id, definition__slug="data-analyst")


def request_for(award: Award, did_document: dict | None = None) -> dict:
    award.status_list.refresh_from_db()
    request = {
        "credential": award.credential,
        "statusLists": {status_list_url(award.status_list): signed_status_list(award.status_list)},
    }
    if did_document:
        request["didDocuments"] = {did_document["id"]: did_document}
    return request


def test_issued_credential_and_revocation_seen_by_digitalbazaar(catalogue, fake_platform):
    kept, revoked = issue_for(fake_platform, "ada"), issue_for(fake_platform, "bob")
    revoke(revoked, reason="issued in error")
    kept_result = run_node("verify.mjs", request_for(kept))
    assert kept_result["verified"] and kept_result["revoked"] is False, kept_result
    revoked_result = run_node("verify.mjs", request_for(revoked))
    assert revoked_result["proofVerified"] and revoked_result["revoked"] is True, revoked_result


def test_issued_credential_accepted_by_verifier_core(catalogue, fake_platform):
    award = issue_for(fake_platform, "ada")
    summary = run_node("verifier_core.mjs", request_for(award))["summary"]
    assert summary["signatureValid"] is True, summary
    assert summary["expired"] is False, summary
    assert summary["revoked"] is False, summary


def test_did_web_and_rotated_keys_verify_with_our_did_document(catalogue, fake_platform):
    catalogue.did = did_for_base_url("https://lms.example.edu")
    catalogue.save()
    old = issue_for(fake_platform, "ada")
    rotate_signing_key(catalogue, key_id="key-2")
    new = issue_for(fake_platform, "bob")
    document = issuer_did_document(catalogue)
    for award in (old, new):
        result = run_node("verify.mjs", request_for(award, document))
        assert result["verified"], result
        assert result["revoked"] is False
    assert old.credential["proof"]["verificationMethod"].endswith("#key-1")
    assert new.credential["proof"]["verificationMethod"].endswith("#key-2")
