"""Forms of card enrolment: re-entering the password, and the activation code."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eprocedures.accounts.forms import ETSForm
from eprocedures.myinfo.flows import Verdict, verify

MESSAGES = {
    "wrong_password": _("Mot de passe incorrect."),
    "throttled": _("Trop de tentatives. Réessayez dans quelques minutes."),
}

class ConfirmPasswordForm(ETSForm):
    """Asked before adding a card when the sign-in is older than ETS_SMARTCARD_REAUTH_MINUTES.

    Counted, audited and limited with the other checks of the current password on
    "Mes informations" (myinfo.flows.verify): one budget per account and per address.
    """

    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, request, *args, **kwargs):
        self.user, self.request = user, request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        verdict = verify(self.request, self.user, "password",
                         lambda: self.user.check_password(password))
        if verdict is Verdict.THROTTLED:
            raise ValidationError(MESSAGES["throttled"], code="throttled")
        if verdict is Verdict.WRONG:
            raise ValidationError(MESSAGES["wrong_password"], code="wrong_password")
        return password


class ActivationCodeForm(ETSForm):
    code = forms.CharField(
        label=_("Code d'activation"),
        max_length=40,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false",
        }),
    )
