from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "eprocedures.core"
    verbose_name = _("Portail : mise en page, aide, santé")

    def ready(self):
        from django.contrib import admin

        from . import checks  # noqa: F401  (registers the system checks)

        admin.site.site_header = _("Support de l'espace transactionnel sécurisé")
        admin.site.site_title = _("Support")
