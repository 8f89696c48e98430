"""Backpack hosts and learners' connections in the Django admin: read-only records, with no
secret shown (client secrets and tokens are encrypted and never listed)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin

from ..admin import MicrocredsModelAdmin, ReadOnlyAdminMixin, pretty_json
from .models import BackpackConnection, BackpackHost


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
