"""What the support desk (/admin/) shows and does about sign-in.

The account admin (accounts/admin.py) uses these, so that the desk's words live
with the sign-in flows they act on.
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from eprocedures.audit.models import AuditEvent

from . import flows

RECENT_EVENTS = 20
STATE_TITLE = _("état")
EVENTS_TITLE = _("événements récents")


class StateFilter(admin.SimpleListFilter):
    title = STATE_TITLE
    parameter_name = "etat"

    def lookups(self, request, model_admin):
        return [
            ("attente", _("en attente d'activation")),
            ("actif", _("actif")),
            ("bloque", _("bloqué")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "attente":
            return queryset.filter(activated_at__isnull=True)
        if self.value() == "actif":
            return queryset.filter(activated_at__isnull=False, blocked_at__isnull=True)
        if self.value() == "bloque":
            return queryset.filter(blocked_at__isnull=False)
        return queryset


def recent_events(user):
    """The account's latest audit events, and a link to all of them."""
    if user.pk is None:
        return "—"
    events = AuditEvent.objects.filter(user=user)[:RECENT_EVENTS]
    rows = format_html_join(
        "", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (f"{e.created_at:%Y-%m-%d %H:%M:%S}", e.event, e.get_outcome_display(),
             e.ip or "", e.detail.get("reason", ""))
            for e in events
        ),
    )
    link = reverse("admin:audit_auditevent_changelist") + f"?user__id__exact={user.pk}"
    return format_html(
        '<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
        '<tbody>{}</tbody></table><p><a href="{}">{}</a></p>',
        _("date"), _("événement"), _("résultat"), _("adresse IP"), _("motif"),
        rows, link, _("Tous les événements de ce compte"),
    )


# Changing an account takes the "change" permission, not only the right to see the list.
@admin.action(description=_("Débloquer les comptes sélectionnés"), permissions=["change"])
def unblock(modeladmin, request, queryset):
    done = 0
    for user in queryset.filter(blocked_at__isnull=False):
        flows.unblock(request, user)
        done += 1
    modeladmin.message_user(request, ngettext(
        "%(count)d compte débloqué.", "%(count)d comptes débloqués.", done
    ) % {"count": done}, messages.SUCCESS)


@admin.action(description=_("Renvoyer le lien d'activation"), permissions=["change"])
def resend_activation(modeladmin, request, queryset):
    done = sum(1 for user in queryset if flows.resend_activation(request, user))
    skipped = queryset.count() - done
    modeladmin.message_user(request, ngettext(
        "Lien d'activation renvoyé à %(count)d compte.",
        "Lien d'activation renvoyé à %(count)d comptes.", done,
    ) % {"count": done}, messages.SUCCESS)
    if skipped:
        modeladmin.message_user(request, ngettext(
            "%(count)d compte déjà activé n'a rien reçu.",
            "%(count)d comptes déjà activés n'ont rien reçu.", skipped,
        ) % {"count": skipped}, messages.WARNING)
