import csv
import io

import pytest

from eprocedures.addressbook.csvformat import HEADER, neutralise, restore

from .conftest import add_contact

pytestmark = pytest.mark.django_db

EXPORT = "/carnet-adresses/export/"


def download(client) -> bytes:
    response = client.get(EXPORT)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_export_is_a_utf8_csv_with_bom_semicolons_and_the_documented_header(signed_in, user):
    add_contact(user, civility="MME", last_name="Lefèvre", first_name="Zoé",
                street_number="3", street_type="allée", phone="+33145678901",
                email="zoe@example.fr")
    response = signed_in.get(EXPORT)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="carnet-adresses-')
    assert response["Cache-Control"] == "no-store"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    lines = body.decode("utf-8-sig").split("\r\n")
    assert lines[0] == (
        "Type;Civilité;Nom;Prénom;Dénomination;Forme juridique;SIREN;N° d'immatriculation;"
        "Pays;N° de voie;Type de voie;Libellé de voie;Complément d'adresse;Boîte postale;"
        "Code postal;Ville;Adresse courriel;Téléphone;Téléphone mobile"
    )
    assert lines[1] == (
        "physique;Mme;Lefèvre;Zoé;;;;;FR;3;allée;avenue de la Gare;;;69001;Lyon;"
        "zoe@example.fr;'+33145678901;"
    )
    assert lines[2:] == [""]


def test_an_empty_book_exports_the_header_alone(signed_in):
    assert download(signed_in).decode("utf-8-sig") == ";".join(HEADER) + "\r\n"


@pytest.mark.parametrize("value", [
    "=HYPERLINK(\"http://evil.example\")", "+33 1 23", "-2+3", "@SUM(A1)", "\tx", "\rx",
    "'=déjà neutralisé", "'texte",
])
def test_formula_cells_are_neutralised_with_a_quote_and_restored(value):
    cell = neutralise(value)
    assert cell == "'" + value
    assert restore(cell) == value


@pytest.mark.parametrize("value", ["Dupont", "12", "a=b", "x-y", "", "'"])
def test_ordinary_cells_are_left_alone(value):
    assert neutralise(value) == (value if value != "'" else "''")
    assert restore(neutralise(value)) == value


def test_no_exported_cell_starts_like_a_formula(signed_in, user):
    add_contact(user, last_name="=1+1", first_name="@cmd", street_name="-rue",
                address_complement="+33", city="'Lyon")
    rows = list(csv.reader(io.StringIO(download(signed_in).decode("utf-8-sig")),
                           delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Nom"], row["Prénom"], row["Libellé de voie"], row["Complément d'adresse"],
            row["Ville"]) == ("'=1+1", "'@cmd", "'-rue", "'+33", "''Lyon")


def test_export_is_audited(signed_in, user):
    from eprocedures.audit.models import AuditEvent

    add_contact(user)
    download(signed_in)
    event = AuditEvent.objects.get(event="addressbook.export")
    assert event.user == user
    assert event.detail == {"contacts": 1}


def test_head_sends_the_headers_without_reading_or_recording_the_export(signed_in, user):
    from eprocedures.audit.models import AuditEvent

    add_contact(user)
    response = signed_in.head(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="carnet-adresses-')
    assert response["Cache-Control"] == "no-store"
    assert response.content == b""
    assert not AuditEvent.objects.filter(event="addressbook.export").exists()


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_no_cell_starts_like_a_formula_whatever_the_spreadsheet_splits_on(
        signed_in, user, delimiter):
    # English spreadsheets split on commas: "x,=cmd" must not become a cell "=cmd".
    add_contact(user, last_name="x,=cmd|' /C calc'!A0,", first_name="a; @SUM(A1)",
                street_name="1, -2", city="Lyon")
    text = download(signed_in).decode("utf-8-sig")

    cells = [c for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row]

    assert not [c for c in cells if c.lstrip().startswith(("=", "+", "-", "@"))]


def test_a_quote_put_after_a_separator_is_taken_back_on_import():
    assert neutralise("x,=1+1") == "x,'=1+1"
    assert neutralise("a;  @b") == "a;  '@b"
    assert restore("x,'=1+1") == "x,=1+1"
    assert restore(neutralise("l'=x, 'a")) == "l'=x, 'a"
