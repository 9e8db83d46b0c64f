"""The specification's example, end to end in Chromium, French and English, with axe-core."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Bleu.Lille59"


@pytest.fixture
def site(live_server, settings, smtp_server):
    settings.ETS_SITE_URL = live_server.url
    return live_server.url


def activation_link(smtp_server, address):
    [message] = smtp_server.to(address)
    return re.search(r"https?://\S+/activation/[^/\s]+/", smtp_server.text(message)).group(0)


def group(page, name):
    return page.get_by_role("group", name=re.compile("^" + re.escape(name)))


def test_paul_durand_registers_activates_and_reaches_sign_in_in_french(
        page, site, smtp_server, run_mail_worker, axe_check):
    page.goto(site + "/inscription/")
    assert page.get_by_role("heading", level=1).inner_text() == "Inscription"
    axe_check(page, "étape 1")

    # Step 1, first sent empty: the errors are announced, then corrected.
    page.get_by_role("button", name="Valider").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page, "étape 1 en erreur")
    page.get_by_label("Adresse courriel").fill("paul.durand@example.fr")
    assert group(page, "Numéro de téléphone mobile").get_by_role("combobox").input_value() == "FR"
    group(page, "Numéro de téléphone mobile").get_by_role("textbox").fill("6 12 34 56 78")
    page.get_by_role("button", name="Valider").click()

    # Step 2: M. Paul Durand, rue bleue, 59000 LILLE, and a second number added with the script.
    expect_title = page.get_by_role("heading", name=re.compile("Etape 1 : Mes identifiants"))
    assert "✓" in expect_title.inner_text()
    page.get_by_label("Civilité").select_option(label="M.")
    page.get_by_role("textbox", name="Nom", exact=True).fill("Durand")
    page.get_by_label("Prénom").fill("Paul")
    page.get_by_label("Libellé de voie").fill("rue bleue")
    page.get_by_label("Code postal").fill("59000")
    page.get_by_label("Ville").fill("LILLE")
    url_before = page.url
    page.get_by_role("button", name="Ajouter un numéro de téléphone").click()
    assert page.url == url_before  # added in the page, no round trip
    group(page, "Autre numéro de téléphone 1").get_by_role("textbox").fill("6 35 35 35 35")
    group(page, "Etes-vous un mandataire habilité").get_by_label("Non").check()
    group(page, "Agissez-vous en tant que personne morale").get_by_label("Non").check()
    axe_check(page, "étape 2")
    page.get_by_role("button", name="Valider").click()

    # Step 3: the secret questions of the example.
    assert page.get_by_label("Question 1").input_value() == "mother_maiden_name"
    page.get_by_label("Réponse 1").fill("Durand")
    page.get_by_label("Question 2").select_option(label="Votre sport favori")
    page.get_by_label("Réponse 2").fill("Danse")
    axe_check(page, "étape 3")
    page.get_by_role("button", name="Valider").click()

    # Step 4: the terms.
    expect(page.get_by_role("link", name="Lire les conditions d'utilisation")).to_be_visible()
    group(page, "J'ai pris connaissance et je valide les CGU").get_by_label("Oui").check()
    axe_check(page, "étape 4")
    page.get_by_role("button", name="Valider").click()

    expect(page.get_by_text("Vous allez recevoir un message de confirmation à votre adresse "
                            "courriel afin de pouvoir activer votre compte.")).to_be_visible()
    axe_check(page, "fin de l'inscription")

    # The activation e-mail, through the real SMTP peer.
    run_mail_worker()
    page.goto(activation_link(smtp_server, "paul.durand@example.fr"))
    page.get_by_text("Règles du mot de passe").click()
    axe_check(page, "activation")
    page.get_by_label("Choisissez votre mot de passe").fill("Bleu")
    expect(page.locator("li.is-met")).to_have_count(2)  # a lower-case and an upper-case letter
    page.get_by_label("Choisissez votre mot de passe").fill(PASSWORD)
    expect(page.locator("li.is-met")).to_have_count(5)
    page.get_by_label("Confirmez votre mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Activer mon compte").click()

    expect(page).to_have_url(site + "/connexion/")
    expect(page.get_by_role("status").filter(has_text="Votre compte est activé.")).to_be_visible()
    axe_check(page, "connexion")

    # The link has served: it explains itself.
    page.goto(activation_link(smtp_server, "paul.durand@example.fr"))
    expect(page.get_by_text("Ce lien a déjà servi : votre compte est activé.")).to_be_visible()
    axe_check(page, "lien déjà utilisé")


def test_the_same_flow_in_english_chosen_with_the_switcher(
        page, site, smtp_server, run_mail_worker, axe_check):
    page.goto(site + "/inscription/")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.get_by_role("heading", name=re.compile("Step 1: My identifiers"))).to_be_visible()
    axe_check(page, "step 1 (en)")

    # Field names rather than labels: the shared forms' English labels live in another catalogue.
    page.fill("[name=email]", "jane.doe@example.org")
    page.select_option("[name=mobile_phone_region]", "GB")
    page.fill("[name=mobile_phone_number]", "07400 123456")
    page.get_by_role("button", name="Confirm").click()

    page.select_option("[name=civility]", "MME")
    page.fill("[name=last_name]", "Doe")
    page.fill("[name=first_name]", "Jane")
    page.select_option("[name=country]", "GB")
    page.fill("[name=street_name]", "Baker Street")
    page.fill("[name=postal_code]", "NW1 6XE")
    page.fill("[name=city]", "London")
    page.check("[name=is_attorney][value=non]")
    page.check("[name=is_legal_person][value=oui]")
    axe_check(page, "step 2 (en)")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", name=re.compile("Step 3: My legal entity"))).to_be_visible()
    page.fill("[name=legal_name]", "Doe Ltd")
    page.fill("[name=legal_form]", "Ltd")
    page.fill("[name=registration_number]", "01234567")
    axe_check(page, "step 3 (en)")
    page.get_by_role("button", name="Confirm").click()

    page.fill("[name=answer_1]", "Smith")
    page.fill("[name=answer_2]", "Tennis")
    axe_check(page, "step 4 (en)")
    page.get_by_role("button", name="Confirm").click()

    page.check("[name=accept_terms][value=oui]")
    expect(page.get_by_role("heading", name=re.compile(
        "Step 5: Acceptance of the terms of use"))).to_be_visible()
    axe_check(page, "step 5 (en)")
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_text("You will receive a confirmation message at your e-mail address so "
                            "that you can activate your account.")).to_be_visible()
    axe_check(page, "done (en)")

    run_mail_worker()
    [message] = smtp_server.to("jane.doe@example.org")
    assert message["Subject"].strip() == "Activate your INPI e-procedures account"
    page.goto(activation_link(smtp_server, "jane.doe@example.org"))
    page.get_by_text("Password rules").click()
    axe_check(page, "activation (en)")
    page.fill("[name=password1]", "short")
    page.fill("[name=password2]", "short")
    page.get_by_role("button", name="Activate my account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page, "activation refused (en)")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.get_by_role("button", name="Activate my account").click()

    expect(page).to_have_url(site + "/connexion/")
    expect(page.get_by_text("Your account is activated.")).to_be_visible()
    axe_check(page, "sign-in (en)")

    page.goto(site + "/activation/nouveau-lien/")
    axe_check(page, "new link (en)")
    page.goto(site + "/activation/not-a-token/")
    expect(page.get_by_text("This activation link is not valid.")).to_be_visible()
    axe_check(page, "invalid link (en)")


def test_the_wizard_works_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    try:
        page.goto(site + "/inscription/")
        page.get_by_label("Adresse courriel").fill("paul.durand@example.fr")
        group(page, "Numéro de téléphone mobile").get_by_role("textbox").fill("612345678")
        page.get_by_role("button", name="Valider").click()

        page.get_by_role("textbox", name="Nom", exact=True).fill("Durand")
        page.get_by_role("button", name="Ajouter un numéro de téléphone").click()
        # A round trip: the page comes back with what was typed and one more row.
        expect(group(page, "Autre numéro de téléphone 1")).to_be_visible()
        expect(page.get_by_role("textbox", name="Nom", exact=True)).to_have_value("Durand")
        group(page, "Autre numéro de téléphone 1").get_by_role("textbox").fill("3 20 00 00 00")
        page.get_by_role("button", name="Ajouter un numéro de téléphone").click()
        expect(group(page, "Autre numéro de téléphone 2")).to_be_visible()
        expect(group(page, "Autre numéro de téléphone 1").get_by_role("textbox")).to_have_value(
            "3 20 00 00 00")

        # A completed step reopens from its title.
        page.get_by_role("link", name=re.compile("Etape 1 : Mes identifiants")).click()
        expect(page.get_by_label("Adresse courriel")).to_have_value("paul.durand@example.fr")
    finally:
        context.close()
