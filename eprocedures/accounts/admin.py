"""The support desk's view of accounts: find, see the state and recent events, act."""

from django.contrib import admin
from django.db import transaction

from eprocedures.audit.services import record
from eprocedures.myinfo import emails as notices
from eprocedures.signin import support

from .forms import ContactDetailsForm, LegalPersonForm
from .models import AdditionalPhone, User


class AdditionalPhoneInline(admin.TabularInline):
    model = AdditionalPhone
    extra = 0


# Fields of "Mes coordonnées": a change of one made by the support desk is notified.
CONTACT_DETAILS = {*ContactDetailsForm.Meta.fields, *LegalPersonForm.Meta.fields}

@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "last_name", "first_name", "state", "date_joined",
                    "last_login", "failed_login_count"]
    list_filter = [support.StateFilter, "is_staff", "is_attorney", "is_legal_person"]
    search_fields = ["email", "last_name", "first_name", "legal_name", "siren"]
    ordering = ["-date_joined"]
    actions = [support.unblock, support.resend_activation]
    inlines = [AdditionalPhoneInline]
    # The address is the owner's identifier: it changes through the owner's confirmed link
    # ("Mes informations"), never silently from here (the reset e-mails would follow it).
    readonly_fields = ["email", "state", "date_joined", "activated_at", "last_login",
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

    # Every change and deletion made here is in the portal's audit log, with the staff member.
    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            record(request, "account.changed_by_support", user=obj, email=obj.email,
                   staff=request.user.email, fields=sorted(form.changed_data))
            # The owner is told of a change of their identifiers or details, whoever made it
            # (ASVS 2.2.3), as when they make it themselves from "Mes informations".
            if change and "mobile_phone" in form.changed_data:
                notices.send_mobile_changed(obj)
            if change and set(form.changed_data) & CONTACT_DETAILS:
                notices.send_contact_changed(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed = [f.model._meta.model_name for f in formsets if f.has_changed()]
        if changed:
            record(request, "account.changed_by_support", user=form.instance,
                   email=form.instance.email, staff=request.user.email, related=changed)

    def delete_model(self, request, obj):
        with transaction.atomic():
            record(request, "account.deleted_by_support", user=None, email=obj.email,
                   staff=request.user.email, account_id=obj.pk)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            self.delete_model(request, user)
