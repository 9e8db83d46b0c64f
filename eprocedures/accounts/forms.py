"""Forms shared by every flow that edits an account.

Registration (steps 1 to 4/5), "Mes informations" and the forgotten-password
page all use these classes, so that a rule is written once.
"""

import re

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField
from stdnum.fr import siren as stdnum_siren

from eprocedures.addressbook.validators import reject_control_characters
from eprocedures.lib.formfields import PhoneField, YesNoField

from .models import Civility, User
from .normalize import normalize_email
from .questions import SECRET_QUESTIONS

STREET_TYPES = [
    ("", "—"),
    ("allée", _("Allée")),
    ("avenue", _("Avenue")),
    ("boulevard", _("Boulevard")),
    ("chemin", _("Chemin")),
    ("cours", _("Cours")),
    ("impasse", _("Impasse")),
    ("lieu-dit", _("Lieu-dit")),
    ("passage", _("Passage")),
    ("place", _("Place")),
    ("quai", _("Quai")),
    ("route", _("Route")),
    ("rue", _("Rue")),
    ("square", _("Square")),
]

MESSAGES = {
    "street_number": _(
        "Le n° de voie ne contient que des chiffres. Si votre numéro comporte « bis », « ter », "
        "une lettre…, laissez ce champ vide et écrivez l'adresse complète dans « Libellé de voie »."
    ),
    "postal_code_fr": _("Un code postal français comporte 5 chiffres."),
    "siren": _("Ce numéro SIREN n'est pas valide (9 chiffres, clé de contrôle comprise)."),
    "registration_number": _("Indiquez le numéro d'immatriculation de la personne morale."),
    "same_question": _("Choisissez deux questions différentes."),
    "password_mismatch": _("Les deux mots de passe ne sont pas identiques."),
    "terms_refused": _(
        "Vous devez valider les conditions générales d'utilisation pour créer votre compte."
    ),
}


def mark_required_selects(form) -> None:
    """Django leaves ``required`` off a list whose first choice is not empty ("France"):
    a required list says so to assistive technology with aria-required (WCAG 1.3.1)."""
    for field in form.fields.values():
        if field.required and isinstance(field.widget, forms.Select):
            field.widget.attrs.setdefault("aria-required", "true")


class ETSForm(forms.Form):
    """Labels exactly as written (no trailing colon)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        mark_required_selects(self)


class ETSModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        mark_required_selects(self)


class IdentifiersForm(ETSForm):
    """Registration step 1: "Mes identifiants"."""

    email = forms.EmailField(
        label=_("Adresse courriel"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    mobile_phone = PhoneField(label=_("Numéro de téléphone mobile"), mobile=True)

    def clean_email(self):
        # Uniqueness is deliberately not checked here: saying "already registered"
        # would tell anyone which addresses have an account.
        email = normalize_email(self.cleaned_data["email"])
        if not email.rpartition("@")[2].isascii():
            # A domain IDNA 2008 refuses (an invisible joiner, a symbol): mail software
            # would deliver it to another spelling, so it could open a second account for
            # one mailbox, or never be delivered at all.
            raise ValidationError(EmailValidator.message, code="invalid")
        return email


def _one_line(value: str) -> None:
    if "\x00" not in value:  # a NUL has Django's own message already
        reject_control_characters(value)


def one_line_text(form) -> None:
    """Every text field of the form is one line of printable text (names reach e-mails)."""
    for field in form.fields.values():
        if (isinstance(field, forms.CharField) and not isinstance(field, forms.EmailField)
                and _one_line not in field.validators):
            field.validators.append(_one_line)


class ContactDetailsForm(ETSModelForm):
    """Registration step 2 "Mes informations", and "Modifier" on "Mes coordonnées"."""

    country = LazyTypedChoiceField(label=_("Pays"), choices=countries)
    street_type = forms.ChoiceField(label=_("Type de voie"), choices=STREET_TYPES, required=False)
    # Not marked * in the specification ("Vous pouvez également… préciser"): "Non" unless told.
    is_attorney = YesNoField(label=_("Etes-vous un mandataire habilité (CPI, avocat, L422-5...)?"),
                             required=False, initial=False)
    is_legal_person = YesNoField(label=_("Agissez-vous en tant que personne morale?"),
                                 required=False, initial=False)

    class Meta:
        model = User
        fields = [
            "civility", "last_name", "first_name", "country", "street_number", "street_type",
            "street_name", "address_complement", "po_box", "postal_code", "city",
            "is_attorney", "is_legal_person",
        ]
        labels = {
            "civility": _("Civilité"),
            "last_name": _("Nom"),
            "first_name": _("Prénom"),
            "street_number": _("N° de voie"),
            "street_name": _("Libellé de voie"),
            "address_complement": _("Complément d'adresse"),
            "po_box": _("Boîte postale"),
            "postal_code": _("Code postal"),
            "city": _("Ville"),
        }
        widgets = {
            "civility": forms.Select(attrs={"autocomplete": "honorific-prefix"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "street_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            "street_name": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_complement": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "postal_code": forms.TextInput(attrs={"autocomplete": "postal-code"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["civility"].choices = [("", "—"), *Civility.choices]
        # The country names in this request's language, sorted in it (given to the class,
        # the list would keep the language of the first request the process served).
        self.fields["country"].choices = list(countries)
        self.fields["country"].initial = "FR"
        self.fields["country"].widget.attrs["autocomplete"] = "country"
        one_line_text(self)

    def clean_street_number(self):
        value = self.cleaned_data["street_number"].strip()
        if value and not (value.isdigit() and value.isascii()):
            raise ValidationError(MESSAGES["street_number"], code="street_number")
        return value

    def clean(self):
        cleaned = super().clean()
        postal = (cleaned.get("postal_code") or "").strip()
        if cleaned.get("country") == "FR" and postal and not re.fullmatch(r"[0-9]{5}", postal):
            self.add_error("postal_code", ValidationError(
                MESSAGES["postal_code_fr"], code="postal_code_fr"))
        return cleaned


class LegalPersonForm(ETSModelForm):
    """The extra step of a legal person: "Ma personne morale"."""

    # Longer than 9 on the form so that "732 829 320" (with spaces) reaches clean_siren.
    siren = forms.CharField(label=_("N° SIREN"), max_length=20,
                            widget=forms.TextInput(attrs={"inputmode": "numeric"}))

    class Meta:
        model = User
        fields = ["legal_name", "legal_form", "siren", "registration_number"]
        labels = {
            "legal_name": _("Dénomination"),
            "legal_form": _("Forme juridique"),
            "registration_number": _("N° d'immatriculation"),
        }

    def __init__(self, *args, country="FR", **kwargs):
        super().__init__(*args, **kwargs)
        one_line_text(self)
        self.country = country
        self.fields["legal_name"].required = True
        self.fields["legal_form"].required = True
        self.fields["legal_name"].widget.attrs["autocomplete"] = "organization"
        # France: the SIREN; elsewhere: the registration number of that country.
        if country == "FR":
            del self.fields["registration_number"]
        else:
            del self.fields["siren"]
            self.fields["registration_number"].required = True

    def clean_siren(self):
        value = stdnum_siren.compact(self.cleaned_data["siren"])
        if not stdnum_siren.is_valid(value):
            raise ValidationError(MESSAGES["siren"], code="siren")
        return value


class SecretQuestionsForm(ETSForm):
    """Registration step "Mes questions secrètes"."""

    question_1 = forms.ChoiceField(label=_("Question 1"), choices=SECRET_QUESTIONS)
    answer_1 = forms.CharField(label=_("Réponse 1"), max_length=100,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))
    question_2 = forms.ChoiceField(label=_("Question 2"), choices=SECRET_QUESTIONS,
                                   initial=SECRET_QUESTIONS[1][0])
    answer_2 = forms.CharField(label=_("Réponse 2"), max_length=100,
                               widget=forms.TextInput(attrs={"autocomplete": "off"}))

    def clean(self):
        cleaned = super().clean()
        q1, q2 = cleaned.get("question_1"), cleaned.get("question_2")
        if q1 and q2 and q1 == q2:
            self.add_error("question_2", ValidationError(
                MESSAGES["same_question"], code="same_question"))
        return cleaned


class TermsForm(ETSForm):
    """The last registration step: the terms of use must be accepted."""

    accept_terms = YesNoField(label=_("J'ai pris connaissance et je valide les CGU"))

    def clean_accept_terms(self):
        if self.cleaned_data["accept_terms"] is not True:
            raise ValidationError(MESSAGES["terms_refused"], code="terms_refused")
        return True


RULES_ID = "password-rules-list"  # the <ul> of the rules on every new-password page


class _RulesBoundField(forms.BoundField):
    @property
    def aria_describedby(self):
        # The rules, then Django's own help text and error: read when the field is reached.
        return " ".join(filter(None, [RULES_ID, super().aria_describedby]))


class NewPasswordField(forms.CharField):
    """The new password: described by the page's list of rules (WCAG 1.3.1, 3.3.2)."""

    def get_bound_field(self, form, field_name):
        return _RulesBoundField(form, self, field_name)


class SetPasswordForm(ETSForm):
    """A new password and its confirmation, checked by every validator for this user.

    Activation, forgotten password and password change subclass it to set the
    labels of their page.
    """

    password_label = _("Choisissez votre mot de passe")
    confirmation_label = _("Confirmez votre mot de passe")

    # The rules cap length at 32; a far larger input is refused before hashing.
    password1 = NewPasswordField(
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        strip=False,
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["password1"].label = self.password_label
        self.fields["password2"].label = self.confirmation_label
        self.fields["password1"].help_text = _(
            "Les règles sont indiquées ci-dessus."
        )

    def clean_password1(self):
        password = self.cleaned_data["password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 is not None and p1 != p2:
            self.add_error("password2", ValidationError(
                MESSAGES["password_mismatch"], code="password_mismatch"))
        return cleaned
