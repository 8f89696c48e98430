"""Status lists and DID documents as verifiers fetch them."""

import json
import uuid
from urllib.parse import urlsplit

import pytest

from openedx_microcreds import status
from openedx_microcreds.credentials import StatusBits, verify_credential
from openedx_microcreds.models import Issuer, SigningKey, StatusList
from openedx_microcreds.revocation import revoke
from openedx_microcreds.signing import did_for_base_url, rotate_signing_key

from .conftest import BASE_URL

pytestmark = pytest.mark.django_db


def list_path(award) -> str:
    return urlsplit(award.credential["credentialStatus"]["statusListCredential"]).path


class TestStatusList:
    def test_serves_the_signed_list_with_caching_headers(self, client, award):
        response = client.get(list_path(award))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/vc+ld+json"
        assert response["Cache-Control"] == "public, max-age=300"
        assert response["ETag"].startswith('"') and len(response["ETag"]) > 20
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response["X-Content-Type-Options"] == "nosniff"
        document = response.json()
        assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        assert document["id"] == award.credential["credentialStatus"]["statusListCredential"]
        # It is itself a credential that verifies.
        assert verify_credential(document).ok
        index = int(award.credential["credentialStatus"]["statusListIndex"])
        bits = StatusBits.decode(document["credentialSubject"]["encodedList"])
        assert bits.get(index) is False

    def test_max_age_setting(self, client, award, settings):
        settings.MICROCREDS_STATUS_LIST_MAX_AGE = 42
        assert client.get(list_path(award))["Cache-Control"] == "public, max-age=42"

    def test_not_re_signed_while_no_bit_changes(self, client, award, monkeypatch):
        client.get(list_path(award))  # signed once (if it was not yet)
        row = StatusList.objects.get(pk=award.status_list_id)
        signatures = []
        real_sign = status.sign
        monkeypatch.setattr(
            status, "sign", lambda *a, **k: signatures.append(1) or real_sign(*a, **k)
        )
        first = client.get(list_path(award))
        second = client.get(list_path(award))
        assert first.content == second.content and first["ETag"] == second["ETag"]
        assert signatures == []
        after = StatusList.objects.get(pk=award.status_list_id)
        assert after.signed_json == row.signed_json
        assert after.signed_version == row.signed_version == row.bits_version

    def test_if_none_match_gives_304(self, client, award):
        etag = client.get(list_path(award))["ETag"]
        for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            response = client.get(list_path(award), HTTP_IF_NONE_MATCH=header)
            assert response.status_code == 304, header
            assert response.content == b""
            assert response["ETag"] == etag
            assert response["Cache-Control"] == "public, max-age=300"
        assert client.get(list_path(award), HTTP_IF_NONE_MATCH='"stale"').status_code == 200

    def test_revocation_changes_the_etag_and_the_bit(self, client, award):
        before = client.get(list_path(award))
        revoke(award, reason="issued in error")
        after = client.get(list_path(award), HTTP_IF_NONE_MATCH=before["ETag"])
        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
        index = int(award.credential["credentialStatus"]["statusListIndex"])
        bits = StatusBits.decode(after.json()["credentialSubject"]["encodedList"])
        assert bits.get(index) is True
        report = verify_credential(
            award.credential, status_lists={after.json()["id"]: after.json()}
        )
        assert report.revoked is True

    @pytest.mark.parametrize("list_id", [str(uuid.uuid4()), "nope", "a/b", "1"])
    def test_unknown_lists_are_not_found(self, client, award, list_id):
        reference = client.get(f"/microcreds/status/{uuid.uuid4()}", HTTP_ACCEPT="application/json")
        response = client.get(f"/microcreds/status/{list_id}", HTTP_ACCEPT="application/json")
        assert response.status_code == 404 and response.content == reference.content


@pytest.fixture
def web_issuer(catalogue):
    catalogue.did = did_for_base_url(BASE_URL)
    catalogue.save()
    return catalogue


class TestDidDocuments:
    def test_site_issuer_document(self, client, web_issuer):
        response = client.get("/microcreds/issuer/did.json")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/did+json"
        assert response["Access-Control-Allow-Origin"] == "*"
        document = response.json()
        assert document["id"] == "did:web:lms.example.edu:microcreds:issuer"
        key = SigningKey.objects.get(issuer=web_issuer)
        assert [m["id"] for m in document["verificationMethod"]] == [
            f"{web_issuer.did}#{key.key_id}"
        ]
        assert document["verificationMethod"][0]["publicKeyMultibase"] == key.public_key_multibase
        assert document["assertionMethod"] == [f"{web_issuer.did}#{key.key_id}"]

    def test_lists_rotated_keys_and_drops_retired_ones(self, client, web_issuer):
        rotate_signing_key(web_issuer, key_id="key-2")
        document = client.get("/microcreds/issuer/did.json").json()
        ids = [method["id"].rsplit("#", 1)[1] for method in document["verificationMethod"]]
        assert ids == ["key-1", "key-2"]
        SigningKey.objects.get(issuer=web_issuer, key_id="key-1").retire()
        document = client.get("/microcreds/issuer/did.json").json()
        assert [m["id"].rsplit("#", 1)[1] for m in document["verificationMethod"]] == ["key-2"]

    def test_etag_and_304(self, client, web_issuer):
        first = client.get("/microcreds/issuer/did.json")
        again = client.get("/microcreds/issuer/did.json", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        rotate_signing_key(web_issuer, key_id="key-2")
        changed = client.get("/microcreds/issuer/did.json", HTTP_IF_NONE_MATCH=first["ETag"])
        assert changed.status_code == 200 and changed["ETag"] != first["ETag"]

    def test_no_site_issuer_is_not_found(self, client, catalogue):
        assert catalogue.did == ""
        assert client.get("/microcreds/issuer/did.json").status_code == 404

    def test_issuer_by_pk(self, client, catalogue):
        url = f"/microcreds/issuers/{catalogue.pk}/did.json"
        assert client.get(url).status_code == 404  # signs as did:key: no document to serve
        catalogue.did = f"did:web:lms.example.edu:microcreds:issuers:{catalogue.pk}"
        catalogue.save()
        response = client.get(url)
        assert response.status_code == 200
        assert response.json()["id"] == catalogue.did
        other = Issuer.objects.create(name="Other", url="https://other.example", did="did:key:z6Mk")
        assert client.get(f"/microcreds/issuers/{other.pk}/did.json").status_code == 404
        assert client.get("/microcreds/issuers/999999/did.json").status_code == 404

    def test_served_document_verifies_the_issuers_credentials(
        self, client, web_issuer, make_award, learner
    ):
        award = make_award(learner)
        did_document = client.get("/microcreds/issuer/did.json").json()
        status_url = award.credential["credentialStatus"]["statusListCredential"]
        status_list = client.get(urlsplit(status_url).path).json()
        report = verify_credential(
            award.credential,
            did_documents={web_issuer.did: did_document},
            status_lists={status_url: status_list},
        )
        assert report.ok, report.to_dict()
        assert json.dumps(did_document).count("publicKeyMultibase") == 1


def test_a_list_that_cannot_be_signed_is_unavailable_not_an_error(client, award):
    """Never signed, and the issuer's only key retired: 503 for the list, a failed status check
    (not a crash) on the credential page."""
    StatusList.objects.filter(pk=award.status_list_id).update(signed_json="", signed_version=0)
    SigningKey.objects.filter(issuer=award.definition.issuer).update(
        state=SigningKey.State.RETIRED, active_marker=None
    )
    response = client.get(list_path(award))
    assert response.status_code == 503 and response["Retry-After"] == "300"
    page = client.get(f"/microcreds/credentials/{award.uuid}/").content.decode()
    assert "was not supplied" in page and "Not verified" in page
