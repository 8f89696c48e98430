"""
Django admin for the plugin's models.

Signing keys are created by a management command, never typed in: their admin shows only public
data and offers no add form. Awards and evaluations are records of what happened and are
read-only here, except for the "Revoke selected awards" action.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_permission_codename
from django.core.exceptions import ValidationError
from django.db import models
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import definition_fields
from .backpacks.models import BackpackConnection, BackpackHost
from .models import (
    Award,
    CredentialDefinition,
    Evaluation,
    Issuer,
    OutboxMessage,
    PendingEvaluation,
    SigningKey,
    WalletCopy,
)
from .rules import limits


def pretty_json(value: Any) -> str:
    """``value`` (a JSON-able object or a JSON string) as indented HTML-escaped <pre> text."""
    if value in (None, "", {}, []):
        return "-"
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return format_html("<pre>{}</pre>", value)
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


def _formfield(db_field: models.Field, **kwargs: Any) -> forms.Field | None:
    if isinstance(db_field, models.URLField):
        # A plain text box: the model's checks (field_checks) say what is wrong with a URL
        # ("must be an http(s) URL, got ..."), which Django's "Enter a valid URL." does not.
        return forms.CharField(
            label=capfirst(db_field.verbose_name),
            max_length=db_field.max_length,
            required=not db_field.blank,
            help_text=db_field.help_text,
            widget=forms.URLInput(attrs={"size": 80}),
        )
    return db_field.formfield(**kwargs)


class MicrocredsModelAdmin(admin.ModelAdmin):
    def formfield_for_dbfield(self, db_field: models.Field, request: Any, **kwargs: Any) -> Any:
        if isinstance(db_field, models.URLField):
            return _formfield(db_field)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class PrettyJSONFormField(forms.JSONField):
    """A JSON form field that shows its value indented, and refuses text too large or nested
    too deeply to parse safely (say where, as the rule engine does) before parsing it."""

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not self.disabled:
            too_big = limits.text_problem(value)
            if too_big is not None:
                path, message = too_big
                raise ValidationError(f"{path}: {message}", code="invalid")
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        if isinstance(data, str) and limits.text_problem(data) is not None:
            return forms.fields.InvalidJSONInput(data)  # shown back as typed, never parsed
        return super().bound_data(data, initial)

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False, cls=self.encoder)


class ReadOnlyAdminMixin:
    """No adding, changing or deleting from the admin: a record to look at."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Issuer)
class IssuerAdmin(MicrocredsModelAdmin):
    list_display = ("name", "url", "did", "created")
    search_fields = ("name", "url", "did")
    readonly_fields = ("created", "modified")


@admin.register(SigningKey)
class SigningKeyAdmin(MicrocredsModelAdmin):
    """Public data only. ``encrypted_secret`` is not a field of any form or list here."""

    list_display = ("key_id", "issuer", "algorithm", "state", "created", "retired_at")
    list_filter = ("state", "algorithm", "issuer")
    search_fields = ("key_id", "public_key_multibase", "issuer__name")
    list_select_related = ("issuer",)
    fields = (
        "issuer",
        "key_id",
        "algorithm",
        "public_key_multibase",
        "state",
        "created",
        "retired_at",
    )
    readonly_fields = fields
    actions = ["retire_keys"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # keys are generated by a management command, never pasted in

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False  # credentials signed with a key must stay verifiable

    @admin.action(description=_("Retire selected keys (stop signing with them)"))
    def retire_keys(self, request: Any, queryset: Any) -> None:
        now = timezone.now()
        count = 0
        for key in queryset.filter(state=SigningKey.State.ACTIVE):
            key.retire(now)
            count += 1
        self.message_user(
            request, _("%(count)d key(s) retired.") % {"count": count}, messages.SUCCESS
        )


class CredentialDefinitionForm(forms.ModelForm):
    rule = PrettyJSONFormField(required=False, initial=dict)
    alignments = PrettyJSONFormField(required=False, initial=list)

    class Meta:
        model = CredentialDefinition
        formfield_callback = _formfield
        fields = definition_fields.NAMES

    def clean_rule(self) -> Any:
        rule = self.cleaned_data.get("rule")
        return {} if rule in (None, "") else rule

    def clean_alignments(self) -> Any:
        alignments = self.cleaned_data.get("alignments")
        return [] if alignments in (None, "") else alignments

    # Everything else (the rule through the rule engine, URLs, alignments, texts) is checked
    # by the model: CredentialDefinition.clean_fields and field_checks.py.


@admin.register(CredentialDefinition)
class CredentialDefinitionAdmin(MicrocredsModelAdmin):
    form = CredentialDefinitionForm
    list_display = ("name", "slug", "course_key", "issuer", "achievement_type", "state", "version")
    list_filter = ("state", "achievement_type", "issuer")
    search_fields = ("name", "slug", "course_key")
    list_select_related = ("issuer",)
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("uuid", "version", "revision", "created", "modified")
    actions = ["activate_definitions", "archive_definitions"]

    @admin.action(description=_("Activate selected definitions"), permissions=["change"])
    def activate_definitions(self, request: Any, queryset: Any) -> None:
        """Through the API: each is checked first (its rule against its course, an issuer with
        an active key); those that cannot award are reported with every problem."""
        self._change_state(request, queryset, activate=True)

    @admin.action(description=_("Archive selected definitions"), permissions=["change"])
    def archive_definitions(self, request: Any, queryset: Any) -> None:
        """Through the API: no new awards; credentials already issued stay valid."""
        self._change_state(request, queryset, activate=False)

    def _change_state(self, request: Any, queryset: Any, *, activate: bool) -> None:
        from . import api

        done = 0
        for definition in queryset.order_by("pk"):
            try:
                if activate:
                    api.activate_definition(definition, expected_tag=definition.edit_tag)
                else:
                    api.archive_definition(definition, expected_tag=definition.edit_tag)
            except api.InvalidInput as exc:
                problems = "; ".join(str(p) for p in api.errors_only(exc.problems))
                self.message_user(request, f"{definition.slug}: {problems}", messages.ERROR)
                continue
            except api.ApiError as exc:
                self.message_user(request, f"{definition.slug}: {exc.message}", messages.ERROR)
                continue
            done += 1
        if done:
            text = (
                _("%(count)d definition(s) activated.")
                if activate
                else _("%(count)d definition(s) archived.")
            )
            self.message_user(request, text % {"count": done}, messages.SUCCESS)

    fieldsets = (
        (None, {"fields": definition_fields.in_group(definition_fields.IDENTITY)}),
        (_("Achievement"), {"fields": definition_fields.in_group(definition_fields.ACHIEVEMENT)}),
        (_("Rule"), {"fields": definition_fields.in_group(definition_fields.RULE)}),
        (_("Record"), {"fields": ("uuid", "version", "revision", "created", "modified")}),
    )


CONFIRM_REVOCATION = "confirm_revocation"


class RevokeAwardsForm(forms.Form):
    """The reason asked for on the revocation confirmation page."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Required. Shown on the public page of each revoked credential."),
    )


@admin.register(Award)
class AwardAdmin(ReadOnlyAdminMixin, MicrocredsModelAdmin):
    list_display = ("uuid", "user", "definition", "state", "issued_at", "valid_until")
    list_filter = ("state", "definition")
    search_fields = ("uuid", "credential_id", "user__username", "definition__slug")
    list_select_related = ("user", "definition")
    date_hierarchy = "issued_at"
    fields = (
        "uuid",
        "user",
        "definition",
        "definition_version",
        "credential_id",
        "state",
        "issued_at",
        "valid_until",
        "revoked_at",
        "revoked_by",
        "revocation_reason",
        "triggering_event_id",
        "signed_credential",
        "evidence_snapshot",
    )
    readonly_fields = fields
    actions = ["revoke_awards", "reinstate_awards"]

    def has_revoke_permission(self, request: Any) -> bool:
        """Revoking changes an award: it takes the change permission (the records themselves
        stay read-only here)."""
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.action(description=_("Revoke selected awards"), permissions=["revoke"])
    def revoke_awards(self, request: Any, queryset: Any) -> TemplateResponse | None:
        """Ask for a reason on a confirmation page, then revoke each award through the API
        (idempotent: awards already revoked are reported, not changed)."""
        return self._change_awards(request, queryset, reinstating=False)

    @admin.action(
        description=_("Reinstate selected awards (undo a revocation)"), permissions=["revoke"]
    )
    def reinstate_awards(self, request: Any, queryset: Any) -> TemplateResponse | None:
        """Ask for a reason, then reinstate each revoked award through the API: the same
        credential is valid again; those that cannot be are reported with the reason."""
        return self._change_awards(request, queryset, reinstating=True)

    def _change_awards(
        self, request: Any, queryset: Any, *, reinstating: bool
    ) -> TemplateResponse | None:
        from . import api

        form = RevokeAwardsForm(request.POST if CONFIRM_REVOCATION in request.POST else None)
        if reinstating:
            form.fields["reason"].help_text = _("Required. Recorded with the reinstatement.")
        awards = list(queryset.select_related("user", "definition").order_by("pk"))
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "title": _("Reinstate awards") if reinstating else _("Revoke awards"),
                "reinstating": reinstating,
                "action_name": "reinstate_awards" if reinstating else "revoke_awards",
                "opts": self.opts,
                "form": form,
                "awards": awards,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "confirm_name": CONFIRM_REVOCATION,
                "media": self.media + form.media,
            }
            request.current_app = self.admin_site.name
            return TemplateResponse(request, "openedx_microcreds/admin_revoke_awards.html", context)
        reason = form.cleaned_data["reason"]
        change = api.reinstate_award if reinstating else api.revoke_award
        changed = 0
        for award in awards:
            try:
                result = change(award, reason=reason, by=request.user)
            except api.ApiError as exc:
                self.message_user(request, f"{award.uuid}: {exc.message}", messages.ERROR)
                continue
            if result.changed:
                changed += 1
            else:
                self.message_user(request, f"{award.uuid}: {result.message}", messages.WARNING)
        if changed:
            text = (
                ngettext("%(count)d award reinstated.", "%(count)d awards reinstated.", changed)
                if reinstating
                else ngettext("%(count)d award revoked.", "%(count)d awards revoked.", changed)
            )
            self.message_user(request, text % {"count": changed}, messages.SUCCESS)
        return None

    @admin.display(description=_("signed credential"))
    def signed_credential(self, obj: Award) -> str:
        return pretty_json(obj.credential_json)

    @admin.display(description=_("evidence snapshot"))
    def evidence_snapshot(self, obj: Award) -> str:
        return pretty_json(obj.evidence)


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdminMixin, MicrocredsModelAdmin):
    list_display = ("created", "user", "definition", "event_type", "outcome", "attempts")
    list_filter = ("outcome", "event_type")
    search_fields = ("uuid", "event_id", "course_key", "user__username", "definition__slug")
    list_select_related = ("user", "definition")
    date_hierarchy = "created"
    fields = (
        "uuid",
        "user",
        "definition",
        "award",
        "event_type",
        "event_id",
        "course_key",
        "outcome",
        "attempts",
        "created",
        "retried_at",
        "error",
        "explanation_pretty",
    )
    readonly_fields = fields

    @admin.display(description=_("explanation"))
    def explanation_pretty(self, obj: Evaluation) -> str:
        return pretty_json(obj.explanation)


@admin.register(PendingEvaluation)
class PendingEvaluationAdmin(ReadOnlyAdminMixin, MicrocredsModelAdmin):
    """Work recorded from events and awards: what is waiting, retrying, or gave up (failed)."""

    list_display = ("user_id", "kind", "scope", "state", "attempts", "due_at", "short_error")
    list_filter = ("state", "kind")
    search_fields = ("=user_id", "scope")
    date_hierarchy = "requested_at"
    fields = (
        "user_id",
        "kind",
        "scope",
        "state",
        "attempts",
        "requested_at",
        "due_at",
        "finished_at",
        "last_error",
        "trigger_pretty",
    )
    readonly_fields = fields
    actions = ["run_again"]

    def has_retry_permission(self, request: Any) -> bool:
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.display(description=_("last error"))
    def short_error(self, obj: PendingEvaluation) -> str:
        return (obj.last_error[:80] + "...") if len(obj.last_error) > 80 else obj.last_error

    @admin.display(description=_("trigger"))
    def trigger_pretty(self, obj: PendingEvaluation) -> str:
        return pretty_json(obj.trigger)

    @admin.action(description=_("Run selected work again now"), permissions=["retry"])
    def run_again(self, request: Any, queryset: Any) -> None:
        from . import pending, tasks

        keys = pending.mark_due([row.pk for row in queryset])
        for key in keys:
            tasks.wake(key, countdown=0)
        self.message_user(
            request,
            ngettext(
                "%(count)d piece of work queued again.",
                "%(count)d pieces of work queued again.",
                len(keys),
            )
            % {"count": len(keys)},
            messages.SUCCESS,
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdminMixin, MicrocredsModelAdmin):
    """Messages about awards (e-mails, wallet pushes): sent, waiting to retry, skipped (with
    the reason) or failed (with the error), and an action to send failed ones again."""

    list_display = (
        "pk",
        "event",
        "channel",
        "state",
        "award_link",
        "attempts",
        "created",
        "due_at",
        "sent_at",
        "short_error",
    )
    list_filter = ("state", "event", "channel")
    search_fields = ("=pk", "award__uuid", "award__user__username", "channel")
    list_select_related = ("award", "award__definition")
    date_hierarchy = "created"
    fields = (
        "award_link",
        "event",
        "channel",
        "state",
        "attempts",
        "created",
        "due_at",
        "claimed_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields
    actions = ["send_again"]

    def has_retry_permission(self, request: Any) -> bool:
        codename = get_permission_codename("change", self.opts)
        return request.user.has_perm(f"{self.opts.app_label}.{codename}")

    @admin.display(description=_("award"))
    def award_link(self, obj: OutboxMessage) -> str:
        from django.urls import reverse

        url = reverse("admin:openedx_microcreds_award_change", args=[obj.award_id])
        return format_html('<a href="{}">{} ({})</a>', url, obj.award.uuid, obj.award.definition)

    @admin.display(description=_("error or reason"))
    def short_error(self, obj: OutboxMessage) -> str:
        return (obj.last_error[:80] + "...") if len(obj.last_error) > 80 else obj.last_error

    @admin.action(description=_("Send selected messages again now"), permissions=["retry"])
    def send_again(self, request: Any, queryset: Any) -> None:
        from .delivery import outbox
        from .tasks import wake_delivery

        chosen = outbox.retry([row.pk for row in queryset])
        wake_delivery(chosen)
        left = queryset.count() - len(chosen)
        self.message_user(
            request,
            ngettext(
                "%(count)d message queued again.", "%(count)d messages queued again.", len(chosen)
            )
            % {"count": len(chosen)},
            messages.SUCCESS,
        )
        if left:
            self.message_user(
                request,
                ngettext(
                    "%(count)d message was sent or is being sent: left as it is.",
                    "%(count)d messages were sent or are being sent: left as they are.",
                    left,
                )
                % {"count": left},
                messages.WARNING,
            )


@admin.register(WalletCopy)
class WalletCopyAdmin(ReadOnlyAdminMixin, MicrocredsModelAdmin):
    list_display = ("credential_id", "award", "protocol", "holder_did", "delivered_at")
    list_filter = ("protocol",)
    search_fields = ("credential_id", "holder_did", "award__uuid", "award__user__username")
    list_select_related = ("award",)
    date_hierarchy = "delivered_at"
    fields = ("award", "protocol", "holder_did", "credential_id", "delivered_at", "signed_copy")
    readonly_fields = fields

    @admin.display(description="signed copy")
    def signed_copy(self, obj: WalletCopy) -> str:
        return pretty_json(obj.credential_json)


# --- Learners' backpacks (Open Badges 3.0 hosts): read-only, secrets never shown ---------


@admin.register(BackpackHost)
class BackpackHostAdmin(ReadOnlyAdminMixin, MicrocredsModelAdmin):
    list_display = ("name", "base_url", "client_id", "registered_at", "discovered_at")
    search_fields = ("name", "base_url", "client_id")
    fields = (
        "name",
        "base_url",
        "endpoints_shown",
        "discovered_at",
        "client_id",
        "client_secret_expires_at",
        "redirect_uri",
        "registered_at",
        "created",
    )
    readonly_fields = fields

    @admin.display(description="endpoints")
    def endpoints_shown(self, obj: BackpackHost) -> str:
        return pretty_json(obj.endpoints)


@admin.register(BackpackConnection)
class BackpackConnectionAdmin(ReadOnlyAdminMixin, MicrocredsModelAdmin):
    list_display = ("pk", "user", "host", "state", "connected_at", "problem")
    list_filter = ("state", "host")
    search_fields = ("=pk", "user__username", "host__base_url")
    list_select_related = ("user", "host")
    fields = (
        "user",
        "host",
        "state",
        "scope",
        "access_token_expires_at",
        "connected_at",
        "problem",
        "problem_at",
        "created",
    )
    readonly_fields = fields

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        # Operators may cut a connection (a learner's request, a compromised host).
        return request.user.has_perm("openedx_microcreds.delete_backpackconnection")
