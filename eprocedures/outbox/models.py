from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingEmail(models.Model):
    """An e-mail written in the same transaction as the change that caused it.

    The worker (django-tasks' database backend) sends it and retries with
    back-off while the SMTP server is unreachable, so none is lost.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        SENT = "sent", _("envoyé")
        FAILED = "failed", _("abandonné")

    kind = models.CharField(_("type"), max_length=60)
    to = models.EmailField(_("destinataire"))
    subject = models.CharField(_("objet"), max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("courriel sortant")
        verbose_name_plural = _("courriels sortants")

    def __str__(self):
        return f"{self.kind} → {self.to}"
