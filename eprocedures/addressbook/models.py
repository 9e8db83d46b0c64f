"""The address book: contacts that later fill e-procedure forms.

A contact belongs to one account and is either a natural person (civility,
name, first name) or a legal person (dénomination, forme juridique, SIREN),
with the address fields of registration, an e-mail address and two phones.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from eprocedures.accounts.models import Civility
from eprocedures.accounts.normalize import fold

from .validators import reject_control_characters

# One line of printable text (see validators.py); TEXT for the optional ones.
LINE = {"validators": [reject_control_characters]}
TEXT = {"blank": True, **LINE}


class Kind(models.TextChoices):
    NATURAL = "physique", _("Personne physique")
    LEGAL = "morale", _("Personne morale")


COUNTRY_CODES = frozenset(code for code, _name in countries)

# The fields that make a contact what it is, in the order of the CSV columns.
CONTACT_FIELDS = [
    "kind", "civility", "last_name", "first_name", "legal_name", "legal_form", "siren",
    "registration_number", "country", "street_number", "street_type", "street_name",
    "address_complement", "po_box", "postal_code", "city", "email", "phone", "mobile_phone",
]


IDENTITY_FIELDS = frozenset({"owner", "identity_key"})


def country_code_of(contact) -> str:
    """The country code as stored, without building django-countries' Country object."""
    return str(contact.__dict__.get("country") or "")


def _fold(value: str) -> str:
    """accounts.normalize.fold, with a shortcut for ASCII text (no accents to remove)."""
    if value.isascii():
        return " ".join(value.lower().split())
    return fold(value)


def identity_key_of(contact) -> str:
    """The rule for "identical contacts": every field equal once normalised.

    Text is compared without case, accents and runs of spaces (accounts.normalize.fold),
    the country by its code, phones in E.164. Two contacts with the same key are the
    same contact: the unique constraint refuses the second one, and an import skips it.
    """
    parts = []
    for name in CONTACT_FIELDS:
        value = country_code_of(contact) if name == "country" else getattr(contact, name)
        parts.append(_fold(str(value)) if value else "")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class Contact(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contacts",
        verbose_name=_("titulaire du carnet"),
    )
    kind = models.CharField(_("type de contact"), max_length=8, choices=Kind.choices,
                            default=Kind.NATURAL)
    civility = models.CharField(_("civilité"), max_length=3, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, **TEXT)
    first_name = models.CharField(_("prénom"), max_length=100, **TEXT)
    legal_name = models.CharField(_("dénomination"), max_length=200, **TEXT)
    legal_form = models.CharField(_("forme juridique"), max_length=100, **TEXT)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True)
    registration_number = models.CharField(_("numéro d'immatriculation"), max_length=50,
                                           **TEXT)
    country = CountryField(_("pays"), default="FR")
    street_number = models.CharField(_("n° de voie"), max_length=10, **TEXT)
    street_type = models.CharField(_("type de voie"), max_length=40, **TEXT)
    street_name = models.CharField(_("libellé de voie"), max_length=200, **LINE)
    address_complement = models.CharField(_("complément d'adresse"), max_length=200, **TEXT)
    po_box = models.CharField(_("boîte postale"), max_length=50, **TEXT)
    postal_code = models.CharField(_("code postal"), max_length=20, **LINE)
    city = models.CharField(_("ville"), max_length=100, **LINE)
    email = models.EmailField(_("adresse courriel"), max_length=254, blank=True)
    phone = PhoneNumberField(_("téléphone"), blank=True)
    mobile_phone = PhoneNumberField(_("téléphone mobile"), blank=True)

    # Derived from the fields above by refresh_derived(): sorting, search, duplicates.
    sort_name = models.CharField(max_length=200, editable=False, default="")
    search_text = models.TextField(editable=False, default="")
    identity_key = models.CharField(max_length=64, editable=False, default="")

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["sort_name", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["owner", "sort_name", "id"], name="addressbook_owner_sort"),
        ]
        constraints = [
            # The rule that keeps an import from duplicating a contact (see identity_key_of()).
            models.UniqueConstraint(fields=["owner", "identity_key"],
                                    name="addressbook_contact_identity"),
        ]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        # A known country code is checked by a set lookup rather than Django's scan of
        # 250 choices: the import validates thousands of contacts at once.
        exclude = set(exclude or ())
        if country_code_of(self) in COUNTRY_CODES:
            exclude.add("country")
        super().clean_fields(exclude=exclude)

    def validate_constraints(self, exclude=None):
        # The one constraint is on (owner, identity_key), which forms never edit: Django
        # skips it then, but only after building a queryset for it, once per row imported.
        if exclude and not IDENTITY_FIELDS.isdisjoint(exclude):
            return
        super().validate_constraints(exclude=exclude)

    @property
    def is_legal_person(self) -> bool:
        return self.kind == Kind.LEGAL

    @property
    def display_name(self) -> str:
        if self.is_legal_person:
            return self.legal_name
        return f"{self.last_name} {self.first_name}".strip()

    @property
    def address_line(self) -> str:
        street = " ".join(p for p in (self.street_number, self.street_type, self.street_name) if p)
        return ", ".join(p for p in (street, f"{self.postal_code} {self.city}".strip()) if p)

    def refresh_derived(self) -> None:
        """Compute the sort name, the search text and the identity key from the fields."""
        self.sort_name = _fold(self.display_name)[:200]
        self.search_text = _fold(" ".join(
            str(v) for v in (self.last_name, self.first_name, self.legal_name, self.city,
                             self.email) if v
        ))
        self.identity_key = identity_key_of(self)
