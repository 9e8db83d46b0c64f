from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprocedures.accounts.models import new_nonce


class PendingEmailChange(models.Model):
    """An address change asked for and not yet confirmed from the new mailbox.

    One per account: a new request replaces the previous one (new nonce), which
    kills the link sent before; following the link deletes the row, which makes
    the link single-use.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pending_email_change"
    )
    new_email = models.EmailField(_("nouvelle adresse courriel"), max_length=254)
    nonce = models.CharField(max_length=32, default=new_nonce, editable=False)
    created_at = models.DateTimeField(_("demandé le"), default=timezone.now)

    class Meta:
        verbose_name = _("changement d'adresse courriel en attente")
        verbose_name_plural = _("changements d'adresse courriel en attente")

    def __str__(self):
        return f"{self.user_id} → {self.new_email}"
