from django.contrib import admin

from . import flows
from .models import Smartcard


@admin.register(Smartcard)
class SmartcardAdmin(admin.ModelAdmin):
    """The support desk sees and may remove enrolled cards; it never adds one."""

    list_display = ["holder", "user", "not_after", "created_at", "last_used_at"]
    search_fields = ["user__email", "holder", "subject", "serial", "fingerprint"]
    readonly_fields = [f.name for f in Smartcard._meta.fields]
    raw_id_fields = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # Removed as the owner removes one: audited and e-mailed to the owner (flows.remove_card).
    def delete_model(self, request, obj):
        flows.remove_card(request, obj, by_support=True)

    def delete_queryset(self, request, queryset):
        for card in queryset.select_related("user"):
            flows.remove_card(request, card, by_support=True)
