"""The support desk's view of accounts: find, see the state and recent events, act."""

from django.contrib import admin

from eprocedures.signin import support

from .models import AdditionalPhone, User


class AdditionalPhoneInline(admin.TabularInline):
    model = AdditionalPhone
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "last_name", "first_name", "state", "date_joined",
                    "last_login", "failed_login_count"]
    list_filter = [support.StateFilter, "is_staff", "is_attorney", "is_legal_person"]
    search_fields = ["email", "last_name", "first_name", "legal_name", "siren"]
    ordering = ["-date_joined"]
    actions = [support.unblock, support.resend_activation]
    inlines = [AdditionalPhoneInline]
    readonly_fields = ["state", "date_joined", "activated_at", "last_login",
                       "failed_login_count", "blocked_at", "recent_events"]
    fieldsets = [
        (None, {"fields": ["email", "state", "failed_login_count", "blocked_at",
                           "date_joined", "activated_at", "last_login"]}),
        (None, {"fields": ["mobile_phone", "civility", "last_name", "first_name", "country",
                         "street_number", "street_type", "street_name", "address_complement",
                         "po_box", "postal_code", "city", "is_attorney", "is_legal_person",
                         "legal_name", "legal_form", "siren", "registration_number",
                         "language"]}),
        (None, {"fields": ["is_active", "is_staff", "is_superuser", "groups",
                         "user_permissions"]}),
        (None, {"fields": ["recent_events"]}),
    ]
    filter_horizontal = ["groups", "user_permissions"]

    @admin.display(description=support.STATE_TITLE)
    def state(self, user):
        return user.state_label

    @admin.display(description=support.EVENTS_TITLE)
    def recent_events(self, user):
        return support.recent_events(user)

    def has_add_permission(self, request):
        # Accounts are created by their owners through registration.
        return False
