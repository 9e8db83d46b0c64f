"""The contact form, used by the add and edit pages and, row by row, by the import."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField
from stdnum.fr import siren as stdnum_siren

from eprocedures.accounts.forms import MESSAGES as ACCOUNT_MESSAGES
from eprocedures.accounts.forms import ContactDetailsForm, ETSForm
from eprocedures.accounts.normalize import normalize_email
from eprocedures.lib.formfields import PhoneField

from .models import CONTACT_FIELDS, COUNTRY_CODES, Contact, Kind
from .phones import E164Number

MESSAGES = {
    "duplicate": _("Ce contact existe déjà dans votre carnet d'adresses."),
    "no_file": _("Choisissez le fichier CSV à importer."),
}

# Fields a contact of each kind must fill in (the others of its kind stay optional).
REQUIRED_BY_KIND = {
    Kind.NATURAL: ("civility", "last_name", "first_name"),
    Kind.LEGAL: ("legal_name", "legal_form"),
}
# Fields of the other kind are emptied: a contact is one or the other.
FIELDS_OF_KIND = {
    Kind.NATURAL: ("civility", "last_name", "first_name"),
    Kind.LEGAL: ("legal_name", "legal_form", "siren", "registration_number"),
}


def _stored(number):
    """What the model stores for a cleaned phone: "" when none (the columns are NOT NULL).

    PhoneField gives None or a number parse_phone has accepted (``if number`` would
    format it, hence validate it again, only to test that it is not empty).
    """
    return "" if number is None else E164Number.validated(number)


class CountryCodeField(LazyTypedChoiceField):
    """The countries list of registration, checked by a set lookup.

    Django's ChoiceField compares the value with each of the 250 choices in turn;
    the import checks thousands of contacts at once. Same choices, same rule.
    """

    def valid_value(self, value):
        return value in COUNTRY_CODES


class ContactForm(ContactDetailsForm):
    """A contact of the address book.

    It extends the registration form "Mes informations" so that the address rules
    (digits-only street number, five-digit French postal code, countries list) are
    the very same; the two registration questions are dropped and the legal-person
    fields, e-mail and phones added.
    """

    is_attorney = None
    is_legal_person = None
    kind = forms.ChoiceField(label=_("Type de contact"), choices=Kind.choices,
                             widget=forms.RadioSelect, initial=Kind.NATURAL)
    # Longer than 9 so that "732 829 320" (with spaces) reaches clean_siren.
    siren = forms.CharField(label=_("N° SIREN"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    country = CountryCodeField(label=ContactDetailsForm.base_fields["country"].label,
                               choices=countries)
    phone = PhoneField(label=_("Téléphone"), required=False)
    mobile_phone = PhoneField(label=_("Téléphone mobile"), mobile=True, required=False)

    class Meta(ContactDetailsForm.Meta):
        model = Contact
        fields = CONTACT_FIELDS
        labels = {
            **ContactDetailsForm.Meta.labels,
            "legal_name": _("Dénomination"),
            "legal_form": _("Forme juridique"),
            "registration_number": _("N° d'immatriculation"),
            "email": _("Adresse courriel"),
        }
        # No autocomplete tokens: the browser would offer the user's own details.
        widgets = {
            "street_number": forms.TextInput(attrs={"inputmode": "numeric"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, owner, check_duplicates=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner = owner
        self.check_duplicates = check_duplicates
        for name in REQUIRED_BY_KIND.get(self.selected_kind, ()):
            self.fields[name].required = True
        # Each kind's group of fields is shown for that kind: its mandatory fields are
        # marked (* and aria-required) whichever kind is chosen now, so that choosing the
        # other one does not show unmarked mandatory fields.
        for names in REQUIRED_BY_KIND.values():
            for name in names:
                self.fields[name].required_when_shown = True
                self.fields[name].widget.attrs["aria-required"] = "true"
        # A contact's numbers, not the user's own: no autocomplete from the browser.
        for name in ("phone", "mobile_phone"):
            for widget in self.fields[name].widget.widgets:
                widget.attrs["autocomplete"] = "off"

    @classmethod
    def for_rows(cls, owner):
        """A function making this form for each row of an import, bound to its data.

        The rules are those of the add page, unchanged. Only the building is
        shared: Django deep-copies a form's fields for each instance (with their
        lists of 250 countries and dial codes, some milliseconds each), so one form
        is built per contact kind and each row gets a shallow copy of it with its
        own data, errors and Contact. The import compares identity keys itself.
        """
        prototypes = {}

        def make(data):
            kind = data.get("kind", "")
            if kind not in prototypes:
                prototypes[kind] = cls({"kind": kind}, owner=owner, check_duplicates=False)
            form = copy.copy(prototypes[kind])
            form.data = data
            form.instance = Contact(owner=owner)
            form._errors = None
            form._bound_fields_cache = {}
            return form

        return make

    @property
    def selected_kind(self) -> str:
        """The kind being filled in: the one posted, else the contact's."""
        if self.is_bound:
            return self.data.get(self.add_prefix("kind"), "")
        return self.instance.kind if self.instance.pk else Kind.NATURAL

    def clean_email(self):
        return normalize_email(self.cleaned_data["email"])

    def clean_phone(self):
        return _stored(self.cleaned_data["phone"])

    def clean_mobile_phone(self):
        return _stored(self.cleaned_data["mobile_phone"])

    def clean_siren(self):
        if self.selected_kind != Kind.LEGAL:
            return ""
        value = stdnum_siren.compact(self.cleaned_data["siren"])
        if value and not stdnum_siren.is_valid(value):
            raise ValidationError(ACCOUNT_MESSAGES["siren"], code="siren")
        return value

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        for other, names in FIELDS_OF_KIND.items():
            if kind and other != kind:
                for name in names:
                    cleaned[name] = ""
                    self.errors.pop(name, None)
        return cleaned

    def validate_unique(self):
        if not self.check_duplicates:
            # The import compares identity keys itself, in one query. The model has no
            # other unique field or constraint to check (Django would only build a
            # queryset per row to find the constraint's fields excluded).
            return
        super().validate_unique()
        self.instance.refresh_derived()
        twins = Contact.objects.filter(owner=self.instance.owner,
                                       identity_key=self.instance.identity_key)
        if self.instance.pk:
            twins = twins.exclude(pk=self.instance.pk)
        if twins.exists():
            self.add_error(None, ValidationError(MESSAGES["duplicate"], code="duplicate"))


    def save_unless_duplicate(self) -> Contact | None:
        """Save; a twin saved meanwhile (a double click) is refused like any duplicate.

        validate_unique() looked before: the database's unique constraint on the identity
        decides between two requests that both looked before either saved.
        """
        try:
            with transaction.atomic():
                return self.save()
        except IntegrityError:
            self.add_error(None, ValidationError(MESSAGES["duplicate"], code="duplicate"))
            return None


class ImportForm(ETSForm):
    """"Importer": the CSV file of the address book."""

    file = forms.FileField(
        label=_("Fichier CSV à importer"),
        error_messages={"required": MESSAGES["no_file"]},
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        # Unique ids: this form also sits in the "Mes informations" page.
        kwargs.setdefault("auto_id", "addressbook-import-%s")
        super().__init__(*args, **kwargs)
