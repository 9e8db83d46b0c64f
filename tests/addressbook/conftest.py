import itertools

import pytest
from django.utils import timezone

from eprocedures.accounts.models import User
from eprocedures.addressbook.csvformat import HEADER
from eprocedures.addressbook.models import Contact

_emails = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(**fields):
        n = next(_emails)
        values = {
            "email": f"titulaire{n}@example.fr", "mobile_phone": "+33612345678",
            "civility": "M", "last_name": "Durand", "first_name": "Paul",
            "street_name": "rue bleue", "postal_code": "59000", "city": "Lille",
            "is_active": True, "activated_at": timezone.now(), **fields,
        }
        return User.objects.create_user(password="Motdepasse1!", **values)

    return make


@pytest.fixture
def user(make_user):
    return make_user()


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


def natural(**fields):
    """Form data of a valid natural person (as the add page posts it)."""
    return {
        "kind": "physique", "civility": "MME", "last_name": "Martin", "first_name": "Claire",
        "country": "FR", "street_number": "12", "street_type": "rue",
        "street_name": "des Lilas", "address_complement": "", "po_box": "",
        "postal_code": "75011", "city": "Paris", "email": "claire.martin@example.fr",
        "phone_region": "FR", "phone_number": "01 45 67 89 01", "mobile_phone_region": "FR",
        "mobile_phone_number": "06 12 34 56 78", **fields,
    }


def legal(**fields):
    """Form data of a valid legal person."""
    values = {"kind": "morale", "civility": "", "last_name": "", "first_name": "",
              "legal_name": "Brevets & Cie", "legal_form": "SAS", "siren": "732 829 320",
              "registration_number": "", "email": "contact@brevets.example", **fields}
    return natural(**values)


def add_contact(owner, **fields) -> Contact:
    values = {
        "kind": "physique", "civility": "M", "last_name": "Dupont", "first_name": "Jean",
        "country": "FR", "street_name": "avenue de la Gare", "postal_code": "69001",
        "city": "Lyon", **fields,
    }
    return Contact.objects.create(owner=owner, **values)


def csv_bytes(*rows, header=None, delimiter=";", bom=True) -> bytes:
    """A file as a user would upload it: the header then one line per row of cells."""
    header = header or HEADER
    lines = [delimiter.join(header)]
    for cells in rows:
        lines.append(delimiter.join(cells.get(name, "") for name in header))
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode()


ROW = {
    "Type": "physique", "Civilité": "Mme", "Nom": "Martin", "Prénom": "Claire", "Pays": "FR",
    "N° de voie": "12", "Type de voie": "rue", "Libellé de voie": "des Lilas",
    "Code postal": "75011", "Ville": "Paris", "Adresse courriel": "claire.martin@example.fr",
    "Téléphone": "'+33145678901", "Téléphone mobile": "'+33612345678",
}
