import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from eprocedures.addressbook.csvformat import HEADER
from eprocedures.addressbook.models import Contact
from eprocedures.audit.models import AuditEvent

from .conftest import ROW, add_contact, csv_bytes

pytestmark = pytest.mark.django_db

IMPORT = "/carnet-adresses/import/"
LIST = "/carnet-adresses/"


def upload(client, content: bytes, name="carnet.csv", **extra):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, content, "text/csv")}, **extra)


def file_errors(response):
    return [str(e) for e in response.context["form"].errors.get("file", [])]


def row_errors(response):
    return [(e.line, e.column, e.letter, e.message) for e in response.context["row_errors"]]


def test_a_file_is_imported_and_phones_and_neutralised_cells_restored(signed_in, user):
    legal = {**ROW, "Type": "morale", "Civilité": "", "Nom": "", "Prénom": "",
             "Dénomination": "'=Brevets SA", "Forme juridique": "SA", "SIREN": "732829320",
             "Adresse courriel": "contact@brevets.example"}
    response = upload(signed_in, csv_bytes(ROW, legal))

    assert response.status_code == 302
    assert response["Location"] == LIST
    company, claire = Contact.objects.filter(owner=user).order_by("kind")
    assert claire.kind == "physique"
    assert (claire.civility, claire.last_name, claire.first_name) == ("MME", "Martin", "Claire")
    assert (str(claire.phone), str(claire.mobile_phone)) == ("+33145678901", "+33612345678")
    assert (claire.street_type, claire.street_number, claire.postal_code) == ("rue", "12",
                                                                              "75011")
    assert (company.legal_name, company.siren) == ("=Brevets SA", "732829320")
    assert "2 contacts importés." in signed_in.get(LIST).content.decode()
    assert AuditEvent.objects.get(event="addressbook.import").detail == {"created": 2,
                                                                        "skipped": 0,
                                                                        "repeated": 0}


@pytest.mark.parametrize("delimiter", [";", ","])
@pytest.mark.parametrize("bom", [True, False])
def test_semicolon_or_comma_with_or_without_bom(signed_in, delimiter, bom):
    row = {**ROW, "Libellé de voie": "des Lilas"}
    content = csv_bytes(row, delimiter=delimiter, bom=bom)
    if delimiter == ",":
        content = content.replace(b"des Lilas", b'"des Lilas, bis"')

    response = upload(signed_in, content)

    assert response.status_code == 302
    expected = "des Lilas, bis" if delimiter == "," else "des Lilas"
    assert Contact.objects.get().street_name == expected


def test_friendly_variants_of_cells_are_understood(signed_in):
    row = {**ROW, "Type": "Personne Physique", "Civilité": "madame", "Pays": "fr",
           "Type de voie": "RUE", "Téléphone": "01 45 67 89 01", "Téléphone mobile": ""}
    # Header cells are matched without case and accents, in any order.
    header = [h.upper() for h in reversed(HEADER)]
    content = csv_bytes({h.upper(): v for h, v in row.items()}, header=header)

    response = upload(signed_in, content)

    assert response.status_code == 302
    contact = Contact.objects.get()
    assert (contact.kind, contact.civility, contact.country.code, contact.street_type) == (
        "physique", "MME", "FR", "rue")
    assert str(contact.phone) == "+33145678901"


def test_a_windows_1252_file_from_excel_is_read(signed_in):
    content = csv_bytes(ROW, bom=False).decode().encode("cp1252")
    response = upload(signed_in, content)
    assert response.status_code == 302
    assert Contact.objects.get().first_name == "Claire"


def test_blank_trailing_rows_are_ignored(signed_in):
    content = csv_bytes(ROW) + b";;;;;;;;;;;;;;;;;;\r\n\r\n"
    assert upload(signed_in, content).status_code == 302
    assert Contact.objects.count() == 1


# --- Refusals of the whole file -------------------------------------------------------


def test_no_file_chosen(signed_in):
    response = signed_in.post(IMPORT, {})
    assert file_errors(response) == ["Choisissez le fichier CSV à importer."]


@pytest.mark.parametrize("content", [b"", b"\xef\xbb\xbf", b" \r\n \r\n"])
def test_an_empty_file_is_refused(signed_in, content):
    response = upload(signed_in, content)
    # Django itself refuses a zero-byte upload; both messages are clear.
    assert file_errors(response) in (["Le fichier est vide."],
                                     ["Le fichier soumis est vide."])
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"PK\x03\x04\x14\x00\x06\x00",  # an .xlsx is a zip file
    b"Type;Nom\r\nphysique;Du\x01pont\r\n",
    b"\xff\xfe" + b"\x00\xd8",  # UTF-16 announced, then a lone surrogate: not text
])
def test_a_binary_file_is_refused(signed_in, content):
    response = upload(signed_in, content)
    assert file_errors(response) == [
        "Ce fichier n'est pas un fichier CSV (texte). Enregistrez votre tableau au format "
        "« CSV UTF-8 (point-virgule) » puis importez-le de nouveau."]
    assert AuditEvent.objects.get(event="addressbook.import").detail == {"reason": "binary"}


def test_an_oversized_file_is_refused_before_it_is_read(signed_in, settings):
    settings.ETS_ADDRESSBOOK_MAX_IMPORT_BYTES = 2048
    content = csv_bytes(*[ROW] * 30)
    assert len(content) > 2048

    response = upload(signed_in, content)

    assert file_errors(response) == [
        "Le fichier dépasse la taille maximale autorisée (2 Ko)."]
    assert Contact.objects.count() == 0


def test_the_default_limit_is_two_megabytes(settings):
    assert settings.ETS_ADDRESSBOOK_MAX_IMPORT_BYTES == 2 * 1024 * 1024


def test_a_wrong_header_is_refused_with_what_is_missing_and_unknown(signed_in):
    header = [h for h in HEADER if h not in ("Ville", "SIREN")] + ["Fax"]
    response = upload(signed_in, csv_bytes({"Nom": "X"}, header=header))

    assert file_errors(response) == [
        "La première ligne du fichier n'est pas l'en-tête du carnet d'adresses. Colonnes "
        "attendues : " + " ; ".join(HEADER) + ".",
        "Colonnes manquantes : SIREN, Ville.",
        "Colonnes inconnues : Fax.",
    ]


def test_a_file_without_header_is_refused(signed_in):
    content = b"physique;Mme;Martin;Claire\r\n"
    response = upload(signed_in, content)
    assert file_errors(response)[0].startswith(
        "La première ligne du fichier n'est pas l'en-tête du carnet d'adresses.")


def test_a_header_without_rows_is_refused(signed_in):
    response = upload(signed_in, csv_bytes())
    assert file_errors(response) == ["Le fichier ne contient aucun contact (seulement l'en-tête)."]


def test_a_malformed_csv_is_refused(signed_in):
    content = csv_bytes(ROW) + b'physique;"Mme"x;Martin\r\n'
    response = upload(signed_in, content)
    assert file_errors(response) == [
        "Le fichier CSV est mal formé à la ligne 3 (guillemet non fermé ou mal placé)."]


# --- Bad rows: every error, nothing imported ------------------------------------------


def test_one_bad_row_and_nothing_is_imported_every_error_listed(signed_in, user):
    good = ROW
    bad = {**ROW, "Nom": "", "Code postal": "7501", "N° de voie": "12 bis",
           "Adresse courriel": "pas-une-adresse"}
    worse = {**ROW, "Type": "robot", "Pays": "ZZ", "Téléphone mobile": "'+33145678901"}
    response = upload(signed_in, csv_bytes(good, bad, good, worse))

    assert response.status_code == 200
    assert Contact.objects.count() == 0
    assert row_errors(response) == [
        (3, "Nom", "C", "Ce champ est obligatoire."),
        (3, "N° de voie", "J",
         "Le n° de voie ne contient que des chiffres. Si votre numéro comporte « bis », « ter », "
         "une lettre…, laissez ce champ vide et écrivez l'adresse complète dans « Libellé de "
         "voie »."),
        (3, "Code postal", "O", "Un code postal français comporte 5 chiffres."),
        (3, "Adresse courriel", "Q", "Saisissez une adresse de courriel valide."),
        (5, "Type", "A", "Sélectionnez un choix valide. robot n’en fait pas partie."),
        (5, "Pays", "I", "Sélectionnez un choix valide. ZZ n’en fait pas partie."),
        (5, "Téléphone mobile", "S", "Ce numéro n'est pas un numéro de téléphone mobile."),
    ]
    page = response.content.decode()
    assert "Aucun contact n'a été importé : le fichier contient 7 erreurs." in page
    assert "<td>3</td><td>C (Nom)</td><td>Ce champ est obligatoire.</td>" in page
    assert AuditEvent.objects.get(event="addressbook.import").detail == {
        "reason": "rows", "errors": 7}


def test_a_row_with_too_many_cells_is_an_error_of_the_whole_row(signed_in):
    content = csv_bytes(ROW) + ("physique" + ";" * 25 + "\r\n").encode()
    response = upload(signed_in, content)
    assert row_errors(response) == [(3, "", "", "Cette ligne compte 26 colonnes au lieu de 19.")]
    assert "toute la ligne" in response.content.decode()
    assert Contact.objects.count() == 0


def test_a_row_of_one_cell_is_told_in_the_singular(signed_in):
    content = csv_bytes(ROW) + b"physique\r\n"
    assert row_errors(upload(signed_in, content)) == [
        (3, "", "", "Cette ligne compte 1 colonne au lieu de 19.")]
    signed_in.cookies["ets_language"] = "en"
    assert row_errors(upload(signed_in, content)) == [
        (3, "", "", "This line has 1 column instead of 19.")]


def test_errors_are_in_the_users_language(signed_in):
    signed_in.cookies["ets_language"] = "en"
    bad = {**ROW, "Nom": "", "Ville": "Pa\tris"}
    response = upload(signed_in, csv_bytes(bad))

    assert row_errors(response) == [
        (2, "Nom", "C", "This field is required."),
        (2, "Ville", "P", "This field contains characters that are not allowed (control "
                          "characters, tabs or line breaks)."),
    ]
    page = response.content.decode()
    assert "No contact was imported: the file contains 2 errors." in page


def test_the_refusal_is_in_the_users_language(signed_in):
    signed_in.cookies["ets_language"] = "en"
    response = upload(signed_in, b"\x00\x01")

    # The page was rendered in English (the lazy message is read in the page's language).
    assert "This file is not a CSV (text) file." in response.content.decode()
    with translation.override("en"):
        assert file_errors(response) == [
            "This file is not a CSV (text) file. Save your spreadsheet as “CSV UTF-8 (semicolon)” "
            "and import it again."]


# --- Duplicates -----------------------------------------------------------------------


def test_identical_contacts_are_not_duplicated(signed_in, user):
    add_contact(user, civility="MME", last_name="Martin", first_name="Claire",
                street_number="12", street_type="rue", street_name="des Lilas",
                postal_code="75011", city="Paris", email="claire.martin@example.fr",
                phone="+33145678901", mobile_phone="+33612345678")
    # The same contact in other case and accents, twice, and one other contact.
    same = {**ROW, "Nom": "MARTIN", "Ville": "PÁRIS"}
    other = {**ROW, "Prénom": "Claude"}
    response = upload(signed_in, csv_bytes(same, same, other))

    assert response.status_code == 302
    assert sorted(Contact.objects.values_list("first_name", flat=True)) == ["Claire", "Claude"]
    page = signed_in.get(LIST).content.decode()
    assert "1 contact importé." in page
    assert ("2 contacts étaient déjà dans votre carnet d&#x27;adresses : ils n&#x27;ont pas été "
            "dupliqués.") in page


def test_importing_twice_adds_nothing_the_second_time(signed_in):
    content = csv_bytes(ROW, {**ROW, "Nom": "Autre"})
    upload(signed_in, content)
    upload(signed_in, content)
    assert Contact.objects.count() == 2


def test_the_import_page_explains_the_format(signed_in):
    page = signed_in.get(IMPORT).content.decode()
    assert "<h1>Importer des contacts</h1>" in page
    assert "aucun contact n'est importé" in page


def test_french_numbers_in_e164_follow_the_french_rules_whatever_the_country(signed_in):
    rows = [
        {**ROW, "Pays": "BE", "Code postal": "1000", "Ville": "Bruxelles"},
        {**ROW, "Nom": "Petit", "Téléphone mobile": "'+33145678901"},  # a landline
        {**ROW, "Nom": "Leroy", "Téléphone": "'+3314567890"},  # 8 digits
    ]
    response = upload(signed_in, csv_bytes(*rows))
    assert row_errors(response) == [
        (3, "Téléphone mobile", "S", "Ce numéro n'est pas un numéro de téléphone mobile."),
        (4, "Téléphone", "R", "Un numéro français doit comporter 9 chiffres après +33 (par "
                              "exemple 6 12 34 56 78 ; le 0 initial est accepté)."),
    ]
    upload(signed_in, csv_bytes(rows[0]))
    [contact] = Contact.objects.all()
    assert (str(contact.country), str(contact.phone), str(contact.mobile_phone)) == (
        "BE", "+33145678901", "+33612345678")


def test_an_error_names_the_column_letter_of_this_file_not_of_the_default_order(signed_in):
    header = list(reversed(HEADER))

    response = upload(signed_in, csv_bytes({**ROW, "Ville": ""}, header=header))

    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[header.index("Ville")]
    assert row_errors(response) == [(2, "Ville", letter, "Ce champ est obligatoire.")]
    assert Contact.objects.count() == 0


def test_a_filled_cell_under_a_column_without_a_name_refuses_the_file(signed_in):
    # Its content would be silently dropped: the user must decide.
    content = csv_bytes(ROW, header=[*HEADER, ""])
    content = content.rstrip(b"\r\n") + b"note importante\r\n"
    column = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[len(HEADER)]

    response = upload(signed_in, content)

    assert response.status_code == 200
    assert row_errors(response) == [(2, "", "", (
        f"La colonne {column} n'a pas de nom dans l'en-tête mais cette ligne la remplit : "
        "son contenu serait perdu. Videz-la ou supprimez la colonne."))]
    assert Contact.objects.count() == 0


def test_an_empty_column_without_a_name_is_harmless(signed_in, user):
    response = upload(signed_in, csv_bytes(ROW, header=[*HEADER, ""]))

    assert response.status_code == 302
    assert Contact.objects.filter(owner=user).count() == 1


@pytest.mark.parametrize("rows", [30, 3000])
def test_an_unclosed_quote_is_reported_at_the_row_where_it_opens(signed_in, rows):
    many = [{**ROW, "Nom": f"Martin{n}"} for n in range(rows)]
    many[1] = {**ROW, "Nom": '"Martin'}  # row 3 of the spreadsheet: quote never closed

    response = upload(signed_in, csv_bytes(*many))

    assert file_errors(response) == [
        "Le fichier CSV est mal formé à la ligne 3 (guillemet non fermé ou mal placé)."]
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(("cell", "code"), [
    ("fr", "FR"), ("France", "FR"), ("Etats-Unis d'Amerique", "US"),
    ("ÉTATS-UNIS D'AMÉRIQUE", "US"), ("United States of America", "US"),
    ("  allemagne ", "DE"), ("Germany", "DE"),
])
def test_a_country_name_is_read_whatever_its_case_and_accents(signed_in, user, cell, code):
    response = upload(signed_in, csv_bytes({**ROW, "Pays": cell, "Code postal": "10001"}))

    assert response.status_code == 302, row_errors(response)
    assert Contact.objects.get(owner=user).country == code


def test_a_file_of_more_contacts_than_the_limit_is_refused_whole(signed_in, settings):
    settings.ETS_ADDRESSBOOK_MAX_IMPORT_ROWS = 3
    rows = [{**ROW, "Nom": f"Martin{n}"} for n in range(4)]

    response = upload(signed_in, csv_bytes(*rows))

    assert file_errors(response) == [
        "Le fichier contient plus de 3 contacts : importez-le en plusieurs fichiers."]
    assert Contact.objects.count() == 0
    assert upload(signed_in, csv_bytes(*rows[:3])).status_code == 302  # at the limit: fine


def test_a_utf16_file_is_read_as_text(signed_in, user):
    # Excel's "Unicode text" export: UTF-16 with a byte-order mark.
    text = csv_bytes(ROW, bom=False).decode("utf-8")

    response = upload(signed_in, text.encode("utf-16"))

    assert response.status_code == 302
    assert Contact.objects.get(owner=user).last_name == "Martin"


def test_a_contact_repeated_within_the_file_is_told_apart_from_one_already_in_the_book(
        signed_in, user):
    response = upload(signed_in, csv_bytes(ROW, ROW, {**ROW, "Nom": "MARTIN"}))

    assert response.status_code == 302
    assert Contact.objects.filter(owner=user).count() == 1
    page = signed_in.get(LIST).content.decode()
    assert "1 contact importé." in page
    assert ("2 lignes du fichier répétaient un contact d&#x27;une ligne précédente : chacun "
            "n&#x27;a été importé qu&#x27;une fois.") in page
    assert "déjà dans votre carnet" not in page

