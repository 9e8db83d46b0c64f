"""Forms of card enrolment: re-entering the password, and the activation code."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eprocedures.accounts.forms import ETSForm
from eprocedures.lib.throttle import Throttle

MESSAGES = {
    "wrong_password": _("Mot de passe incorrect."),
    "throttled": _("Trop de tentatives. Réessayez dans quelques minutes."),
}

# Guessing the password of a signed-in session: a few tries per quarter of an hour.
REAUTH_THROTTLE = Throttle("smartcard-reauth", limit=5, window=900)


class ConfirmPasswordForm(ETSForm):
    """Asked before adding a card when the sign-in is older than ETS_SMARTCARD_REAUTH_MINUTES."""

    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        key = str(self.user.pk)
        if REAUTH_THROTTLE.is_limited(key):
            raise ValidationError(MESSAGES["throttled"], code="throttled")
        if not self.user.check_password(password):
            REAUTH_THROTTLE.hit(key)
            raise ValidationError(MESSAGES["wrong_password"], code="wrong_password")
        REAUTH_THROTTLE.reset(key)
        return password


class ActivationCodeForm(ETSForm):
    code = forms.CharField(
        label=_("Code d'activation"),
        max_length=40,
        widget=forms.TextInput(attrs={
            "autocomplete": "one-time-code", "autocapitalize": "characters", "spellcheck": "false",
        }),
    )
