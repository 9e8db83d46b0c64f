"""In a real browser: add two contacts, export, delete them, import the file back."""

import pytest
from django.test import Client

from eprocedures.addressbook.models import Contact

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    """Sign in through a session made by Django (the sign-in page is another issue's)."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "ets_session", "value": client.cookies["ets_session"].value,
                               "url": live_server.url}])


def add_natural_person(page):
    page.get_by_role("link", name="Ajouter un contact").click()
    page.locator("#id_civility").select_option("MME")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_first_name").fill("Claire")
    fill_address(page)
    page.locator("#id_email").fill("claire.martin@example.fr")
    page.fill("input[name=mobile_phone_number]", "06 12 34 56 78")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Le contact a été ajouté à votre carnet d'adresses.").wait_for()


def fill_address(page):
    page.locator("#id_street_number").fill("12")
    page.locator("#id_street_type").select_option("rue")
    page.locator("#id_street_name").fill("des Lilas")
    page.locator("#id_postal_code").fill("75011")
    page.locator("#id_city").fill("Paris")


def add_legal_person(page):
    page.get_by_role("link", name="Ajouter un contact").click()
    page.check("input[name=kind][value=morale]")
    # The natural-person fields are hidden by the script once "Personne morale" is chosen.
    assert not page.locator("#id_first_name").is_visible()
    page.locator("#id_legal_name").fill("=Brevets & Cie")
    page.locator("#id_legal_form").fill("SAS")
    page.locator("#id_siren").fill("732 829 320")
    fill_address(page)
    page.fill("input[name=phone_number]", "01 45 67 89 01")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Le contact a été ajouté à votre carnet d'adresses.").wait_for()


def delete(page, name):
    page.get_by_role("link", name=f"Supprimer {name}").click()
    page.get_by_text(f"Voulez-vous vraiment supprimer le contact « {name} »").wait_for()
    page.get_by_role("button", name="Supprimer", exact=True).click()
    page.get_by_text("Le contact a été supprimé.").wait_for()


def test_add_export_delete_import_back(live_server, page, make_user, axe_check, tmp_path):
    user = make_user()
    sign_in(page, live_server, user)
    page.goto(live_server.url + "/carnet-adresses/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon carnet d'adresses"
    axe_check(page, "(empty list, fr)")

    add_natural_person(page)
    add_legal_person(page)
    rows = page.locator("table.addressbook-table tbody tr")
    assert rows.count() == 2
    axe_check(page, "(list, fr)")
    before = sorted(tuple(str(v) for v in c) for c in Contact.objects.values_list(
        "kind", "civility", "last_name", "first_name", "legal_name", "siren", "city",
        "email", "phone", "mobile_phone"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporter").click()
    exported = tmp_path / "carnet.csv"
    download_info.value.save_as(exported)
    content = exported.read_bytes()
    assert content.startswith(b"\xef\xbb\xbfType;Civilit\xc3\xa9;Nom;")
    assert b";'=Brevets & Cie;SAS;732829320;" in content

    delete(page, "Martin Claire")
    delete(page, "=Brevets & Cie")
    assert page.get_by_text("Votre carnet d'adresses est vide.").is_visible()
    assert Contact.objects.count() == 0

    page.get_by_label("Fichier CSV à importer").set_input_files(str(exported))
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("2 contacts importés.").wait_for()
    assert page.locator("table.addressbook-table tbody tr").count() == 2
    assert page.get_by_role("rowheader", name="Mme Martin Claire").is_visible()
    assert page.get_by_role("rowheader", name="=Brevets & Cie").is_visible()
    after = sorted(tuple(str(v) for v in c) for c in Contact.objects.values_list(
        "kind", "civility", "last_name", "first_name", "legal_name", "siren", "city",
        "email", "phone", "mobile_phone"))
    assert after == before


def test_pages_are_accessible_in_french_and_english(live_server, page, make_user, axe_check,
                                                    tmp_path):
    user = make_user()
    contact = Contact.objects.create(owner=user, civility="M", last_name="Dupont",
                                     first_name="Jean", street_name="rue", postal_code="69001",
                                     city="Lyon")
    sign_in(page, live_server, user)
    bad = tmp_path / "mauvais.csv"
    bad.write_bytes("\ufeffType;Nom\r\nphysique;X\r\n".encode())
    rows = tmp_path / "lignes.csv"
    rows.write_text(
        "Type;Civilité;Nom;Prénom;Dénomination;Forme juridique;SIREN;N° d'immatriculation;Pays;"
        "N° de voie;Type de voie;Libellé de voie;Complément d'adresse;Boîte postale;"
        "Code postal;Ville;Adresse courriel;Téléphone;Téléphone mobile\r\n"
        "physique;Mme;;Claire;;;;;FR;12 bis;;rue;;;7501;Paris;;;\r\n", encoding="utf-8")

    for language, labels in (("fr", ("Ajouter un contact", "Importer", "Enregistrer")),
                             ("en", ("Add a contact", "Import", "Save"))):
        page.goto(live_server.url + "/carnet-adresses/")
        if language == "en":
            page.get_by_role("button", name="English").click()
            page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == language
        axe_check(page, f"(list, {language})")
        page.goto(live_server.url + "/carnet-adresses/?q=zzz")
        axe_check(page, f"(no match, {language})")

        page.goto(live_server.url + "/carnet-adresses/")
        page.get_by_role("link", name=labels[0]).click()
        page.get_by_role("button", name=labels[2]).click()  # empty form: errors shown
        assert page.locator(".error-summary").is_visible()
        axe_check(page, f"(add with errors, {language})")

        page.goto(live_server.url + f"/carnet-adresses/{contact.pk}/modifier/")
        axe_check(page, f"(edit, {language})")
        page.goto(live_server.url + f"/carnet-adresses/{contact.pk}/supprimer/")
        axe_check(page, f"(delete, {language})")

        page.goto(live_server.url + "/carnet-adresses/import/")
        axe_check(page, f"(import, {language})")
        page.locator("input[type=file]").set_input_files(str(bad))
        page.get_by_role("button", name=labels[1], exact=True).click()
        assert page.locator(".error-summary").is_visible()
        axe_check(page, f"(import refused, {language})")
        page.locator("input[type=file]").set_input_files(str(rows))
        page.get_by_role("button", name=labels[1], exact=True).click()
        assert page.locator("table.import-errors tbody tr").count() == 3
        axe_check(page, f"(import row errors, {language})")
