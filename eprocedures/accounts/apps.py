from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "eprocedures.accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import sessions  # connects the session-tracking receiver

        # last_login: ours instead of Django's, so that a flow that already wrote it (in
        # the UPDATE it makes anyway) is not followed by a second UPDATE.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(sessions.record_last_login, dispatch_uid="ets_last_login")
