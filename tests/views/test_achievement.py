"""The achievement id in credentials resolves to a page (or JSON) describing it."""

import uuid

import pytest

from openedx_microcreds.models import CredentialDefinition

pytestmark = pytest.mark.django_db


def achievement_path(award) -> str:
    achievement_id = award.credential["credentialSubject"]["achievement"]["id"]
    assert achievement_id.startswith("https://lms.example.edu/microcreds/achievements/")
    return achievement_id.removeprefix("https://lms.example.edu")


def test_json_is_the_achievement_the_credentials_carry(client, award):
    response = client.get(achievement_path(award), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    document = response.json()
    assert document.pop("@context")[0] == "https://www.w3.org/ns/credentials/v2"
    assert document == award.credential["credentialSubject"]["achievement"]
    ld = client.get(achievement_path(award) + "?format=json")
    assert ld["Content-Type"] == "application/json" and ld.content == response.content


def test_html_page(client, award):
    response = client.get(achievement_path(award))
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>Data Analyst</h1>" in body
    assert "Applied data analysis" in body
    assert "<strong>Capstone project</strong>" in body  # criteria from the rule, as Markdown
    assert 'href="https://frameworks.example.org/competencies/data-analysis"' in body
    assert "Capstone project" in body and "required: 80.0 %" in body
    assert "Offered by Example University" in body
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script" not in body


def test_definition_without_awards(client, catalogue):
    visualizer = CredentialDefinition.objects.get(slug="data-visualizer")
    response = client.get(f"/microcreds/achievements/{visualizer.uuid}", HTTP_ACCEPT="*/*")
    assert response.status_code == 200 and "Data Visualizer" in response.content.decode()
    visualizer.state = CredentialDefinition.State.DRAFT
    visualizer.save()
    assert client.get(f"/microcreds/achievements/{visualizer.uuid}").status_code == 404


def test_a_draft_that_was_awarded_stays_resolvable(client, award):
    definition = award.definition
    definition.state = CredentialDefinition.State.DRAFT
    definition.save()
    assert client.get(achievement_path(award)).status_code == 200


@pytest.mark.parametrize("bad_id", [str(uuid.uuid4()), "x", "../etc/passwd"])
def test_unknown_ids_are_not_found(client, catalogue, bad_id):
    reference = client.get(f"/microcreds/achievements/{uuid.uuid4()}")
    response = client.get(f"/microcreds/achievements/{bad_id}")
    assert response.status_code == 404 and response.content == reference.content
