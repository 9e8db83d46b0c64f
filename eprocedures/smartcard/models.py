import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_link_id() -> str:
    return secrets.token_urlsafe(24)


class Smartcard(models.Model):
    """A certificate enrolled on an account: presenting it signs that account in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="smartcards",
        verbose_name=_("compte"),
    )
    # One certificate, one account: the unique fingerprint refuses a second enrolment.
    fingerprint = models.CharField(_("empreinte SHA-256"), max_length=64, unique=True)
    subject = models.CharField(_("sujet"), max_length=500)
    holder = models.CharField(_("titulaire"), max_length=200)
    issuer = models.CharField(_("émetteur"), max_length=500)
    serial = models.CharField(_("numéro de série"), max_length=80)
    not_before = models.DateTimeField(_("valide à partir du"))
    not_after = models.DateTimeField(_("valide jusqu'au"))
    created_at = models.DateTimeField(_("enregistrée le"), default=timezone.now)
    last_used_at = models.DateTimeField(_("dernière connexion"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("carte à puce")
        verbose_name_plural = _("cartes à puce")

    def __str__(self):
        return f"{self.holder} ({self.not_after:%Y-%m-%d})"


class Enrolment(models.Model):
    """A request to add a card: the e-mailed link and code that let one certificate in.

    The code is kept only as a keyed hash; it dies when used, when too many wrong
    codes were typed, when it expires, or when a newer request replaces it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="smartcard_enrolments",
    )
    link_id = models.CharField(max_length=40, unique=True, default=new_link_id, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("demande d'ajout de carte à puce")
        verbose_name_plural = _("demandes d'ajout de carte à puce")

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
