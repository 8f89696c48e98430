"""The public credential page: what it shows, the live verification, JSON negotiation, 404s,
and that nothing personal about the learner ever appears."""

import base64
import hashlib
import json
import re
import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils.html import escape

from openedx_microcreds.credentials import verify_credential
from openedx_microcreds.models import Award
from openedx_microcreds.revocation import revoke
from openedx_microcreds.signing import did_for_base_url, rotate_signing_key

from .conftest import BASE_URL

pytestmark = pytest.mark.django_db

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def page_url(award) -> str:
    return f"/microcreds/credentials/{award.uuid}/"


def html(response) -> str:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == "text/html; charset=utf-8"
    return response.content.decode()


def checks_in(body: str) -> dict[str, str]:
    """{check label: outcome} from the verification table."""
    rows = re.findall(
        r'<tr class="mc-check-(\w+)"><td>([^<]+)</td>', body.split('class="mc-table mc-checks"')[1]
    )
    return {label: status for status, label in rows}


def test_page_shows_the_credential_and_every_check_passing(client, award):
    body = html(client.get(page_url(award), HTTP_ACCEPT=BROWSER_ACCEPT))
    credential = award.credential
    achievement = credential["credentialSubject"]["achievement"]
    assert "<h1>Data Analyst</h1>" in body
    assert '<p class="mc-kicker">Micro-credential</p>' in body
    assert achievement["description"] in body
    # Criteria narrative (Markdown from the rule) rendered as a list with emphasis.
    assert "<strong>all</strong>" in body and "<li>Pass the course.</li>" in body
    # Competency alignment with its link, code and framework.
    assert 'href="https://frameworks.example.org/competencies/data-analysis"' in body
    assert "DA-1" in body and "Example Skills Framework" in body
    # Results named after their result descriptions.
    assert "<td>Capstone project</td><td>92.0 %</td><td>80.0 %</td>" in body
    assert "<td>Data analysis</td><td>Completed</td>" in body
    # Issuer: name, web site, identifier.
    assert "Example University" in body
    assert f'href="{BASE_URL}"' in body
    assert credential["issuer"]["id"] in body
    # Dates.
    assert 'datetime="' + credential["validFrom"].replace("Z", "+00:00") in body
    assert 'datetime="' + credential["validUntil"].replace("Z", "+00:00") in body
    # State and live verification, the same checks as `microcreds verify`.
    assert "State: Active" in body and "Verified" in body
    checks = checks_in(body)
    expected = {"Document", "Issuer&#x27;s key", "Signature", "Issuer", "Validity period"}
    assert expected | {"Revocation status"} <= set(checks)
    assert set(checks.values()) == {"passed"}
    assert "revocation: not set in the status list" in body
    assert credential["id"] in body


def test_linkedin_and_download_links(client, award):
    body = html(client.get(page_url(award)))
    href = re.search(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', body).group(1)
    query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
    issued = award.issued_at
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Data Analyst"]
    assert query["organizationName"] == ["Example University"]
    assert query["issueYear"] == [str(issued.year)] and query["issueMonth"] == [str(issued.month)]
    assert query["certUrl"] == [f"{BASE_URL}/microcreds/credentials/{award.uuid}/"]
    assert query["certId"] == [award.credential_id]
    assert 'href="?download=1" download' in body
    download = client.get(page_url(award) + "?download=1")
    assert download["Content-Type"] == "application/vc+ld+json"
    assert download["Content-Disposition"] == (
        f'attachment; filename="data-analyst-{award.uuid}.json"'
    )
    assert download.content.decode() == award.credential_json


@pytest.mark.parametrize(
    ("accept", "query", "content_type"),
    [
        ("application/vc+ld+json", "", "application/vc+ld+json"),
        ("application/json", "", "application/json"),
        ("application/ld+json", "", "application/ld+json"),
        ("application/json, text/html;q=0.5", "", "application/json"),
        ("text/html;q=0.5, application/vc+ld+json", "", "application/vc+ld+json"),
        (BROWSER_ACCEPT, "?format=json", "application/json"),
        ("", "?format=vc", "application/vc+ld+json"),
    ],
)
def test_json_negotiation(client, award, accept, query, content_type):
    response = client.get(page_url(award) + query, HTTP_ACCEPT=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    # The stored signed document, byte for byte, and it verifies.
    assert response.content.decode() == award.credential_json
    assert json.loads(response.content)["proof"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Content-Type-Options"] == "nosniff"
    if not query:
        assert "Accept" in response["Vary"]


@pytest.mark.parametrize("accept", ["", BROWSER_ACCEPT, "*/*", "text/*", "application/xml"])
def test_html_for_browsers_and_by_default(client, award, accept):
    response = client.get(page_url(award), HTTP_ACCEPT=accept)
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert "Accept" in response["Vary"]


def test_json_has_a_strong_etag_and_answers_304(client, award):
    first = client.get(page_url(award), HTTP_ACCEPT="application/json")
    etag = first["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    again = client.get(page_url(award), HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag


def test_nothing_personal_in_page_or_json(client, award, learner):
    responses = [
        client.get(page_url(award)),
        client.get(page_url(award), HTTP_ACCEPT="application/json"),
        client.get(page_url(award) + "?download=1"),
    ]
    for response in responses:
        body = response.content.decode()
        for secret in (learner.email, learner.username, learner.full_name, "Lovelace"):
            assert secret not in body
            assert escape(secret) not in body
    assert "Awarded to the holder of this credential." in responses[0].content.decode()


@pytest.mark.parametrize(
    "bad_id",
    [
        str(uuid.uuid4()),
        "not-a-uuid",
        "0" * 200,
        "%2e%2e",
        "urn:uuid:" + str(uuid.uuid4()),
        "<script>alert(1)</script>",
    ],
)
@pytest.mark.parametrize("accept", [BROWSER_ACCEPT, "application/json"])
def test_unknown_and_malformed_ids_get_the_same_404(client, award, bad_id, accept):
    reference = client.get(f"/microcreds/credentials/{uuid.uuid4()}/", HTTP_ACCEPT=accept)
    response = client.get(f"/microcreds/credentials/{bad_id}/", HTTP_ACCEPT=accept)
    assert reference.status_code == response.status_code == 404
    assert response.content == reference.content
    assert response["Content-Type"] == reference["Content-Type"]
    assert "alert" not in response.content.decode()


def test_an_award_not_issued_yet_is_not_found_either(client, award):
    unknown = client.get(f"/microcreds/credentials/{uuid.uuid4()}/")
    Award.objects.filter(pk=award.pk).update(credential_json="")
    blank = client.get(page_url(award))
    assert blank.status_code == 404 and blank.content == unknown.content


def test_only_get_and_head(client, award):
    assert client.post(page_url(award)).status_code == 405
    assert client.head(page_url(award)).status_code == 200


def test_security_headers_and_no_script(client, award):
    response = client.get(page_url(award))
    body = html(response)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"] == "no-cache"
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert "<script" not in body.lower() and " on" + "click" not in body
    # The inline stylesheet is exactly what the CSP hash allows.
    css = re.search(r"<style>(.*?)</style>", body, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    assert ' style="' not in body


def test_revoked_award_fails_the_status_check_and_shows_the_reason(client, award, admin_user):
    revoke(award, reason="Plagiarised capstone <b>project</b>", by=admin_user)
    body = html(client.get(page_url(award)))
    assert "State: Revoked" in body and "mc-unverified" in body
    assert "Reason: Plagiarised capstone &lt;b&gt;project&lt;/b&gt;" in body
    assert checks_in(body)["Revocation status"] == "failed"
    assert "revocation: the status list marks this credential" in body
    assert checks_in(body)["Signature"] == "passed"  # the signature itself is still fine
    assert "linkedin.com" not in body  # nobody is invited to share a revoked credential
    # The JSON stays available: verifiers learn the revocation from the status list.
    assert client.get(page_url(award), HTTP_ACCEPT="application/json").status_code == 200


@pytest.mark.parametrize(
    ("state", "label"), [("expired", "State: Expired"), ("superseded", "State: Superseded")]
)
def test_expired_and_superseded_states_are_shown(client, award, state, label):
    Award.objects.filter(pk=award.pk).update(state=state, active_marker=None)
    body = html(client.get(page_url(award)))
    assert label in body


def test_did_web_issuer_verifies_with_its_did_document_even_after_rotation(
    client, catalogue, make_award, learner
):
    catalogue.did = did_for_base_url(BASE_URL)
    catalogue.save()
    award = make_award(learner)
    assert award.credential["issuer"]["id"] == "did:web:lms.example.edu:microcreds:issuer"
    body = html(client.get(page_url(award)))
    assert set(checks_in(body).values()) == {"passed"}
    assert "did:web:lms.example.edu:microcreds:issuer#key-1 resolved" in body

    rotate_signing_key(catalogue, key_id="key-2")
    body = html(client.get(page_url(award)))
    assert set(checks_in(body).values()) == {"passed"}  # the rotated key stays published


def test_the_page_agrees_with_an_offline_verification(client, award):
    """The checks on the page are those verify_credential reports given the published documents
    (the status list served at its URL)."""
    status_url = award.credential["credentialStatus"]["statusListCredential"]
    served = client.get(urlsplit(status_url).path)
    report = verify_credential(award.credential, status_lists={status_url: served.json()})
    body = html(client.get(page_url(award)))
    assert [check.status for check in report.checks] == list(checks_in(body).values())


def test_criteria_narrative_is_rendered_safely(client, catalogue, make_award, learner):
    definition = catalogue.definitions.get(slug="data-analyst")
    definition.criteria_narrative = (
        "Pass **all** of:\n- the <script>alert('x')</script> exam\n"
        "- see [the rules](javascript:alert(1)) and [the syllabus](https://example.edu/s?a=1&b=2)"
        '\n\n<img src=x onerror="alert(2)">'
    )
    definition.save()
    award = make_award(learner)
    body = html(client.get(page_url(award)))
    criteria = body.split('<div class="mc-criteria">')[1].split("</div>")[0]
    assert "<script" not in criteria and "<img" not in criteria
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in criteria  # shown as text
    assert 'href="javascript' not in criteria
    assert '<a href="https://example.edu/s?a=1&amp;b=2" rel="nofollow noopener noreferrer">' in (
        criteria
    )
    assert "<strong>all</strong>" in criteria
