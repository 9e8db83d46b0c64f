"""In a real browser: every address-book page is clean for axe-core in French and English.

The issue's flow (sign in, add two contacts, export, delete them, import the file back)
is tests/myinfo/test_e2e.py, one test from the sign-in page to the address book.
"""

import pytest

from eprocedures.addressbook.models import Contact

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user):
    """Through the real sign-in page (the password of the make_user fixture)."""
    page.goto(live_server.url + "/connexion/")
    page.locator("#id_email").fill(user.email)
    page.locator("#id_password").fill("Motdepasse1!")
    page.locator("#panel-password button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")


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
            with page.expect_navigation():
                page.get_by_role("button", name="English").click()
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
