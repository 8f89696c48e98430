"""The wallet copies in the admin: which DID received which copy of an award, when, how.
Read-only: a record for support and audit. Offers are not shown (they hold nothing but hashes)."""

from __future__ import annotations

from django.contrib import admin

from ..admin import MicrocredsModelAdmin, ReadOnlyAdminMixin, pretty_json
from .models import WalletCopy


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
