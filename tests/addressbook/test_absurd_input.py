"""Absurd input never makes a server error: huge fields, NUL bytes, huge CSV files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from eprocedures.addressbook.csvformat import HEADER
from eprocedures.addressbook.models import Contact
from eprocedures.addressbook.services import MAX_LISTED_ERRORS

from .conftest import ROW, add_contact, csv_bytes, natural

pytestmark = pytest.mark.django_db

IMPORT = "/carnet-adresses/import/"
HEADER_MESSAGE = ("La première ligne du fichier n'est pas l'en-tête du carnet d'adresses. "
                  "Colonnes attendues : " + " ; ".join(HEADER) + ".")
MISSING_ALL = "Colonnes manquantes : " + ", ".join(HEADER[:10]) + " …."


def upload(client, content: bytes):
    response = client.post(IMPORT, {"file": SimpleUploadedFile("f.csv", content, "text/csv")})
    assert response.status_code == 200
    return response


def file_errors(response):
    return [str(e) for e in response.context["form"].errors.get("file", [])]


def test_huge_fields_and_nul_bytes_are_refused_by_the_contact_form(signed_in):
    response = signed_in.post("/carnet-adresses/ajouter/", natural(
        last_name="x" * 1_000_000, city="Pa\x00ris", email="a\x00@example.fr",
        phone_number="01" * 500_000, mobile_phone_region="\x00"))

    errors = {name: [str(m) for m in messages]
              for name, messages in response.context["form"].errors.items()}
    assert errors == {
        "last_name": ["Assurez-vous que cette valeur comporte au plus 100 caractères "
                      "(actuellement 1000000)."],
        "city": ["Le caractère nul n’est pas autorisé."],
        "email": ["Saisissez une adresse de courriel valide.",
                  "Le caractère nul n’est pas autorisé."],
        "phone": ["Un numéro français doit comporter 9 chiffres après +33 (par exemple "
                  "6 12 34 56 78 ; le 0 initial est accepté)."],
        "mobile_phone": ["Choisissez un indicatif dans la liste."],
    }
    assert Contact.objects.count() == 0


def test_control_characters_in_a_search_separate_words_and_break_nothing(signed_in, user):
    add_contact(user)  # Dupont Jean, Lyon

    def found(query):
        response = signed_in.get("/carnet-adresses/", {"q": query})
        assert response.status_code == 200
        return [c.last_name for c in response.context["page"].object_list]

    assert found("\x00") == ["Dupont"]
    assert found("\x00Dupont\x07Lyon") == ["Dupont"]
    assert found("Zorro\x00") == []


def test_absurd_page_numbers_and_ids(signed_in, user):
    add_contact(user)
    response = signed_in.get("/carnet-adresses/", {"page": "9" * 30})
    assert response.status_code == 200
    assert response.context["page"].number == 1
    big = "9" * 30
    assert signed_in.get(f"/carnet-adresses/{big}/modifier/").status_code == 404
    assert signed_in.post(f"/carnet-adresses/{big}/supprimer/").status_code == 404


def test_a_header_of_100000_columns_is_refused_listing_only_some(signed_in):
    content = ";".join(f"c{i}" for i in range(100_000)).encode() + b"\r\nx\r\n"

    assert file_errors(upload(signed_in, content)) == [
        HEADER_MESSAGE, MISSING_ALL,
        "Colonnes inconnues : " + ", ".join(f"c{i}" for i in range(10)) + " ….",
    ]


def test_a_row_of_100000_columns_is_an_error_of_that_row(signed_in):
    content = csv_bytes(ROW) + b";" * 99_999 + b"x\r\n"

    [error] = upload(signed_in, content).context["row_errors"]
    assert (error.line, error.column, error.message) == (
        3, "", "Cette ligne compte 100000 colonnes au lieu de 19.")
    assert Contact.objects.count() == 0


def test_a_single_line_of_50_megabytes_under_the_size_cap_is_refused(signed_in, settings):
    settings.ETS_ADDRESSBOOK_MAX_IMPORT_BYTES = 64 * 1024 * 1024

    assert file_errors(upload(signed_in, b"a" * 50_000_000)) == [
        HEADER_MESSAGE, MISSING_ALL, "Colonnes inconnues : " + "a" * 100 + "."]


def test_a_cell_longer_than_the_csv_module_allows_is_refused(signed_in):
    content = csv_bytes(ROW, {**ROW, "Nom": "x" * 200_000})

    assert file_errors(upload(signed_in, content)) == [
        "Le fichier contient à la ligne 3 une cellule de plus de 131072 caractères : ce n'est "
        "pas un carnet d'adresses."]


def test_a_file_of_countless_bad_rows_lists_the_first_errors_only(signed_in):
    content = csv_bytes(ROW) + b"a\r\n" * (MAX_LISTED_ERRORS + 500)

    response = upload(signed_in, content)

    errors = response.context["row_errors"]
    assert len(errors) == MAX_LISTED_ERRORS
    assert (errors[0].line, errors[-1].line) == (3, MAX_LISTED_ERRORS + 2)
    assert response.context["more_errors"] is True
    assert ("Aucun contact n'a été importé : le fichier contient au moins 1000 erreurs. "
            "Les 1000 premières sont listées ci-dessous.") in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_few_bad_rows_are_all_listed(signed_in):
    response = upload(signed_in, csv_bytes(ROW) + b"a\r\n" * 3)

    assert len(response.context["row_errors"]) == 3
    assert response.context["more_errors"] is False
    assert ("Aucun contact n'a été importé : le fichier contient 3 erreurs."
            in response.content.decode())
