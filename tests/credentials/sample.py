"""A realistic Open Badges 3.0 credential (alignment, result, evidence) for tests and bench."""

from datetime import UTC, datetime

from openedx_microcreds.credentials import (
    Achievement,
    Alignment,
    Ed25519Key,
    Evidence,
    IdentityObject,
    OpenBadgeCredential,
    Profile,
    Recipient,
    Result,
    ResultDescription,
    StatusEntry,
)

# Deterministic test key (the W3C vc-di-eddsa vector key).
TEST_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
STATUS_LIST_URL = "https://lms.example.edu/microcreds/status/1"


def sample_key() -> Ed25519Key:
    return Ed25519Key.from_secret_multibase(TEST_SECRET)


def sample_credential(
    key: Ed25519Key | None = None,
    *,
    status_index: int | None = None,
    valid_until: datetime | None = None,
    include_schema: bool = False,
) -> dict:
    key = key or sample_key()
    capstone = ResultDescription(
        id="https://lms.example.edu/microcreds/achievements/data-analyst#capstone",
        name="Capstone project score",
        result_type="Percent",
        required_value="80",
        value_min="0",
        value_max="100",
    )
    achievement = Achievement(
        id="https://lms.example.edu/microcreds/achievements/data-analyst",
        name="Data Analyst Micro-credential",
        description="Awarded for applied data analysis in DemoX Data101.",
        criteria_narrative="Pass the course and score at least **80%** on the capstone.",
        achievement_type="MicroCredential",
        alignments=[
            Alignment(
                target_name="Data analysis",
                target_url="https://frameworks.example.org/competencies/data-analysis",
                target_code="DA-1",
                target_framework="Example Skills Framework",
                target_type="ceasn:Competency",
            )
        ],
        result_descriptions=[capstone],
    )
    credential = OpenBadgeCredential(
        id="urn:uuid:2f3c5e1a-7b8d-4c2e-9f10-1a2b3c4d5e6f",
        issuer=Profile(id=key.did_key, name="Example University", url="https://lms.example.edu"),
        achievement=achievement,
        recipient=Recipient(identity=IdentityObject.hashed_email("ada@example.edu", "c0ffee")),
        valid_from=datetime(2026, 1, 15, 12, 0, tzinfo=UTC),
        valid_until=valid_until,
        results=[Result(result_description=capstone.id, value="92")],
        evidence=[
            Evidence(
                id="https://lms.example.edu/courses/course-v1:DemoX+Data101+2026",
                name="DemoX Data101 capstone",
                narrative="Capstone graded 92% on 2026-01-14.",
            )
        ],
        status=StatusEntry(STATUS_LIST_URL, status_index) if status_index is not None else None,
        include_schema=include_schema,
    )
    return credential.to_json()


def endorsed_credential(proof_purpose: str) -> dict:
    """The sample credential whose achievement carries an endorsement with a proof.

    The endorsement's ``proofPurpose`` is ``@vocab``-typed: "assertionMethod" is a term of the
    proof's scoped context, anything else is a relative IRI a safe-mode verifier rejects. A shape
    (keys, types, value classes) cannot tell the two apart: issue 7 point 1.
    """
    key = sample_key()
    credential = sample_credential()
    endorsement = sample_credential()
    endorsement["type"] = ["VerifiableCredential", "EndorsementCredential"]
    endorsement["credentialSubject"] = {
        "id": credential["credentialSubject"]["achievement"]["id"],
        "type": "EndorsementSubject",
        "endorsementComment": "A rigorous capstone.",
    }
    endorsement["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2026-01-01T00:00:00Z",
        "verificationMethod": key.verification_method_id,
        "proofPurpose": proof_purpose,
        "proofValue": "z" + "1" * 86,
    }
    credential["credentialSubject"]["achievement"]["endorsement"] = [endorsement]
    return credential
