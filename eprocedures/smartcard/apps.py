from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SmartcardConfig(AppConfig):
    name = "eprocedures.smartcard"
    verbose_name = _("Carte à puce")

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
