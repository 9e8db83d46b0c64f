from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One security event: who, from where, what, and whether it succeeded."""

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("succès")
        FAILURE = "failure", _("échec")

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    event = models.CharField(_("événement"), max_length=60, db_index=True)
    outcome = models.CharField(_("résultat"), max_length=10, choices=Outcome.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    # The address as typed, kept for failures where no account matched.
    email = models.CharField(_("adresse saisie"), max_length=254, blank=True)
    ip = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)
    user_agent = models.CharField(_("navigateur"), max_length=300, blank=True)
    detail = models.JSONField(_("détail"), default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("événement de sécurité")
        verbose_name_plural = _("événements de sécurité")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event} {self.outcome}"
