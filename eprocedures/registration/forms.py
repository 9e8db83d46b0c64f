"""Forms of registration and activation that are not shared with other flows.

The step forms themselves (identifiers, contact details, legal person, secret
questions, terms) live in ``eprocedures.accounts.forms``; "Mes informations"
reuses them.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from eprocedures.accounts.forms import ETSForm, SetPasswordForm
from eprocedures.lib.formfields import PhoneField

# Further numbers given with "Ajouter un numéro de téléphone" (beyond the mobile).
MAX_OTHER_PHONES = 5
_ROW = re.compile(r"^other_phone_(\d+)_(?:region|number)$")

MESSAGES = {
    "registration_throttled": _(
        "Trop d'inscriptions ont été envoyées depuis votre connexion au cours de la dernière "
        "heure. Réessayez dans une heure ; vos réponses sont conservées."
    ),
    "resend_throttled": _(
        "Trop de demandes de lien ont été faites depuis votre connexion. Réessayez dans une heure."
    ),
}


class OtherPhonesForm(ETSForm):
    """The optional further numbers of step 2, one row per number."""

    def __init__(self, *args, rows: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        for index in range(1, min(rows, MAX_OTHER_PHONES) + 1):
            self.fields[f"other_phone_{index}"] = PhoneField(
                label=gettext("Autre numéro de téléphone %(number)s") % {"number": index},
                required=False,
            )

    @staticmethod
    def rows_in(data) -> int:
        """How many rows a submission carries (the page may have added some with JS)."""
        indexes = [int(m.group(1)) for key in data if (m := _ROW.match(key))]
        return min(max(indexes, default=0), MAX_OTHER_PHONES)

    def numbers(self) -> list:
        return [value for value in self.cleaned_data.values() if value]


class ActivationForm(SetPasswordForm):
    """The password chosen on the activation page."""

    password_label = _("Choisissez votre mot de passe")
    confirmation_label = _("Confirmez votre mot de passe")


class ResendForm(ETSForm):
    """Asking for a fresh activation link: the answer is the same for every address."""

    email = forms.EmailField(
        label=_("Adresse courriel"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, throttled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.throttled = throttled

    def clean(self):
        cleaned = super().clean()
        if self.throttled:
            raise ValidationError(MESSAGES["resend_throttled"], code="resend_throttled")
        return cleaned


def phone_row_template() -> ETSForm:
    """One empty row named with "__index__", which the page's script numbers when it adds a row."""
    form = ETSForm()
    form.fields["other_phone___index__"] = PhoneField(
        label=gettext("Autre numéro de téléphone %(number)s") % {"number": "__index__"},
        required=False,
    )
    return form
