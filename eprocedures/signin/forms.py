"""Forms of sign-in and forgotten password: validation of what was typed only.

Whether the credentials are right is the flow's business (flows.sign_in), so that
the form never touches the database and every outcome goes through one place.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eprocedures.accounts.forms import ETSForm, SetPasswordForm
from eprocedures.accounts.normalize import normalize_email

MESSAGES = {
    # One message for an unknown address and a wrong password: nothing tells them apart.
    "invalid": _("Adresse courriel ou mot de passe incorrect."),
    "blocked": _("Votre compte est bloqué (nombre de tentatives maximal atteint)"),
    "inactive": _(
        "Votre compte n'est pas encore activé : cliquez sur le lien du courriel d'activation "
        "que vous avez reçu, ou demandez-en un nouveau."
    ),
}


class LoginForm(ETSForm):
    """"Email/Mot de passe" tab: "Adresse courriel", "Mot de passe", "Rester identifié"."""

    # A CharField, not an EmailField: a malformed address gets the same answer as an
    # unknown one, so the form says nothing about which addresses exist.
    email = forms.CharField(
        label=_("Adresse courriel"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        max_length=1024,  # refused before any hashing; the rules cap passwords at 32
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    remember = forms.BooleanField(label=_("Rester identifié"), required=False)

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def reject(self, code: str) -> None:
        """Show the flow's refusal ("invalid", "blocked", "inactive") above the form."""
        self.add_error(None, ValidationError(MESSAGES[code], code=code))

    @classmethod
    def refused(cls, code: str, remember: bool, typed: str) -> "LoginForm":
        """The form as re-displayed after a refusal, with ``typed`` as the address."""
        # The password is never re-displayed; a placeholder keeps the form valid.
        data = {"email": typed, "password": "-"}
        if remember:
            data["remember"] = "on"
        form = cls(data)
        form.is_valid()
        form.reject(code)
        return form


class ResetRequestForm(ETSForm):
    """"Mot de passe oublié": the address to send the link to."""

    email = forms.CharField(
        label=_("Courriel"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])


class ResetPasswordForm(SetPasswordForm):
    """The page "Mot de passe oublié" reached from the e-mailed link."""

    password_label = _("Créer votre mot de passe")
    confirmation_label = _("Confirmez votre mot de passe")
