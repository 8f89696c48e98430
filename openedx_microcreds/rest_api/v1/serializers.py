"""The shapes of v1's requests and answers (also what its OpenAPI schema says). Output is built
from the Python API's objects; input is checked for its JSON types here and for everything else
by the API, whose problems come back with their paths."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from ... import definition_fields
from ...models import Award, AwardStatusChange, CredentialDefinition, DryRunJob, DryRunResult

MAX_INT = 2**31 - 1

# --- errors ---------------------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    path = serializers.CharField(
        help_text='Where, as a JSON path into what was sent: "$.rule.min".'
    )
    code = serializers.CharField(help_text="Stable, for programs: required, unknown_block, ...")
    message = serializers.CharField(help_text="What is wrong, for people.")
    severity = serializers.ChoiceField(choices=["error", "warning"])


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    problems = ProblemSerializer(many=True, required=False)
    current_edit_tag = serializers.CharField(
        required=False, help_text="With 412: the definition's edit tag now."
    )


# --- definitions ----------------------------------------------------------------------------


class IssuerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class DefinitionSerializer(serializers.Serializer):
    """A credential definition."""

    uuid = serializers.UUIDField()
    slug = serializers.CharField()
    name = serializers.CharField()
    course_key = serializers.CharField(allow_null=True)
    issuer = IssuerSerializer()
    state = serializers.ChoiceField(choices=CredentialDefinition.State.values)
    achievement_type = serializers.ChoiceField(choices=CredentialDefinition.AchievementType.values)
    description = serializers.CharField(allow_blank=True)
    criteria_narrative = serializers.CharField(allow_blank=True)
    image_url = serializers.CharField(allow_blank=True)
    validity_days = serializers.IntegerField(allow_null=True)
    alignments = serializers.JSONField()
    rule = serializers.JSONField(help_text="The award rule (see rule-schema/).")
    revoke_on_certificate_revoked = serializers.BooleanField()
    version = serializers.IntegerField(help_text="Goes up when what credentials say changes.")
    revision = serializers.IntegerField(help_text="Goes up with every saved edit.")
    edit_tag = serializers.CharField(help_text='"version.revision": the ETag; send it as If-Match.')
    created = serializers.DateTimeField()
    modified = serializers.DateTimeField()

    def to_representation(self, definition: CredentialDefinition) -> dict[str, Any]:
        data = {name: getattr(definition, name) for name in definition_fields.NAMES}
        data.update(
            uuid=str(definition.uuid),
            issuer={"id": definition.issuer_id, "name": definition.issuer.name},
            version=definition.version,
            revision=definition.revision,
            edit_tag=definition.edit_tag,
            created=definition.created.isoformat(),
            modified=definition.modified.isoformat(),
        )
        return data


class DefinitionWriteSerializer(serializers.Serializer):
    """The fields an author sets (all optional in an edit: the others keep their value)."""

    slug = serializers.SlugField(
        max_length=100, required=False, help_text="Made from the name when left out."
    )
    name = serializers.CharField(max_length=255, required=False)
    issuer = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        help_text="The issuer's id (left out: the site's only issuer).",
    )
    state = serializers.ChoiceField(choices=CredentialDefinition.State.values, required=False)
    achievement_type = serializers.ChoiceField(
        choices=CredentialDefinition.AchievementType.values, required=False
    )
    description = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)
    criteria_narrative = serializers.CharField(
        allow_blank=True, required=False, trim_whitespace=False
    )
    image_url = serializers.CharField(allow_blank=True, max_length=500, required=False)
    validity_days = serializers.IntegerField(
        min_value=1, max_value=36500, allow_null=True, required=False
    )
    alignments = serializers.JSONField(required=False)
    rule = serializers.JSONField(required=False, help_text="The award rule (see rule-schema/).")
    revoke_on_certificate_revoked = serializers.BooleanField(required=False)


class DefinitionUpdateSerializer(DefinitionWriteSerializer):
    """The same, without the slug (other credentials name this one by it)."""

    slug = None


class DuplicateSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=100, required=False)
    name = serializers.CharField(max_length=255, required=False)
    course_id = serializers.CharField(
        max_length=255, required=False, help_text="Another course run (you author it too)."
    )


class DefinitionResultSerializer(serializers.Serializer):
    """A definition as saved, and the warnings its checks found."""

    definition = DefinitionSerializer()
    warnings = ProblemSerializer(many=True)


# --- the rule builder -----------------------------------------------------------------------


class OutlineBlockSerializer(serializers.Serializer):
    usage_key = serializers.CharField()
    block_type = serializers.CharField()
    display_name = serializers.CharField()
    graded = serializers.BooleanField()
    assignment_type = serializers.CharField(allow_null=True)
    parent = serializers.CharField(allow_null=True)


class CredentialChoiceSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    course_key = serializers.CharField(allow_null=True)
    state = serializers.CharField()


class ContextSerializer(serializers.Serializer):
    course_key = serializers.CharField()
    display_name = serializers.CharField()
    blocks = OutlineBlockSerializer(many=True, help_text="Sections, subsections, units, in order.")
    assignment_types = serializers.ListField(child=serializers.CharField())
    credentials = CredentialChoiceSerializer(many=True, help_text="What a rule may stack on.")


class ValidateRuleSerializer(serializers.Serializer):
    rule = serializers.JSONField()
    slug = serializers.SlugField(
        max_length=100,
        required=False,
        help_text="The definition being edited (for stacking cycles).",
    )


class ValidationResultSerializer(serializers.Serializer):
    valid = serializers.BooleanField(help_text="No problem of severity error.")
    problems = ProblemSerializer(many=True)


# --- dry runs -------------------------------------------------------------------------------


class DryRunRequestSerializer(serializers.Serializer):
    definition = serializers.SlugField(
        max_length=100, required=False, help_text="A saved definition."
    )
    rule = serializers.JSONField(required=False, help_text="Or a rule not saved yet.")


class CountsSerializer(serializers.Serializer):
    would_award = serializers.IntegerField()
    not_met = serializers.IntegerField()
    already_held = serializers.IntegerField()
    errors = serializers.IntegerField()


class DryRunJobSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    course_key = serializers.CharField()
    definition = serializers.CharField(
        allow_null=True, help_text="Its slug; null for a draft rule."
    )
    state = serializers.ChoiceField(choices=DryRunJob.State.values)
    total = serializers.IntegerField(help_text="Learners to evaluate.")
    processed = serializers.IntegerField(help_text="Learners evaluated so far.")
    counts = CountsSerializer()
    error = serializers.CharField(allow_blank=True)
    created = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    results_url = serializers.CharField()

    def to_representation(self, job: DryRunJob) -> dict[str, Any]:
        from ...dryrun import counts

        return {
            "id": str(job.uuid),
            "course_key": job.course_key,
            "definition": job.definition.slug if job.definition_id else None,
            "state": job.state,
            "total": job.total,
            "processed": job.processed,
            "counts": {**counts({}), **(job.counts or {})},
            "error": job.error,
            "created": job.created.isoformat(),
            "started_at": job.started_at.isoformat() if job.started_at else None,
            "finished_at": job.finished_at.isoformat() if job.finished_at else None,
            "results_url": reverse(
                "openedx_microcreds:api:v1:dry-run-results", args=[job.course_key, str(job.uuid)]
            ),
        }


class DryRunResultSerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    outcome = serializers.CharField(help_text="would_award, not_met, already_held or failed.")
    reason = serializers.CharField(allow_blank=True)
    explanation = serializers.JSONField(
        help_text="The rule engine's explanation, clause by clause."
    )

    def to_representation(self, row: DryRunResult) -> dict[str, Any]:
        return {
            "user_id": row.user_id,
            "username": row.username,
            "outcome": row.outcome,
            "reason": row.reason,
            "explanation": row.explanation,
        }


# --- awards ---------------------------------------------------------------------------------


class AwardSerializer(serializers.Serializer):
    #: The columns it reads (lists load only these).
    READS = (
        "uuid",
        "credential_id",
        "user__username",
        "definition__slug",
        "definition_version",
        "state",
        "issued_at",
        "valid_until",
        "revoked_at",
        "revoked_by__username",
        "revocation_reason",
    )

    id = serializers.UUIDField()
    credential_id = serializers.CharField()
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    definition = serializers.CharField()
    definition_version = serializers.IntegerField(help_text="The version it was issued under.")
    state = serializers.ChoiceField(choices=Award.State.values)
    issued_at = serializers.DateTimeField()
    valid_until = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)
    revoked_by = serializers.CharField(allow_null=True)
    revocation_reason = serializers.CharField(allow_blank=True)
    public_url = serializers.CharField()

    def to_representation(self, award: Award) -> dict[str, Any]:
        from ...issuing import public_credential_url

        return {
            "id": str(award.uuid),
            "credential_id": award.credential_id,
            "user_id": award.user_id,
            "username": award.user.get_username(),
            "definition": award.definition.slug,
            "definition_version": award.definition_version,
            "state": award.state,
            "issued_at": award.issued_at.isoformat(),
            "valid_until": award.valid_until.isoformat() if award.valid_until else None,
            "revoked_at": award.revoked_at.isoformat() if award.revoked_at else None,
            "revoked_by": award.revoked_by.get_username() if award.revoked_by else None,
            "revocation_reason": award.revocation_reason,
            "public_url": public_credential_url(award),
        }


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="Recorded, and told to the learner.")


class AwardChangeSerializer(serializers.Serializer):
    changed = serializers.BooleanField(help_text="False when it was so already.")
    message = serializers.CharField()
    award = AwardSerializer()


class StatusChangeSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=AwardStatusChange.Action.values)


# --- learners -------------------------------------------------------------------------------


class MyAwardSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    definition = serializers.CharField()
    course_key = serializers.CharField(allow_null=True)
    standing = serializers.ChoiceField(choices=["active", "expired", "revoked"])
    issued_at = serializers.DateTimeField()
    valid_until = serializers.DateTimeField(allow_null=True)
    revocation_reason = serializers.CharField(allow_blank=True)
    public_url = serializers.CharField()
    downloads = serializers.DictField(child=serializers.CharField(), help_text="json, png, svg")

    def to_representation(self, item: Any) -> dict[str, Any]:
        award = item.award
        uuid = str(award.uuid)
        return {
            "id": uuid,
            "name": item.shown["achievement"]["name"] or award.definition.name,
            "definition": award.definition.slug,
            "course_key": award.definition.course_key,
            "standing": item.standing.code,
            "issued_at": award.issued_at.isoformat(),
            "valid_until": award.valid_until.isoformat() if award.valid_until else None,
            "revocation_reason": award.revocation_reason if item.standing.code == "revoked" else "",
            "public_url": item.public_url,
            "downloads": {
                kind: reverse(f"openedx_microcreds:learner_download_{kind}", args=[uuid])
                for kind in ("json", "png", "svg")
            },
        }


class RequirementSerializer(serializers.Serializer):
    name = serializers.CharField()
    met = serializers.BooleanField()
    score = serializers.CharField(allow_blank=True, help_text='The learner\'s number: "72%".')
    needed = serializers.CharField(allow_blank=True, help_text='The number needed: "80%".')
    note = serializers.CharField(allow_blank=True)
    depth = serializers.IntegerField()
    children = serializers.ListField(child=serializers.DictField(), help_text="Requirements.")


class ChecklistSerializer(serializers.Serializer):
    summary = serializers.CharField()
    met = serializers.IntegerField()
    needed = serializers.IntegerField()
    total = serializers.IntegerField()
    passed = serializers.BooleanField()
    requirements = RequirementSerializer(many=True)


class ProgressSerializer(serializers.Serializer):
    definition = serializers.CharField()
    name = serializers.CharField()
    course_key = serializers.CharField(allow_null=True)
    ready = serializers.BooleanField(help_text="Every requirement is met: on its way.")
    checklist = ChecklistSerializer(
        allow_null=True, help_text="Null when grades could not be read."
    )

    def to_representation(self, item: Any) -> dict[str, Any]:
        return {
            "definition": item.definition.slug,
            "name": item.definition.name,
            "course_key": item.definition.course_key,
            "ready": item.ready,
            "checklist": _checklist(item.checklist) if item.checklist is not None else None,
        }


def _requirement(item: Any) -> dict[str, Any]:
    return {
        "name": item.name,
        "met": item.met,
        "score": item.score,
        "needed": item.needed,
        "note": item.note,
        "depth": item.depth,
        "children": [_requirement(child) for child in item.children],
    }


def _checklist(checklist: Any) -> dict[str, Any]:
    return {
        "summary": checklist.summary,
        "met": checklist.met,
        "needed": checklist.needed,
        "total": checklist.total,
        "passed": checklist.passed,
        "requirements": [_requirement(item) for item in checklist.requirements],
    }


# --- reports --------------------------------------------------------------------------------


class ReportRowSerializer(serializers.Serializer):
    period = serializers.DateField(help_text="The period's first day (UTC; weeks start on Monday).")
    course_key = serializers.CharField(allow_null=True)
    definition = serializers.CharField()
    name = serializers.CharField()
    issued = serializers.IntegerField()
    revoked = serializers.IntegerField()

    def to_representation(self, row: Any) -> dict[str, Any]:
        return {
            "period": row.period.isoformat(),
            "course_key": row.course_key,
            "definition": row.definition,
            "name": row.name,
            "issued": row.issued,
            "revoked": row.revoked,
        }


class ReportSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "week", "month"])
    rows = ReportRowSerializer(many=True)


class ReportQuerySerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["day", "week", "month"], default="month")
    since = serializers.DateField(required=False)
    until = serializers.DateField(required=False)
    course_id = serializers.CharField(max_length=255, required=False)
    definition = serializers.SlugField(max_length=100, required=False)
