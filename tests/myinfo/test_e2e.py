"""In a real browser, the flow of issue 4 from the sign-in page to the address book.

Sign in at /connexion/, change the e-mail address through the secret questions and the
link received by real SMTP, sign in again with it, add two contacts, export them, delete
them, import the file back and see them; axe-core checks every page on the way (FR),
and every page of "Mes informations" in FR and EN.
"""

import re

import pytest

from eprocedures.addressbook.models import Contact

from .conftest import ANSWERS, PASSWORD, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OLD = "paul.durand@example.fr"
NEW = "paul.nouveau@example.fr"
CONTACT_COLUMNS = ("kind", "civility", "last_name", "first_name", "legal_name", "legal_form",
                   "siren", "street_number", "street_type", "street_name", "postal_code", "city",
                   "email", "phone", "mobile_phone")


def sign_in(page, live_server, email, password=PASSWORD, language="fr"):
    """Through the real sign-in page, as a user does."""
    page.goto(live_server.url + "/connexion/")
    if language != "fr":
        with page.expect_navigation():
            page.get_by_role("button", name="English").click()
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("#panel-password button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")


@pytest.fixture
def mail_settings(settings, live_server, smtp_server):
    settings.ETS_SITE_URL = live_server.url
    return smtp_server


def subjects(smtp, address):
    return [str(m["Subject"]).strip() for m in smtp.to(address)]


def contacts():
    return sorted(tuple(str(v) for v in row)
                  for row in Contact.objects.values_list(*CONTACT_COLUMNS))


def fill_address(page):
    page.locator("#id_street_number").fill("12")
    page.locator("#id_street_type").select_option("rue")
    page.locator("#id_street_name").fill("des Lilas")
    page.locator("#id_postal_code").fill("75011")
    page.locator("#id_city").fill("Paris")


def add_contacts(page, axe_check):
    page.get_by_role("link", name="Ajouter un contact").click()
    axe_check(page, "add contact")
    page.locator("#id_civility").select_option("MME")
    page.locator("#id_last_name").fill("Martin")
    page.locator("#id_first_name").fill("Claire")
    fill_address(page)
    page.locator("#id_email").fill("claire.martin@example.fr")
    page.fill("input[name=mobile_phone_number]", "06 12 34 56 78")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("Le contact a été ajouté à votre carnet d'adresses.").wait_for()

    page.get_by_role("link", name="Ajouter un contact").click()
    page.check("input[name=kind][value=morale]")
    # The natural-person fields are hidden by the script once "Personne morale" is chosen.
    assert not page.locator("#id_first_name").is_visible()
    page.locator("#id_legal_name").fill("=Brevets & Cie")  # a formula, for the export
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


def test_sign_in_change_the_address_then_export_delete_and_import_contacts(
        page, live_server, mail_settings, run_mail_worker, axe_check, tmp_path):
    make_user(OLD)
    smtp = mail_settings
    base = live_server.url

    # Sign in at /connexion/ and open "Mes informations" from the menu.
    page.goto(base + "/connexion/")
    axe_check(page, "sign-in")
    sign_in(page, live_server, OLD)
    page.locator("summary", has_text="Bonjour Paul Durand").click()
    page.get_by_role("link", name="Mes informations").click()
    page.wait_for_url(base + "/mes-informations/")
    for heading in ("Mes coordonnées", "Mes moyens d'identification", "Mon carnet d'adresses"):
        assert page.get_by_role("heading", name=heading, level=2).is_visible()
    axe_check(page, "mes informations")

    # The address: both secret questions (a wrong pair first), then the new address.
    page.locator("a[href='/mes-informations/courriel/']").click()
    axe_check(page, "secret questions")
    page.get_by_label("Nom de jeune fille de votre mère").fill("Dupont")
    page.get_by_label("Votre sport favori").fill(ANSWERS["answer_2"])
    page.get_by_role("button", name="Valider").click()
    assert ("Les réponses ne correspondent pas à vos questions secrètes."
            in page.locator(".error-summary").inner_text())
    axe_check(page, "wrong answers")
    page.get_by_label("Nom de jeune fille de votre mère").fill(ANSWERS["answer_1"])
    page.get_by_role("button", name="Valider").click()
    page.wait_for_url(base + "/mes-informations/courriel/nouvelle-adresse/")
    axe_check(page, "new address")
    page.get_by_label("Nouvelle adresse courriel").fill(NEW)
    page.get_by_role("button", name="Valider").click()

    page.wait_for_url(base + "/mes-informations/")
    assert "Un message contenant un lien de confirmation a été envoyé" in page.inner_text("main")
    assert OLD in page.inner_text("#myinfo-email")  # nothing changes before the link
    run_mail_worker()
    assert subjects(smtp, OLD) == ["Demande de changement de votre adresse courriel"]
    [message] = smtp.to(NEW)
    assert message["Subject"] == "Confirmez votre nouvelle adresse courriel"
    link = re.search(r"http://\S+/confirmer/\S+/", smtp.text(message)).group(0)
    assert link.startswith(base)

    page.goto(link)
    axe_check(page, "confirm the address")
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(base + "/mes-informations/")
    assert (f"Votre adresse courriel a été modifiée : connectez-vous désormais avec {NEW}."
            in page.inner_text("main"))
    assert NEW in page.inner_text("#myinfo-email")
    run_mail_worker()
    changed = "L'adresse courriel de votre compte a été modifiée"
    assert subjects(smtp, OLD)[-1] == subjects(smtp, NEW)[-1] == changed

    # The link is single-use, and the new address is the one that signs in.
    page.goto(link)
    assert ("Ce lien a déjà été utilisé ou a été remplacé par une demande plus récente."
            in page.inner_text("main"))
    page.locator("summary", has_text="Bonjour Paul Durand").click()
    page.get_by_role("button", name="Me déconnecter").click()
    page.wait_for_url(base + "/connexion/")
    sign_in(page, live_server, NEW)

    # The address book: "Voir", add two contacts.
    page.goto(base + "/mes-informations/")
    page.get_by_role("link", name="Voir").click()
    page.wait_for_url(base + "/carnet-adresses/")
    assert page.get_by_role("heading", level=1).inner_text() == "Mon carnet d'adresses"
    axe_check(page, "empty address book")
    add_contacts(page, axe_check)
    assert page.locator("table.addressbook-table tbody tr").count() == 2
    axe_check(page, "address book")
    before = contacts()

    # "Exporter" from "Mes informations": a spreadsheet-safe CSV.
    page.goto(base + "/mes-informations/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporter").click()
    exported = tmp_path / "carnet.csv"
    download.value.save_as(exported)
    content = exported.read_bytes()
    assert content.startswith("\ufeffType;Civilité;Nom;Prénom;Dénomination;".encode())
    assert b";'=Brevets & Cie;SAS;732829320;" in content
    assert b";'+33612345678\r\n" in content

    # Delete both.
    page.get_by_role("link", name="Voir").click()
    delete(page, "Martin Claire")
    delete(page, "=Brevets & Cie")
    assert page.get_by_text("Votre carnet d'adresses est vide.").is_visible()
    assert Contact.objects.count() == 0

    # "Importer" from "Mes informations": the same contacts come back.
    page.goto(base + "/mes-informations/")
    page.get_by_label("Fichier CSV à importer").set_input_files(str(exported))
    page.get_by_role("button", name="Importer", exact=True).click()
    page.get_by_text("2 contacts importés.").wait_for()
    page.wait_for_url(base + "/carnet-adresses/")
    assert page.get_by_role("rowheader", name="Mme Martin Claire").is_visible()
    assert page.get_by_role("rowheader", name="=Brevets & Cie").is_visible()
    assert contacts() == before
    axe_check(page, "after import")


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_pages_are_accessible(page, live_server, axe_check, language):
    user = make_user(is_legal_person=True, legal_name="Durand SA", legal_form="SA",
                     siren="732829320")
    user.additional_phones.create(number="+33320000000", position=0)
    sign_in(page, live_server, user.email, language=language)
    base = live_server.url + "/mes-informations/"

    for path in ("", "coordonnees/", "courriel/", "mobile/", "mot-de-passe/",
                 "questions-secretes/"):
        page.goto(base + path)
        assert page.locator("html").get_attribute("lang") == language
        axe_check(page, f"{path} ({language})")

    # Pages showing errors.
    page.goto(base + "coordonnees/")
    page.get_by_label("Code postal" if language == "fr" else "Postal code").fill("123")
    page.locator("form[novalidate] button[type=submit]").click()
    page.locator(".error-summary").first.wait_for()
    axe_check(page, f"contact errors ({language})")

    page.goto(base + "courriel/")
    page.locator("form[novalidate] button[type=submit]").click()
    page.locator(".error-summary").first.wait_for()
    axe_check(page, f"secret answers errors ({language})")

    page.goto(base + "mot-de-passe/")
    page.locator("form[novalidate] button[type=submit]").click()
    page.locator(".error-summary").first.wait_for()
    axe_check(page, f"password errors ({language})")

    # The change of the secret questions, once the current ones are answered.
    page.goto(base + "questions-secretes/")
    page.locator("#id_answer_1").fill(ANSWERS["answer_1"])
    page.locator("#id_answer_2").fill(ANSWERS["answer_2"])
    page.locator("form[novalidate] button[type=submit]").click()
    page.locator("select[name=question_1]").wait_for()
    axe_check(page, f"questions-secretes/ change ({language})")

    # The new-identifier pages, once the questions are answered.
    for path, label in (("courriel/", "nouvelle-adresse/"), ("mobile/", "nouveau-numero/")):
        page.goto(base + path)
        page.locator("#id_answer_1").fill(ANSWERS["answer_1"])
        page.locator("#id_answer_2").fill(ANSWERS["answer_2"])
        page.locator("form[novalidate] button[type=submit]").click()
        page.wait_for_url(base + path + label)
        axe_check(page, f"{path}{label} ({language})")
        page.locator("form[novalidate] button[type=submit]").click()
        page.locator(".error-summary").first.wait_for()
        axe_check(page, f"{path}{label} errors ({language})")

    page.goto(base + "courriel/confirmer/not-a-token/")
    axe_check(page, f"invalid link ({language})")
