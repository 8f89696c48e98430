"""Issue a credential: build the Open Badges 3.0 document for a met rule, sign it with the
issuer's active key, and store it as the learner's one active award, in one transaction.

Exactly once: the database admits one active award per (learner, definition), so when two
workers race on duplicate events, one insert wins and the other returns the winner's award.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from . import batch, rules
from .credentials import (
    Achievement,
    Alignment,
    Evidence,
    IdentityObject,
    Image,
    OpenBadgeCredential,
    Profile,
    Recipient,
    Result,
    ResultDescription,
    sign,
)
from .definitions import parsed_rule
from .delivery import outbox
from .models import Award, CredentialDefinition, Issuer, SigningKey
from .platform import PlatformUser
from .rules.keys import resolve_block_course
from .settings import get_setting, issuer_base_url
from .signing import active_signing_key, issuer_id, load_private_key, verification_method
from .status import entry_for, pick_index, release_slot, reserve_slot

log = logging.getLogger(__name__)

# Index collisions on the status list are retried this many times before giving up (random
# picks below half full: a collision each time has odds under 2**-20).
_INDEX_ATTEMPTS = 20


@dataclass(frozen=True)
class IssueOutcome:
    award: Award
    created: bool  # False when the learner already held an active award


def achievement_url(definition: CredentialDefinition) -> str:
    """A stable id for the achievement: survives renames of the slug and edits of the rule."""
    return f"{issuer_base_url()}/microcreds/achievements/{definition.uuid}"


def public_credential_url(award: Award) -> str:
    return f"{issuer_base_url()}/microcreds/credentials/{award.uuid}/"


def issue(
    definition: CredentialDefinition,
    learner: PlatformUser,
    explanation: rules.Explanation,
    *,
    event_id: str = "",
    evidence: dict[str, Any] | None = None,
    now: datetime | None = None,
    event: str = "issued",
) -> IssueOutcome:
    """Sign and store the credential; return the existing active award if there is one.

    Callers check first whether the learner holds the credential (to skip the signing work);
    the database constraint is what guarantees a single active award under concurrency.
    The messages about it (``event``: issued, or renewed) go to the outbox with it.
    """
    now = now or timezone.now()
    # Joins the caller's transaction when there is one (no extra savepoint). Nothing raised
    # for a lost race crosses this block, so the caller's transaction stays usable.
    with transaction.atomic(savepoint=False):
        award = _create_award(definition, learner, explanation, event_id, evidence, now)
        if award is not None:
            outbox.record(award, event)
    if award is None:
        winner = Award.objects.active().get(user_id=learner.id, definition=definition)
        return IssueOutcome(winner, created=False)
    return IssueOutcome(award, created=True)


def _create_award(
    definition: CredentialDefinition,
    learner: PlatformUser,
    explanation: rules.Explanation,
    event_id: str,
    evidence: dict[str, Any] | None,
    now: datetime,
) -> Award | None:
    """The stored award, or None when another worker stored the learner's award first."""
    issuer = definition.issuer
    signing_key = active_signing_key(issuer)
    status_list = reserve_slot(issuer)
    valid_until = (
        now + timedelta(days=definition.validity_days) if definition.validity_days else None
    )
    award = Award(
        uuid=uuid.uuid4(),
        user_id=learner.id,
        definition=definition,
        definition_version=definition.version,
        issued_at=now,
        valid_until=valid_until,
        triggering_event_id=event_id or "",
        evidence=evidence or {},
        signing_key=signing_key,
        status_list=status_list,
    )
    for attempt in range(_INDEX_ATTEMPTS):
        award.status_index = pick_index(status_list)
        document = build_credential(definition, learner, explanation, award, signing_key, issuer)
        award.credential = sign(
            document,
            load_private_key(signing_key),
            cryptosuite=get_setting("MICROCREDS_DEFAULT_CRYPTOSUITE"),
            verification_method=verification_method(issuer, signing_key),
            created=now,
        )
        try:
            with transaction.atomic():  # a savepoint: a lost race leaves the outer one usable
                award.save(force_insert=True)
            return award
        except IntegrityError:
            if Award.objects.active().filter(user_id=learner.id, definition=definition).exists():
                release_slot(status_list)  # the winner holds its own slot
                return None
            if attempt == _INDEX_ATTEMPTS - 1:
                raise
            log.info("status index %s taken; picking another", award.status_index)
    raise AssertionError("unreachable")


def build_credential(
    definition: CredentialDefinition,
    learner: PlatformUser,
    explanation: rules.Explanation,
    award: Award,
    signing_key: SigningKey,
    issuer: Issuer,
) -> dict[str, Any]:
    """The unsigned OB 3.0 document for ``award``."""
    rule = parsed_rule(definition)
    descriptions = result_descriptions(definition, rule)
    results = [
        Result(
            result_description=descriptions[value.clause_id].id,
            value=value.value if value.result_type == "Percent" else None,
            status=value.value if value.result_type == "Status" else None,
        )
        for value in rules.results(explanation)
        if value.clause_id in descriptions and value.value is not None
    ]
    profile = issuer_profile(issuer, issuer_id(issuer, signing_key))
    achievement = achievement_for(definition, rule, profile)
    return OpenBadgeCredential(
        id=award.credential_id,
        issuer=profile,
        achievement=achievement,
        recipient=_recipient(learner),
        valid_from=award.issued_at,
        valid_until=award.valid_until,
        awarded_date=award.issued_at,
        results=results,
        evidence=_evidence(definition, rule),
        status=entry_for(award.status_list, award.status_index) if award.status_list else None,
    ).to_json()


def issuer_profile(issuer: Issuer, profile_id: str) -> Profile:
    """The issuer's OB 3.0 Profile under ``profile_id`` (its DID)."""
    return Profile(
        id=profile_id,
        name=issuer.name,
        url=issuer.url or None,
        email=issuer.email or None,
        description=issuer.description or None,
        image=Image(issuer.image_url) if issuer.image_url else None,
    )


def result_descriptions(
    definition: CredentialDefinition, rule: rules.Rule
) -> dict[str, ResultDescription]:
    """One ResultDescription per threshold of the rule, by clause id."""
    achievement_id = achievement_url(definition)
    return {
        threshold.clause_id: ResultDescription(
            id=f"{achievement_id}#result-{threshold.clause_id}",
            name=threshold.name,
            result_type=threshold.result_type,
            required_value=threshold.required_value,
            value_min="0" if threshold.result_type == "Percent" else None,
            value_max="100" if threshold.result_type == "Percent" else None,
        )
        for threshold in rules.thresholds(rule)
    }


def achievement_for(
    definition: CredentialDefinition, rule: rules.Rule, creator: Profile | None
) -> Achievement:
    """The Achievement credentials of ``definition`` embed, and its id URL serves."""
    return Achievement(
        id=achievement_url(definition),
        name=definition.name,
        description=definition.description or definition.name,
        criteria_narrative=definition.criteria_narrative or _described(definition, rule),
        achievement_type=definition.achievement_type,
        image=Image(definition.image_url, caption=definition.name)
        if definition.image_url
        else None,
        alignments=_alignments(definition, rule),
        result_descriptions=list(result_descriptions(definition, rule).values()),
        creator=creator,
        version=str(definition.version),
    )


def _described(definition: CredentialDefinition, rule: rules.Rule) -> str:
    """The criteria generated from the rule, naming courses by their titles and credentials by
    their names ("Hold the credential **Data Analyst**"), never by keys or slugs."""
    names = display_names()
    courses = rules.referenced_courses(rule, definition.course_key)
    return rules.describe(
        rule,
        course_names={key: names.course(key) for key in courses},
        credential_names=names.credentials(sorted(rules.required_credentials(rule))),
    )


def display_names() -> Any:
    """Course titles and credential names, looked up once per batch of awards."""
    from .learner.names import DisplayNames

    return batch.memo("display-names", DisplayNames)


def _alignments(definition: CredentialDefinition, rule: rules.Rule) -> list[Alignment]:
    found = [
        Alignment(
            target_name=competency.name,
            target_url=competency.url,
            target_code=competency.code,
            target_framework=competency.framework,
            target_type="ceasn:Competency",
        )
        for competency in rules.competencies(rule)
    ]
    for extra in definition.alignments or []:
        found.append(
            Alignment(
                target_name=extra["targetName"],
                target_url=extra["targetUrl"],
                target_code=extra.get("targetCode"),
                target_framework=extra.get("targetFramework"),
                target_type=extra.get("targetType"),
            )
        )
    return found


def _recipient(learner: PlatformUser) -> Recipient:
    # No wallet DID is known at issue time: identify the learner by a salted email hash, so the
    # address itself never appears in the credential.
    if not learner.email:
        raise ValueError(f"learner {learner.id} has no email address to identify them by")
    return Recipient(identity=IdentityObject.hashed_email(learner.email))


def _evidence(definition: CredentialDefinition, rule: rules.Rule) -> list[Evidence]:
    base = issuer_base_url()
    names = display_names()
    evidence = []
    for course in sorted(rules.referenced_courses(rule, definition.course_key)):
        title = names.course(course)
        evidence.append(
            Evidence(
                id=f"{base}/courses/{course}/about",
                name=title if title != course else f"Course {course}",
                genre="Course",
            )
        )
    for threshold in rules.thresholds(rule):
        clause = rule.find(threshold.clause_id)
        block = getattr(clause, "block", None)
        course = block and resolve_block_course(clause.course, block, definition.course_key)
        if course:
            evidence.append(
                Evidence(
                    id=f"{base}/courses/{course}/jump_to/{block}",
                    name=threshold.name,
                    genre="Capstone",
                )
            )
    return evidence
