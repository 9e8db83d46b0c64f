from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AddressbookConfig(AppConfig):
    name = "eprocedures.addressbook"
    verbose_name = _("Carnet d'adresses")
