"""Typed builders for Open Badges 3.0 credentials (a W3C Verifiable Credential 2.0).

Each dataclass renders itself with ``to_json()``; ``open_badge_credential`` assembles the whole
unsigned document. Keeping the JSON shape here, and nowhere else, is what keeps every credential
we issue inside the terms the OB 3.0 context defines.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .dates import format_datetime
from .errors import CredentialError
from .loader import OB_EXTENSIONS, OB_V3, VC_V2

OB_CREDENTIAL_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)

# OB 3.0 achievementType vocabulary (a subset users of an LMS need; extensions start with "ext:").
ACHIEVEMENT_TYPES = (
    "Achievement",
    "ApprenticeshipCertificate",
    "Assessment",
    "Assignment",
    "AssociateDegree",
    "Award",
    "Badge",
    "BachelorDegree",
    "Certificate",
    "CertificateOfCompletion",
    "Certification",
    "CommunityService",
    "Competency",
    "Course",
    "CoCurricular",
    "Degree",
    "Diploma",
    "DoctoralDegree",
    "Fieldwork",
    "GeneralEducationDevelopment",
    "JourneymanCertificate",
    "LearningProgram",
    "License",
    "Membership",
    "ProfessionalDoctorate",
    "QualityAssuranceCredential",
    "MasterCertificate",
    "MasterDegree",
    "MicroCredential",
    "ResearchDoctorate",
    "SecondarySchoolDiploma",
)
RESULT_TYPES = (
    "GradePointAverage",
    "LetterGrade",
    "Percent",
    "PerformanceLevel",
    "PredictedScore",
    "RawScore",
    "Result",
    "RubricCriterion",
    "RubricCriterionLevel",
    "RubricScore",
    "ScaledScore",
    "Status",
)
RESULT_STATUSES = (
    "Completed",
    "Enrolled",
    "Failed",
    "InProgress",
    "OnHold",
    "Provisional",
    "Withdrew",
)


def _drop_empty(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, [], "")}


def _require(value: object, what: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise CredentialError(f"{what} is required")


@dataclass(frozen=True)
class Image:
    id: str
    caption: str | None = None

    def to_json(self) -> dict:
        return _drop_empty({"id": self.id, "type": "Image", "caption": self.caption})


@dataclass(frozen=True)
class Profile:
    """The issuer (or an achievement's creator). ``id`` is a DID or URL the issuer controls."""

    id: str
    name: str
    url: str | None = None
    email: str | None = None
    description: str | None = None
    image: Image | None = None

    def to_json(self) -> dict:
        _require(self.id, "issuer id")
        _require(self.name, "issuer name")
        return _drop_empty(
            {
                "id": self.id,
                "type": ["Profile"],
                "name": self.name,
                "url": self.url,
                "email": self.email,
                "description": self.description,
                "image": self.image.to_json() if self.image else None,
            }
        )


@dataclass(frozen=True)
class Alignment:
    """Alignment to a competency or framework item: targetName and targetUrl are required."""

    target_name: str
    target_url: str
    target_code: str | None = None
    target_framework: str | None = None
    target_type: str | None = None
    target_description: str | None = None

    def to_json(self) -> dict:
        _require(self.target_name, "alignment targetName")
        _require(self.target_url, "alignment targetUrl")
        return _drop_empty(
            {
                "type": ["Alignment"],
                "targetName": self.target_name,
                "targetUrl": self.target_url,
                "targetCode": self.target_code,
                "targetFramework": self.target_framework,
                "targetType": self.target_type,
                "targetDescription": self.target_description,
            }
        )


@dataclass(frozen=True)
class ResultDescription:
    id: str
    name: str
    result_type: str
    required_value: str | None = None
    value_min: str | None = None
    value_max: str | None = None
    alignments: Sequence[Alignment] = ()

    def to_json(self) -> dict:
        if self.result_type not in RESULT_TYPES and not self.result_type.startswith("ext:"):
            raise CredentialError(f"unknown resultType {self.result_type!r}")
        return _drop_empty(
            {
                "id": self.id,
                "type": ["ResultDescription"],
                "name": self.name,
                "resultType": self.result_type,
                "requiredValue": self.required_value,
                "valueMin": self.value_min,
                "valueMax": self.value_max,
                "alignment": [a.to_json() for a in self.alignments],
            }
        )


@dataclass(frozen=True)
class Achievement:
    id: str
    name: str
    description: str
    criteria_narrative: str
    achievement_type: str | None = None
    image: Image | None = None
    alignments: Sequence[Alignment] = ()
    result_descriptions: Sequence[ResultDescription] = ()
    creator: Profile | None = None
    tags: Sequence[str] = ()
    version: str | None = None

    def to_json(self) -> dict:
        _require(self.id, "achievement id")
        _require(self.name, "achievement name")
        kind = self.achievement_type
        if kind and kind not in ACHIEVEMENT_TYPES and not kind.startswith("ext:"):
            raise CredentialError(
                f"unknown achievementType {kind!r}; use one of the OB 3.0 vocabulary or 'ext:...'"
            )
        return _drop_empty(
            {
                "id": self.id,
                "type": ["Achievement"],
                "name": self.name,
                "description": self.description,
                "criteria": {"narrative": self.criteria_narrative},
                "achievementType": kind,
                "image": self.image.to_json() if self.image else None,
                "alignment": [a.to_json() for a in self.alignments],
                "resultDescription": [r.to_json() for r in self.result_descriptions],
                "creator": self.creator.to_json() if self.creator else None,
                "tag": list(self.tags),
                "version": self.version,
            }
        )


@dataclass(frozen=True)
class IdentityObject:
    """A recipient identified by a salted SHA-256 of their email: the email itself never appears."""

    identity_hash: str
    salt: str
    identity_type: str = "emailAddress"

    @classmethod
    def hashed_email(cls, email: str, salt: str | None = None) -> IdentityObject:
        _require(email, "recipient email")
        salt = salt if salt is not None else os.urandom(16).hex()
        # OB convention: hash the lowercased address so case differences still match.
        digest = hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()
        return cls(identity_hash="sha256$" + digest, salt=salt)

    def matches(self, email: str) -> bool:
        return IdentityObject.hashed_email(email, self.salt).identity_hash == self.identity_hash

    def to_json(self) -> dict:
        return {
            "type": "IdentityObject",
            "identityHash": self.identity_hash,
            "identityType": self.identity_type,
            "hashed": True,
            "salt": self.salt,
        }


@dataclass(frozen=True)
class Result:
    result_description: str
    value: str | None = None
    status: str | None = None

    def to_json(self) -> dict:
        if self.status is not None and self.status not in RESULT_STATUSES:
            raise CredentialError(f"unknown result status {self.status!r}")
        return _drop_empty(
            {
                "type": ["Result"],
                "resultDescription": self.result_description,
                "value": self.value,
                "status": self.status,
            }
        )


@dataclass(frozen=True)
class Evidence:
    id: str | None = None
    name: str | None = None
    description: str | None = None
    narrative: str | None = None
    genre: str | None = None

    def to_json(self) -> dict:
        return _drop_empty(
            {
                "id": self.id,
                "type": ["Evidence"],
                "name": self.name,
                "description": self.description,
                "narrative": self.narrative,
                "genre": self.genre,
            }
        )


@dataclass(frozen=True)
class StatusEntry:
    """A BitstringStatusListEntry pointing at one bit of a status list credential."""

    status_list_credential: str
    index: int
    purpose: str = "revocation"

    def to_json(self) -> dict:
        return {
            "id": f"{self.status_list_credential}#{self.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": self.purpose,
            "statusListIndex": str(self.index),
            "statusListCredential": self.status_list_credential,
        }


@dataclass(frozen=True)
class Recipient:
    """Who the credential is about: a DID when the learner has one, else a hashed email."""

    did: str | None = None
    identity: IdentityObject | None = None
    name: str | None = None  # shown only when the learner chose to publish it

    def to_json(self) -> dict:
        if not self.did and not self.identity:
            raise CredentialError("a recipient needs a DID or a hashed email identity")
        return _drop_empty(
            {
                "id": self.did,
                "type": ["AchievementSubject"],
                "identifier": [self.identity.to_json()] if self.identity else None,
                "name": self.name,
            }
        )


@dataclass(frozen=True)
class OpenBadgeCredential:
    """Everything an unsigned OB 3.0 credential holds."""

    id: str
    issuer: Profile
    achievement: Achievement
    recipient: Recipient
    valid_from: datetime
    name: str | None = None
    description: str | None = None
    valid_until: datetime | None = None
    results: Sequence[Result] = ()
    evidence: Sequence[Evidence] = ()
    status: StatusEntry | None = None
    include_schema: bool = True
    awarded_date: datetime | None = None
    extra_types: Sequence[str] = field(default_factory=tuple)

    def to_json(self) -> dict:
        if self.valid_until and self.valid_until < self.valid_from:
            raise CredentialError("validUntil is before validFrom")
        subject = self.recipient.to_json()
        subject["achievement"] = self.achievement.to_json()
        if self.results:
            subject["result"] = [result.to_json() for result in self.results]
        contexts = [VC_V2, OB_V3]
        schema = None
        if self.include_schema:
            contexts.append(OB_EXTENSIONS)
            schema = [{"id": OB_CREDENTIAL_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}]
        return _drop_empty(
            {
                "@context": contexts,
                "id": self.id,
                "type": ["VerifiableCredential", "OpenBadgeCredential", *self.extra_types],
                "name": self.name or self.achievement.name,
                "description": self.description,
                "issuer": self.issuer.to_json(),
                "validFrom": format_datetime(self.valid_from),
                "validUntil": format_datetime(self.valid_until) if self.valid_until else None,
                "awardedDate": format_datetime(self.awarded_date) if self.awarded_date else None,
                "credentialSubject": subject,
                "evidence": [item.to_json() for item in self.evidence],
                "credentialStatus": self.status.to_json() if self.status else None,
                "credentialSchema": schema,
            }
        )
