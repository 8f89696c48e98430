from datetime import UTC, datetime

import pytest

from openedx_microcreds.credentials import (
    Achievement,
    CredentialError,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    Recipient,
    Result,
    ResultDescription,
    sign,
)
from openedx_microcreds.credentials.loader import OB_EXTENSIONS, OB_V3, VC_V2
from openedx_microcreds.credentials.strict import find_problems

from .sample import STATUS_LIST_URL, sample_credential, sample_key


def test_sample_credential_has_the_ob3_shape():
    document = sample_credential(status_index=7, include_schema=True)
    assert document["@context"] == [VC_V2, OB_V3, OB_EXTENSIONS]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["issuer"]["type"] == ["Profile"]
    subject = document["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["achievementType"] == "MicroCredential"
    assert achievement["criteria"]["narrative"].startswith("Pass the course")
    assert achievement["alignment"][0]["targetType"] == "ceasn:Competency"
    assert subject["result"][0]["resultDescription"] == achievement["resultDescription"][0]["id"]
    assert document["credentialStatus"] == {
        "id": f"{STATUS_LIST_URL}#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": STATUS_LIST_URL,
    }
    assert document["credentialSchema"][0]["type"] == "1EdTechJsonSchemaValidator2019"


@pytest.mark.parametrize("schema", [False, True])
@pytest.mark.parametrize("status", [None, 3])
def test_every_builder_output_is_clean_under_strict_mode(schema, status):
    document = sample_credential(status_index=status, include_schema=schema)
    assert (
        list(find_problems(document, verification_method=sample_key().verification_method_id)) == []
    )


def test_hashed_email_never_contains_the_address():
    identity = IdentityObject.hashed_email("Ada@Example.edu", salt="pepper")
    rendered = str(identity.to_json())
    assert "ada@example.edu" not in rendered.lower()
    assert identity.identity_hash.startswith("sha256$")
    assert len(identity.identity_hash) == len("sha256$") + 64
    assert identity.matches("ada@example.edu")
    assert not identity.matches("bob@example.edu")


def test_hashed_email_salts_are_random_by_default():
    first = IdentityObject.hashed_email("ada@example.edu")
    second = IdentityObject.hashed_email("ada@example.edu")
    assert first.salt != second.salt
    assert first.identity_hash != second.identity_hash


def _credential(**overrides):
    values = {
        "id": "urn:uuid:00000000-0000-4000-8000-000000000000",
        "issuer": Profile(id="did:key:z6Mkexample", name="Issuer"),
        "achievement": Achievement(
            id="https://example.edu/a", name="A", description="d", criteria_narrative="c"
        ),
        "recipient": Recipient(did="did:key:z6Mkholder"),
        "valid_from": datetime(2026, 1, 1, tzinfo=UTC),
    }
    values.update(overrides)
    return OpenBadgeCredential(**values)


def test_builder_refuses_expiry_before_start():
    with pytest.raises(CredentialError, match="validUntil is before validFrom"):
        _credential(valid_until=datetime(2025, 1, 1, tzinfo=UTC)).to_json()


def test_builder_refuses_recipient_without_identity():
    with pytest.raises(CredentialError, match="DID or a hashed email"):
        _credential(recipient=Recipient()).to_json()


def test_builder_refuses_unknown_vocabulary():
    with pytest.raises(CredentialError, match="unknown achievementType 'Trophy'"):
        _credential(
            achievement=Achievement(
                id="https://e/a",
                name="A",
                description="",
                criteria_narrative="c",
                achievement_type="Trophy",
            )
        ).to_json()
    with pytest.raises(CredentialError, match="unknown resultType"):
        ResultDescription(id="https://e/r", name="r", result_type="Score").to_json()
    with pytest.raises(CredentialError, match="unknown result status"):
        Result(result_description="https://e/r", status="Done").to_json()


def test_builder_refuses_naive_datetimes():
    with pytest.raises(CredentialError, match="timezone-aware"):
        _credential(valid_from=datetime(2026, 1, 1)).to_json()


def test_did_recipient_and_sign_round_trip():
    key = sample_key()
    document = _credential(issuer=Profile(id=key.did_key, name="Issuer")).to_json()
    assert document["credentialSubject"]["id"] == "did:key:z6Mkholder"
    assert "identifier" not in document["credentialSubject"]
    signed = sign(document, key)
    assert signed["proof"]["verificationMethod"] == key.verification_method_id
