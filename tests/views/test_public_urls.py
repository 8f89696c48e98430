"""Every public URL: one address per resource, and read-only (405 with Allow, not a CSRF 403)."""

import pytest
from django.test import Client

from openedx_microcreds.signing import did_for_base_url

from .conftest import BASE_URL

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls(award, catalogue):
    """The public URLs of one award's world, by name."""
    catalogue.did = did_for_base_url(BASE_URL)
    catalogue.save()
    return {
        "credential page": f"/microcreds/credentials/{award.uuid}/",
        "credential json": f"/microcreds/credentials/{award.uuid}/?format=json",
        "achievement": f"/microcreds/achievements/{award.definition.uuid}",
        "status list": f"/microcreds/status/{award.status_list.uuid}",
        "site did.json": "/microcreds/issuer/did.json",
    }


@pytest.fixture
def strict_client():
    """A browser-like client: CSRF checks on, as in production."""
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_other_methods_get_405_with_allow(strict_client, urls, method):
    for name, url in urls.items():
        response = getattr(strict_client, method)(url, data="x", content_type="text/plain")
        assert response.status_code == 405, name
        assert response["Allow"] == "GET, HEAD", name
        assert "CSRF" not in response.content.decode()
        assert response["X-Content-Type-Options"] == "nosniff"


def test_browsers_on_other_origins_may_ask_first(strict_client, urls):
    """A verifier in a web page sends a CORS preflight before a GET with If-None-Match."""
    for name, url in urls.items():
        response = strict_client.options(
            url,
            HTTP_ORIGIN="https://verifier.example.org",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
        )
        assert response.status_code == 204, name
        assert response["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response["Access-Control-Allow-Methods"]
        assert "If-None-Match" in response["Access-Control-Allow-Headers"]


def test_get_and_head_are_served(strict_client, urls):
    for name, url in urls.items():
        assert strict_client.get(url).status_code == 200, name
        head = strict_client.head(url)
        assert head.status_code == 200 and head.content == b"", name


def spellings(value: str) -> list[str]:
    """Other ways to write the same UUID, which the uuid module would all accept. (Upper case
    changes nothing in a UUID whose letters are all digits: such a spelling is not another one,
    and leaving it in made this test fail now and then.)"""
    others = [
        value.upper(),
        value.replace("-", ""),
        "{" + value + "}",
        "urn:uuid:" + value,
        value[:8].upper() + value[8:],
    ]
    return [other for other in dict.fromkeys(others) if other != value]


@pytest.mark.parametrize(
    ("name", "template"),
    [
        ("credential page", "/microcreds/credentials/{}/"),
        ("achievement", "/microcreds/achievements/{}"),
        ("status list", "/microcreds/status/{}"),
    ],
)
def test_each_resource_has_one_address(client, award, name, template):
    canonical = {
        "credential page": str(award.uuid),
        "achievement": str(award.definition.uuid),
        "status list": str(award.status_list.uuid),
    }[name]
    assert client.get(template.format(canonical)).status_code == 200
    unknown = client.get(template.format("00000000-0000-4000-8000-000000000000"))
    assert unknown.status_code == 404
    for spelling in spellings(canonical):
        response = client.get(template.format(spelling))
        assert response.status_code == 404, spelling
        assert response.content == unknown.content  # the one 404, whatever was asked


def test_issuer_did_documents_by_id_have_one_address(client, catalogue):
    catalogue.did = f"did:web:lms.example.edu:microcreds:issuers:{catalogue.pk}"
    catalogue.save()
    assert client.get(f"/microcreds/issuers/{catalogue.pk}/did.json").status_code == 200
    for spelling in (f"0{catalogue.pk}", f"+{catalogue.pk}", f"{catalogue.pk}.0", "\uff11"):
        response = client.get(f"/microcreds/issuers/{spelling}/did.json")
        assert response.status_code == 404, spelling
