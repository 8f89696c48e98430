"""
Database models: issuers and their signing keys, credential definitions, awards, evaluations.

"At most one active row" rules (one active signing key per issuer, one active award per learner
and definition) are enforced by the database so that two workers handling duplicate events at the
same time cannot both succeed. MySQL and MariaDB, which Open edX runs on, have no partial indexes
(Django silently skips a conditional ``UniqueConstraint`` there), so each of these models carries
an ``active_marker`` column: True while the row is active, NULL otherwise. A plain unique
constraint over ``(..., active_marker)`` then admits one active row and any number of inactive
ones on every database, because unique indexes treat NULLs as distinct. ``save()`` keeps the
marker in step with ``state``, and a check constraint rejects any write (a queryset ``update()``,
raw SQL) that lets them disagree.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import django
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import definition_fields, field_checks


def _check_constraint(condition: Q, name: str) -> models.CheckConstraint:
    # Django 5.1 renamed ``check=`` to ``condition=`` (the old name goes in 6.0); support 4.2 too.
    if django.VERSION >= (5, 1):
        return models.CheckConstraint(condition=condition, name=name)
    return models.CheckConstraint(check=condition, name=name)  # pragma: no cover


def _marker_matches_state(active_value: str) -> Q:
    """``active_marker`` is True exactly when ``state`` is active, NULL otherwise.

    Written without comparing NULLs so that it never evaluates to SQL UNKNOWN (which a CHECK
    constraint would let through).
    """
    return Q(state=active_value, active_marker__isnull=False, active_marker=True) | (
        ~Q(state=active_value) & Q(active_marker__isnull=True)
    )


def validate_course_key(value: str) -> None:
    """Accept course run and CCX keys (``course-v1:...``, ``ccx-v1:...``)."""
    from opaque_keys import InvalidKeyError
    from opaque_keys.edx.keys import CourseKey

    try:
        CourseKey.from_string(value)
    except InvalidKeyError:
        raise ValidationError(
            _("%(value)s is not a course key."), code="invalid", params={"value": value}
        ) from None


def new_credential_id() -> str:
    """A fresh ``urn:uuid:`` identifier for a credential document."""
    return uuid.uuid4().urn


class TimeStampedModel(models.Model):
    """``created`` and ``modified`` timestamps."""

    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


class Issuer(TimeStampedModel):
    """
    An organisation that issues credentials (the Open Badges issuer Profile).

    .. no_pii: Describes an organisation; its email is the organisation's public contact.
    """

    name = models.CharField(_("name"), max_length=255)
    url = models.URLField(_("URL"), max_length=500, help_text=_("The issuer's home page."))
    email = models.EmailField(_("contact email"), blank=True)
    image_url = models.URLField(_("image URL"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    did = models.CharField(
        _("DID"),
        max_length=255,
        blank=True,
        help_text=_("The issuer's decentralized identifier (did:web or did:key), once set up."),
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("issuer")
        verbose_name_plural = _("issuers")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Every credential copies these fields: never store one that issuing would refuse.
        _raise_field_errors(field_checks.issuer_problems(self), kwargs.get("update_fields"))
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Any = None) -> None:
        _clean_fields(self, super().clean_fields, field_checks.issuer_problems, exclude)


class SigningKey(models.Model):
    """
    An Ed25519 key an issuer signs credentials with. The private part is encrypted at rest
    (see :mod:`openedx_microcreds.secrets`) and never shown: not in ``str()``, not in the admin.
    Keys are created by a management command; retired keys stay so old credentials still verify.

    .. no_pii: Cryptographic key material of an issuer, no learner data.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        # Rotated out: no longer signs, still listed in the issuer's DID document so that what
        # it signed keeps verifying.
        ROTATED = "rotated", _("rotated (verifies, does not sign)")
        # Retired: removed from the DID document; credentials it signed no longer verify.
        RETIRED = "retired", _("retired")

    class Algorithm(models.TextChoices):
        ED25519 = "Ed25519", "Ed25519"

    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="signing_keys", verbose_name=_("issuer")
    )
    key_id = models.CharField(
        _("key id"),
        max_length=255,
        help_text=_("The verification method id, e.g. did:key:z6Mk...#z6Mk..."),
    )
    public_key_multibase = models.CharField(_("public key (multibase)"), max_length=128)
    encrypted_secret = models.TextField(editable=False)
    algorithm = models.CharField(
        _("algorithm"), max_length=32, choices=Algorithm.choices, default=Algorithm.ED25519
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ACTIVE)
    active_marker = models.BooleanField(null=True, default=True, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["issuer", "-created", "pk"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "key_id"], name="microcreds_signingkey_unique_key_id"
            ),
            models.UniqueConstraint(
                fields=["issuer", "active_marker"], name="microcreds_signingkey_one_active"
            ),
            _check_constraint(
                _marker_matches_state("active"), "microcreds_signingkey_marker_matches_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({self.get_state_display()})"

    def __repr__(self) -> str:
        return f"<SigningKey {self.pk}: {self.key_id} {self.state}>"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.active_marker = True if self.state == self.State.ACTIVE else None
        if self.state == self.State.RETIRED and self.retired_at is None:
            self.retired_at = timezone.now()
        _add_update_fields(kwargs, "active_marker", "retired_at")
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    def store_secret(self, secret: str) -> None:
        """Encrypt ``secret`` (the private key, as the signing core serialises it) into this row.
        Call ``save()`` afterwards."""
        from .secrets import encrypt_text

        self.encrypted_secret = encrypt_text(secret)

    def decrypt_secret(self) -> str:
        """The private key in clear. Keep it in memory only as long as signing needs it."""
        from .secrets import decrypt_text

        if not self.encrypted_secret:
            raise ValueError(f"signing key {self.key_id} has no stored secret")
        return decrypt_text(self.encrypted_secret)

    def retire(self, when: Any = None) -> None:
        """Withdraw this key: it stops signing and leaves the issuer's DID document, so what it
        signed no longer verifies. To stop signing but keep verifying, rotate instead."""
        self.state = self.State.RETIRED
        self.retired_at = when or timezone.now()
        self.save(update_fields=["state", "retired_at", "active_marker"])


class CredentialDefinition(TimeStampedModel):
    """
    What a credential says and when it is earned: the achievement plus its awarding rule.

    ``version`` goes up by one whenever the rule or anything that ends up in the credential
    changes (see :data:`CONTENT_FIELDS`); each award records the version it was issued under.
    ``course_key`` is None for a cross-course pathway.

    .. no_pii: Authored course content.
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        ARCHIVED = "archived", _("archived")

    class AchievementType(models.TextChoices):
        """A subset of the Open Badges 3.0 achievementType vocabulary."""

        ACHIEVEMENT = "Achievement", _("Achievement")
        ASSESSMENT = "Assessment", _("Assessment")
        ASSIGNMENT = "Assignment", _("Assignment")
        AWARD = "Award", _("Award")
        BADGE = "Badge", _("Badge")
        CERTIFICATE = "Certificate", _("Certificate")
        CERTIFICATE_OF_COMPLETION = "CertificateOfCompletion", _("Certificate of completion")
        CERTIFICATION = "Certification", _("Certification")
        CO_CURRICULAR = "CoCurricular", _("Co-curricular")
        COMMUNITY_SERVICE = "CommunityService", _("Community service")
        COMPETENCY = "Competency", _("Competency")
        COURSE = "Course", _("Course")
        FIELDWORK = "Fieldwork", _("Fieldwork")
        LEARNING_PROGRAM = "LearningProgram", _("Learning program")
        LICENSE = "License", _("License")
        MEMBERSHIP = "Membership", _("Membership")
        MICRO_CREDENTIAL = "MicroCredential", _("Micro-credential")

    #: Fields whose change bumps ``version`` (from the one list of editable fields).
    CONTENT_FIELDS = definition_fields.CONTENT_ATTNAMES

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="definitions", verbose_name=_("issuer")
    )
    course_key = models.CharField(  # noqa: DJ001 - NULL means "a pathway, no course"
        _("course key"),
        max_length=255,
        null=True,
        blank=True,
        db_index=True,
        validators=[validate_course_key],
        help_text=_("The course run this credential belongs to; empty for a pathway."),
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    criteria_narrative = models.TextField(
        _("criteria"),
        blank=True,
        help_text=_("Markdown. Generated from the rule when left empty."),
    )
    image_url = models.URLField(_("image URL"), max_length=500, blank=True)
    achievement_type = models.CharField(
        _("achievement type"),
        max_length=64,
        choices=AchievementType.choices,
        default=AchievementType.BADGE,
    )
    validity_days = models.PositiveIntegerField(
        _("valid for (days)"),
        null=True,
        blank=True,
        help_text=_("Credentials expire this many days after issuance; empty: never."),
    )
    alignments = models.JSONField(
        _("alignments"),
        default=list,
        blank=True,
        help_text=_("Open Badges alignment objects (targetName, targetUrl, ...)."),
    )
    rule = models.JSONField(_("rule"), default=dict, blank=True)
    revoke_on_certificate_revoked = models.BooleanField(
        _("revoke when the course certificate is revoked"),
        default=False,
        help_text=_(
            "Revoke learners' awards automatically when the LMS revokes their certificate."
        ),
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Every saved edit counts, content or not: with the version, the tag an editor must name to
    # change the definition (optimistic concurrency: a stale edit is refused, never merged).
    revision = models.PositiveIntegerField(_("revision"), default=1, editable=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.DRAFT, db_index=True
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("credential definition")
        verbose_name_plural = _("credential definitions")
        indexes = [
            models.Index(fields=["course_key", "state"], name="microcreds_def_course_state"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.course_key:
            self.course_key = None  # one spelling of "no course": NULL
        # Every credential copies these fields: never store one that issuing would refuse.
        _raise_field_errors(field_checks.definition_problems(self), kwargs.get("update_fields"))
        # Compare with the stored row at save time: definitions are loaded on every event and
        # saved rarely, so the cost belongs here rather than in every load.
        current = None if self._state.adding else self._content_fingerprint()
        if self.pk is not None and not self._state.adding:
            # None: partly loaded, no content edited; the edit still counts as a revision.
            read = (
                ("revision",) if current is None else (*self.CONTENT_FIELDS, "version", "revision")
            )
            stored = type(self).objects.filter(pk=self.pk).values(*read).first()
            if stored is not None:
                self.revision = stored["revision"] + 1
                _add_update_fields(kwargs, "revision")
                if current is not None and current != _fingerprint(stored):
                    self.version = stored["version"] + 1
                    _add_update_fields(kwargs, "version")
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Any = None) -> None:
        _clean_fields(self, super().clean_fields, field_checks.definition_problems, exclude)

    def _content_fingerprint(self) -> str | None:
        deferred = self.get_deferred_fields()  # attnames, e.g. "issuer_id"
        if deferred.intersection(self.CONTENT_FIELDS):
            return None
        return _fingerprint({name: getattr(self, name) for name in self.CONTENT_FIELDS})

    @property
    def is_pathway(self) -> bool:
        return not self.course_key

    @property
    def edit_tag(self) -> str:
        """The version and the revision ("3.7"): what an edit names to say which state of the
        definition it was made on (the REST API's ETag)."""
        return f"{self.version}.{self.revision}"


class StatusList(models.Model):
    """
    A Bitstring Status List (revocation) of one issuer: one bit per credential, at least
    131,072 entries. A full list is closed and the next one opened (``sequence`` + 1).

    ``bits`` holds the raw bitstring; ``allocated`` counts indexes handed out, so the list
    knows when it is full without scanning awards. The signed list credential is cached in
    ``signed_json`` and re-signed only when a bit changes (``bits_version`` > ``signed_version``).

    .. no_pii:
    """

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    issuer = models.ForeignKey(
        Issuer, on_delete=models.PROTECT, related_name="status_lists", verbose_name=_("issuer")
    )
    purpose = models.CharField(_("status purpose"), max_length=16, default="revocation")
    sequence = models.PositiveIntegerField(_("sequence"), default=1)
    size = models.PositiveIntegerField(_("entries"), default=131_072)
    allocated = models.PositiveIntegerField(_("allocated entries"), default=0)
    bits = models.BinaryField(_("bits"), default=b"", editable=False)
    bits_version = models.PositiveIntegerField(default=1, editable=False)
    signed_json = models.TextField(blank=True, default="", editable=False)
    signed_version = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "purpose", "sequence"], name="microcreds_status_list_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.purpose} list #{self.sequence} ({self.allocated}/{self.size})"

    @property
    def is_full(self) -> bool:
        return self.allocated >= self.size


def _fingerprint(values: dict[str, Any]) -> str:
    """Key order inside the rule JSON does not count as a change."""
    content = {name: values[name] for name in CredentialDefinition.CONTENT_FIELDS}
    return json.dumps(content, sort_keys=True, default=str)


class AwardQuerySet(models.QuerySet):
    def active(self) -> AwardQuerySet:
        return self.filter(state=Award.State.ACTIVE)


class Award(models.Model):
    """
    A credential issued to a learner: the signed document and its life cycle.

    ``uuid`` is the public, unguessable id used in URLs. At most one active award per learner
    and definition (see the module docstring): concurrent duplicate events yield one credential.
    ``credential_json`` keeps the signed document byte for byte, as issued; MySQL's JSON type
    would reorder keys and renormalise numbers.

    Retirement (not written yet): a learner's retirement must revoke their awards and blank
    ``credential_json`` and ``evidence``; deleting the user deletes the rows.

    .. pii: The learner (user FK), the signed credential (names the learner, may carry a salted
       email hash), the evidence snapshot (grades) and the revoking user.
    .. pii_types: id, name, other
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        REVOKED = "revoked", _("revoked")
        EXPIRED = "expired", _("expired")
        SUPERSEDED = "superseded", _("superseded")

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="microcreds_awards",
        verbose_name=_("learner"),
    )
    definition = models.ForeignKey(
        CredentialDefinition,
        on_delete=models.PROTECT,
        related_name="awards",
        verbose_name=_("definition"),
    )
    definition_version = models.PositiveIntegerField(_("definition version"))
    credential_id = models.CharField(
        _("credential id"), max_length=255, unique=True, default=new_credential_id
    )
    credential_json = models.TextField(_("signed credential"), blank=True, default="")
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    active_marker = models.BooleanField(null=True, default=True, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now, db_index=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revocation_reason = models.TextField(_("revocation reason"), blank=True)
    signing_key = models.ForeignKey(
        SigningKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("signing key"),
    )
    status_list = models.ForeignKey(
        StatusList,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
        verbose_name=_("status list"),
    )
    status_index = models.PositiveIntegerField(_("status list index"), null=True, blank=True)
    triggering_event_id = models.CharField(_("triggering event id"), max_length=255, blank=True)
    evidence = models.JSONField(
        _("evidence snapshot"),
        default=dict,
        blank=True,
        help_text=_("What the rule saw when it was met (grades, scores, other awards)."),
    )
    modified = models.DateTimeField(_("modified"), auto_now=True)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "definition", "active_marker"],
                name="microcreds_award_one_active",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="microcreds_award_status_index"
            ),
            _check_constraint(
                _marker_matches_state("active"), "microcreds_award_marker_matches_state"
            ),
        ]
        indexes = [
            models.Index(fields=["definition", "state"], name="microcreds_award_def_state"),
            models.Index(fields=["user", "state"], name="microcreds_award_user_state"),
        ]

    def __str__(self) -> str:
        return f"{self.definition_id}/{self.user_id} {self.uuid} ({self.state})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.active_marker = True if self.state == self.State.ACTIVE else None
        _add_update_fields(kwargs, "active_marker")
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def credential(self) -> dict[str, Any] | None:
        """The signed credential as a dict (None until issued)."""
        return json.loads(self.credential_json) if self.credential_json else None

    @credential.setter
    def credential(self, document: dict[str, Any] | str | None) -> None:
        if document is None:
            self.credential_json = ""
        elif isinstance(document, str):
            json.loads(document)  # must be JSON
            self.credential_json = document
        else:
            self.credential_json = json.dumps(document, ensure_ascii=False, separators=(",", ":"))


class Evaluation(models.Model):
    """
    One evaluation of a rule for a learner, triggered by an event, a backfill or a retry: the
    audit trail of why a credential was (or was not) awarded. Failed evaluations are retried
    (``attempts``, ``retried_at``) until they succeed.

    Retirement (not written yet): a learner's retirement must delete their evaluations.

    .. pii: The learner (user FK); the explanation holds the learner's grades and scores.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    class Outcome(models.TextChoices):
        AWARDED = "awarded", _("awarded")
        NOT_MET = "not_met", _("criteria not met")
        ALREADY_HELD = "already_held", _("already held")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="microcreds_evaluations",
        verbose_name=_("learner"),
    )
    # The user id as the event gave it: kept when no such user exists, so the event is not lost.
    event_user_id = models.CharField(_("user id in the event"), max_length=64, blank=True)
    definition = models.ForeignKey(
        CredentialDefinition,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("definition"),
    )
    award = models.ForeignKey(
        Award,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("award"),
    )
    event_id = models.CharField(_("event id"), max_length=255, blank=True, db_index=True)
    event_type = models.CharField(_("event type"), max_length=255, blank=True)
    course_key = models.CharField(_("course key"), max_length=255, blank=True, default="")
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    retried_at = models.DateTimeField(_("last retried at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        indexes = [
            # ``--retry-failed``: failed evaluations, oldest first.
            models.Index(fields=["outcome", "created"], name="microcreds_eval_outcome"),
            models.Index(fields=["user", "definition", "created"], name="microcreds_eval_user_def"),
            models.Index(fields=["course_key", "created"], name="microcreds_eval_course"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type or 'evaluation'} user={self.user_id} -> {self.outcome}"


def _clean_fields(instance: Any, django_checks: Any, our_checks: Any, exclude: Any) -> None:
    """Django's field validation, then ours (field_checks), for the fields not excluded (a form
    leaves out those it already found wrong). Where both object, ours says more ("must be an
    http(s) URL, got ..." rather than "Enter a valid URL.") and replaces Django's."""
    errors: dict[str, Any] = {}
    try:
        django_checks(exclude=exclude)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    excluded = set(exclude or ())
    for name, messages in our_checks(instance).items():
        if name not in excluded:
            errors[name] = [
                ValidationError(message, code="invalid_content") for message in messages
            ]
    if errors:
        raise ValidationError(errors)


def _raise_field_errors(errors: dict[str, list[str]], fields: Any = None) -> None:
    """A ValidationError for ``errors`` (field name -> messages), limited to ``fields`` when a
    save writes only those."""
    if fields is not None:
        errors = {name: messages for name, messages in errors.items() if name in set(fields)}
    if errors:
        raise ValidationError(
            {
                name: [ValidationError(message, code="invalid_content") for message in messages]
                for name, messages in errors.items()
            }
        )


def _add_update_fields(kwargs: dict[str, Any], *names: str) -> None:
    """When save() was given ``update_fields``, make sure fields we change are in it."""
    update_fields = kwargs.get("update_fields")
    if update_fields is not None:
        kwargs["update_fields"] = list(dict.fromkeys([*update_fields, *names]))


class PendingEvaluation(models.Model):
    """
    Durable record of work to do for one learner: the Celery message is only a wake-up.

    Receivers write (upsert) one row per (learner, kind, scope) in the same transaction as the
    LMS's own change, so an event that committed is never lost, whatever happens to the broker
    or the worker afterwards; repeated events for the same scope update the same row, which is
    how grade-recompute floods coalesce. ``token`` changes on every upsert: the task that
    evaluated the row marks it done only if the token is still the one it read, so a change that
    arrived during the evaluation keeps the row pending. A periodic sweep re-queues rows left
    pending past ``due_at`` (a lost message, a killed worker, a database outage).

    ``scope`` is the course key (or CCX key) of a grade event, or ``credential:<slug>`` for a
    stacking follow-up after an award; ``kind`` says what to do with it.

    Retirement: a learner's retirement must delete their rows (the user id and the trigger).

    .. pii: The learner's user id, inside the trigger as well.
    .. pii_types: id
    .. pii_retirement: local_api
    """

    class Kind(models.TextChoices):
        EVALUATE = "evaluate", _("evaluate the learner's credentials")
        CERTIFICATE_REVOKED = "certificate_revoked", _("revoke for a revoked certificate")

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        FAILED = "failed", _("failed (gave up retrying)")

    user_id = models.BigIntegerField(_("user id"))
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    scope = models.CharField(_("scope"), max_length=255)
    trigger = models.JSONField(_("trigger"), default=dict)
    token = models.BigIntegerField(_("request token"), default=0, editable=False)
    state = models.CharField(_("state"), max_length=16, choices=State.choices)
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    requested_at = models.DateTimeField(_("last requested at"), default=timezone.now)
    due_at = models.DateTimeField(
        _("due at"),
        default=timezone.now,
        help_text=_("When the work should run; the sweep re-queues rows left pending past it."),
    )
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failed_evaluations = models.JSONField(
        _("failed evaluations"),
        default=list,
        blank=True,
        help_text=_("Failed Evaluation rows of this work, updated in place when it is retried."),
    )

    class Meta:
        verbose_name = _("pending evaluation")
        verbose_name_plural = _("pending evaluations")
        ordering = ["due_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user_id", "kind", "scope"], name="microcreds_pending_one_per_scope"
            ),
        ]
        indexes = [
            # The sweep: pending rows past due, oldest first.
            models.Index(fields=["state", "due_at"], name="microcreds_pending_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} user={self.user_id} {self.scope} ({self.state})"


class OutboxMessage(models.Model):
    """
    One message to send about one award event through one channel (an e-mail to the learner, a
    push to one of their wallets): written in the transaction of the award change, sent by a
    Celery task, retried with backoff, and sent once.

    ``channel`` names the channel and its target (``email``, ``ob3:<connection id>``...); one row
    per (award, event, channel). A sender first *claims* the row (pending -> sending, with a new
    ``claim_token``): a second task for the same row finds nothing to claim, so a task that runs
    twice never sends twice. A claim whose worker died is given back after a lease, so a crash
    between sending and recording it may send once more (at least once, never lost).

    .. pii: The award it concerns (and so the learner), and the error a channel reported.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    class Event(models.TextChoices):
        ISSUED = "issued", _("issued")
        RENEWED = "renewed", _("renewed")
        EXPIRED = "expired", _("expired")
        REVOKED = "revoked", _("revoked")
        REINSTATED = "reinstated", _("reinstated")
        # Sent to a backpack the learner just connected (every credential they hold).
        CONNECTED = "connected", _("backpack connected")

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed (gave up retrying)")
        SKIPPED = "skipped", _("skipped (nothing to send)")

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="outbox", verbose_name=_("award")
    )
    event = models.CharField(_("event"), max_length=16, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=64)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim_token = models.BigIntegerField(default=0, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "event", "channel"], name="microcreds_outbox_once"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="microcreds_outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.event} of award {self.award_id} via {self.channel} ({self.state})"


class LearnerPreference(models.Model):
    """
    A learner's own choices about the plugin: for now, whether they get e-mails about their
    credentials. No row means the defaults (e-mails on).

    Kept by the plugin rather than in the platform's user preferences: the e-mail channel reads
    it in the worker that sends, in the outbox's own database, the same way on every Open edX
    release and in the sandbox, and the learner's page writes it with one form.

    Retirement: a learner's retirement must delete their row.

    .. pii: The learner (user FK) and their notification choice.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="microcreds_preference",
        verbose_name=_("learner"),
    )
    email_notifications = models.BooleanField(
        _("e-mails about my credentials"),
        default=True,
        help_text=_(
            "E-mail the learner when a credential is issued, renewed, expires or is revoked."
        ),
    )
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        verbose_name = _("learner preference")
        verbose_name_plural = _("learner preferences")

    def __str__(self) -> str:
        state = "on" if self.email_notifications else "off"
        return f"user={self.user_id} e-mails {state}"


# --- Wallet claims (openedx_microcreds/wallets/): what they leave in the database -------------
# Offers (a capability and its state) and the copies they delivered (the audit of which DID
# received which credential, and when). Nothing secret is stored in clear: an offer holds the
# SHA-256 of each code it hands out (the offer's URL, the pre-authorized code, the access
# token), never the code itself.


class WalletProtocolName(models.TextChoices):
    LCW = "lcw", _("Learner Credential Wallet (VC-API exchange)")
    OID4VCI = "oid4vci", _("OpenID for Verifiable Credential Issuance")


class WalletExchange(models.Model):
    """
    One offer of an award to a wallet and the exchange that redeems it: single use, expiring,
    open to whoever holds its code.

    ``code_hash`` is the hash of the code in the offer's URL (the LCW exchange, the OpenID4VCI
    credential offer). OpenID4VCI derives a pre-authorized code from it (``grant_hash``), which
    the token endpoint trades once for an access token (``token_hash``), which the credential
    endpoint spends once. State moves forward only, each step by a conditional UPDATE, so two
    requests racing for the same step cannot both win.

    .. pii: The award it offers (and so the learner).
    .. pii_types: id
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        OFFERED = "offered", _("offered")
        TOKEN_ISSUED = "token_issued", _("access token issued")
        CLAIMED = "claimed", _("claimed")
        WITHDRAWN = "withdrawn", _("withdrawn (too many wrong transaction codes)")

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="wallet_exchanges", verbose_name=_("award")
    )
    protocol = models.CharField(_("protocol"), max_length=16, choices=WalletProtocolName.choices)
    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    # NULL until the protocol sets them: unique among those set (NULLs are distinct).
    grant_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    token_hash = models.CharField(  # noqa: DJ001
        max_length=64, unique=True, null=True, editable=False
    )
    token_expires_at = models.DateTimeField(_("access token expires at"), null=True, blank=True)
    # Keyed hash of the transaction code (six digits are too few for a plain hash).
    tx_code_hash = models.CharField(max_length=64, blank=True, editable=False)
    tx_code_failures = models.PositiveSmallIntegerField(_("wrong transaction codes"), default=0)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.OFFERED
    )
    created = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wallet exchange")
        verbose_name_plural = _("wallet exchanges")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["award", "protocol", "state"], name="microcreds_wexchange_award"),
        ]

    def __str__(self) -> str:
        return f"{self.protocol} offer of award {self.award_id} ({self.state})"


class WalletCopy(models.Model):
    """
    A copy of an award re-issued to the DID a wallet proved control of: same achievement,
    results, evidence and status entry (revoking the award revokes it), a new credential id,
    ``credentialSubject.id`` = ``holder_did``.

    .. pii: The learner's wallet DID (a pseudonymous identifier) and the signed copy, which holds
       their results.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="wallet_copies", verbose_name=_("award")
    )
    exchange = models.OneToOneField(
        WalletExchange,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copy",
        verbose_name=_("exchange"),
    )
    protocol = models.CharField(_("protocol"), max_length=16, choices=WalletProtocolName.choices)
    holder_did = models.TextField(_("holder DID"))
    credential_id = models.CharField(_("credential id"), max_length=255, unique=True)
    credential_json = models.TextField(_("signed credential"))
    signing_key = models.ForeignKey(
        SigningKey,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signing key"),
    )
    delivered_at = models.DateTimeField(_("delivered at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("wallet copy")
        verbose_name_plural = _("wallet copies")
        ordering = ["delivered_at", "pk"]

    def __str__(self) -> str:
        return f"{self.protocol} copy of award {self.award_id} ({self.credential_id})"


class SpentWalletNonce(models.Model):
    """
    A ``c_nonce`` a key proof has used: each nonce counts once. Nonces themselves are not stored
    when handed out (they carry their own issue time, authenticated); only spent ones are, until
    they would have expired anyway.

    .. no_pii: A hash of a random server value.
    """

    nonce_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("spent wallet nonce")
        verbose_name_plural = _("spent wallet nonces")

    def __str__(self) -> str:
        return f"nonce spent until {self.expires_at:%Y-%m-%d %H:%M}"


class AwardStatusChange(models.Model):
    """
    One revocation or reinstatement of an award: who, when, why. The award keeps only its
    current state; this is the history (an award may be revoked, reinstated, revoked again).

    Retirement: a learner's retirement must delete their awards' rows (the reason may name them).

    .. pii: The award (and so the learner), the staff member who acted, the reason given.
    .. pii_types: id, other
    .. pii_retirement: local_api
    """

    class Action(models.TextChoices):
        REVOKED = "revoked", _("revoked")
        REINSTATED = "reinstated", _("reinstated")

    award = models.ForeignKey(
        Award, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("award")
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.TextField(_("reason"))
    at = models.DateTimeField(_("at"), default=timezone.now)
    # The definition's version when it happened (a reinstated credential stays as issued).
    definition_version = models.PositiveIntegerField(_("definition version then"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("award status change")
        verbose_name_plural = _("award status changes")

    def __str__(self) -> str:
        return f"{self.action} award {self.award_id} at {self.at:%Y-%m-%d %H:%M}"


class DryRunJob(models.Model):
    """
    A dry run of a definition's rule (saved, or an unsaved draft of it) over a course's enrolled
    learners: who would get the credential and why, nothing awarded. Small courses run in the
    request; large ones in a Celery task that reports its progress here.

    .. pii: The author who asked (user FK); its results name learners (DryRunResult).
    .. pii_types: id
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    course_key = models.CharField(_("course key"), max_length=255, db_index=True)
    definition = models.ForeignKey(
        CredentialDefinition,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dry_runs",
        verbose_name=_("definition"),
    )
    # The rule tried, as given (a draft not saved yet), and the definition fields it needs.
    rule = models.JSONField(_("rule"), default=dict, blank=True)
    draft = models.JSONField(_("draft definition"), default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("learners"), default=0)
    processed = models.PositiveIntegerField(_("learners processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # A worker that dies mid-run leaves the job "running": the sweep restarts a job whose
    # heartbeat is older than MICROCREDS_PENDING_STALE_SECONDS. Each start takes the next
    # attempt number, and a worker writes only while the job is still at its attempt, so a
    # worker that was only slow stops at its next batch instead of writing twice.
    attempt = models.PositiveSmallIntegerField(_("runs started"), default=0)
    heartbeat_at = models.DateTimeField(_("last progress"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("dry run")
        verbose_name_plural = _("dry runs")

    def __str__(self) -> str:
        return f"dry run {self.uuid} of {self.course_key} ({self.state})"


class DryRunResult(models.Model):
    """
    One learner's line in a dry run: what they would get and why.

    .. pii: The learner (id and username) and their grades in the explanation.
    .. pii_types: id, username, other
    .. pii_retirement: local_api
    """

    job = models.ForeignKey(
        DryRunJob, on_delete=models.CASCADE, related_name="results", verbose_name=_("dry run")
    )
    user_id = models.BigIntegerField(_("user id"))
    username = models.CharField(_("username"), max_length=255)
    outcome = models.CharField(_("outcome"), max_length=16)
    reason = models.TextField(_("reason"), blank=True)
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)

    class Meta:
        ordering = ["job", "pk"]
        verbose_name = _("dry run result")
        verbose_name_plural = _("dry run results")
        indexes = [models.Index(fields=["job", "outcome"], name="microcreds_dryrun_outcome")]

    def __str__(self) -> str:
        return f"{self.username}: {self.outcome}"


# Learners' backpacks (Open Badges 3.0 hosts) live in their own module, which imports nothing
# of the app; Django finds models through this one.
from .backpacks.models import BackpackConnection, BackpackHost  # noqa: E402, F401
