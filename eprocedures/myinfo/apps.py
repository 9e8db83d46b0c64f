from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MyinfoConfig(AppConfig):
    name = "eprocedures.myinfo"
    verbose_name = _("Mes informations")
