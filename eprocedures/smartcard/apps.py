from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmartcardConfig(AppConfig):
    name = "eprocedures.smartcard"
    verbose_name = _("Carte à puce")
