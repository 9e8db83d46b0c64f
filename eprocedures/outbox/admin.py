from django.contrib import admin, messages
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eprocedures.audit.services import record

from .models import OutgoingEmail
from .tasks import deliver_email


# Sending again changes the e-mail: the "change" permission, not only the right to see it.
@admin.action(description=_("Renvoyer les courriels abandonnés sélectionnés"),
              permissions=["change"])
def send_again(modeladmin, request, queryset):
    """E-mails given up on (an SMTP server refused them for too long) are queued anew."""
    done = 0
    for email in queryset.filter(status=OutgoingEmail.Status.FAILED):
        with transaction.atomic():
            updated = OutgoingEmail.objects.filter(
                pk=email.pk, status=OutgoingEmail.Status.FAILED,
            ).update(status=OutgoingEmail.Status.PENDING, attempts=0,
                     next_attempt_at=timezone.now(), created_at=timezone.now())
            if updated:
                deliver_email.enqueue(email.pk)
                record(request, "outbox.sent_again", user=request.user, to=email.to,
                       kind=email.kind, email_id=email.pk)
                done += updated
    modeladmin.message_user(request, ngettext(
        "%(count)d courriel remis en file d'envoi.", "%(count)d courriels remis en file d'envoi.",
        done,
    ) % {"count": done}, messages.SUCCESS)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject"]
    # The bodies carry live links (reset, activation, card codes): whoever may read this list
    # must not be able to take an account over with them. Subject, recipient and status only.
    exclude = ["body_text", "body_html"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields
                       if f.name not in ("body_text", "body_html")]
    actions = [send_again]

    def has_add_permission(self, request):
        return False
