"""One list of a definition's editable fields (definition_fields.py): every field of the model is
in it or kept by the plugin, and the admin, the definitions file, the REST API and the model's
change detection all follow it."""

import pytest

from openedx_microcreds import definition_fields
from openedx_microcreds.admin import CredentialDefinitionAdmin, CredentialDefinitionForm
from openedx_microcreds.management import definitions_io
from openedx_microcreds.models import CredentialDefinition, Issuer

CHANGES = {
    "name": "Another name",
    "slug": "another-slug",
    "course_key": "course-v1:OpenedX+Other+2026",
    "state": "archived",
    "achievement_type": "Competency",
    "description": "Another description",
    "criteria_narrative": "Another *criteria*",
    "image_url": "https://example.org/other.png",
    "validity_days": 99,
    "alignments": [{"targetName": "X", "targetUrl": "https://example.org/x"}],
    "rule": {"type": "course_grade", "min": 0.5},
    "revoke_on_certificate_revoked": True,
}


def test_every_model_field_is_editable_or_kept_by_the_plugin():
    model_fields = {
        field.name
        for field in CredentialDefinition._meta.get_fields()
        if field.concrete and not field.auto_created or field.name == "id"
    }
    editable, managed = set(definition_fields.NAMES), set(definition_fields.MANAGED)
    assert not editable & managed
    assert model_fields == editable | managed


def test_everyone_follows_the_list():
    assert tuple(CredentialDefinitionForm._meta.fields) == definition_fields.NAMES
    shown = [
        name for _title, group in CredentialDefinitionAdmin.fieldsets for name in group["fields"]
    ]
    assert [name for name in shown if name in definition_fields.NAMES] == list(
        definition_fields.NAMES
    )
    assert set(definitions_io.KEYS) == set(definition_fields.NAMES)
    assert (
        tuple(f.attname for f in definition_fields.EDITABLE if f.content)
        == CredentialDefinition.CONTENT_FIELDS
    )


def test_the_changes_cover_every_editable_field():
    assert set(CHANGES) | {"issuer"} == set(definition_fields.NAMES)


@pytest.mark.django_db
@pytest.mark.parametrize("field", definition_fields.EDITABLE, ids=lambda f: f.name)
def test_content_fields_and_only_they_give_a_new_version(field):
    issuer = Issuer.objects.create(name="Academy", url="https://academy.example.org")
    definition = CredentialDefinition.objects.create(
        slug="python-basics",
        issuer=issuer,
        course_key="course-v1:OpenedX+Creds101+2026",
        name="Python basics",
        rule={"type": "course_grade", "min": 0.8},
    )
    if field.name == "issuer":
        definition.issuer = Issuer.objects.create(name="Other", url="https://other.example.org")
    else:
        setattr(definition, field.name, CHANGES[field.name])
    definition.save()
    definition.refresh_from_db()
    assert definition.version == (2 if field.content else 1)
