from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "eprocedures.accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from . import sessions  # noqa: F401  (connects the session-tracking receiver)
