"""/aide/ and /cgu/: one document per language, with the helpdesk block from the settings."""

import re
from html import unescape

import pytest
from django.utils import timezone

from eprocedures.accounts.models import User

pytestmark = pytest.mark.django_db


def test_help_in_french_shows_the_helpdesk_and_the_rules(client, settings):
    settings.ETS_HELPDESK_PHONE = "0 800 000 000"
    settings.ETS_HELPDESK_EMAIL = "aide@office.example"
    html = client.get("/aide/").content.decode()

    assert '<html lang="fr">' in html
    assert "<h1>Aide en ligne – première connexion</h1>" in html
    assert 'href="tel:0800000000"' in html and "aide@office.example" in html
    assert "du lundi au vendredi, de 9 h à 18 h" in html
    assert "doit contenir au moins un signe de ponctuation parmi [, ; . + : ! ? = @]" in html
    assert "<strong>15 jours</strong>" in html
    assert 'href="/inscription/"' in html and 'href="/activation/nouveau-lien/"' in html


def test_help_in_english(client, settings):
    settings.ETS_HELPDESK_HOURS = "weekdays 8:30–17:30"
    client.cookies["ets_language"] = "en"
    html = client.get("/aide/").content.decode()

    assert "<h1>Online help – first log on</h1>" in html
    assert "(weekdays 8:30–17:30)" in html
    assert "must contain between 8 and 32 characters" in html


def test_terms_in_both_languages(client):
    html = unescape(client.get("/cgu/").content.decode())
    assert "<h1>Conditions générales d'utilisation de l'espace e-procédures</h1>" in html
    assert "Seule la version française fait foi." in html
    client.cookies["ets_language"] = "en"
    html = client.get("/cgu/").content.decode()
    assert "<h1>Terms of use of the e-procedures website</h1>" in html


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/aide/", "/cgu/"])
def test_help_and_terms_pass_axe_in_both_languages(live_server, page, axe_check, path):
    page.goto(live_server.url + path)
    axe_check(page, "fr")
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    axe_check(page, "en")


# --- The help is true to the portal: every label it quotes is on the page it names ------------

SIGNED_IN_PAGES = {"/mes-informations/", "/carte-a-puce/ajouter/"}
HELP_LABELS = {
    "fr": [
        ("/inscription/identifiants/", ["Valider", "Adresse courriel",
                                         "Numéro de téléphone mobile", "+33 (FR)"]),
        ("/activation/nouveau-lien/", ["Recevoir un nouveau lien d'activation"]),
        ("/connexion/", ["Email/Mot de passe", "Carte à puce", "Connexion", "Rester identifié",
                         "Mot de passe oublié", "S'inscrire"]),
        ("/connexion/?onglet=carte", ["Connexion par carte à puce"]),
        ("/mot-de-passe-oublie/", ["Courriel", "Réinitialiser mon mot de passe"]),
        ("/mes-informations/", ["Bonjour", "Mes informations", "Mes moyens d'identification",
                                "Ajouter"]),
        ("/carte-a-puce/ajouter/", ["Recevoir le code d'activation"]),
    ],
    "en": [
        ("/inscription/identifiants/", ["Confirm", "E-mail address",
                                         "Mobile phone number", "+33 (FR)"]),
        ("/activation/nouveau-lien/", ["Get a new activation link"]),
        ("/connexion/", ["Email/Password", "Smartcard", "Sign in", "Stay signed in",
                         "Forgotten password", "Register"]),
        ("/connexion/?onglet=carte", ["Smartcard sign-in"]),
        ("/mot-de-passe-oublie/", ["E-mail", "Reset my password"]),
        ("/mes-informations/", ["Hello", "My details", "My means of identification", "Add"]),
        ("/carte-a-puce/ajouter/", ["Receive the activation code"]),
    ],
}


def visible_text(response):
    html = re.sub(r"</?(?:strong|a|em|span)\b[^>]*>", "", response.content.decode())
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_label_the_help_quotes_is_on_the_page_it_names(client, language):
    attorney = User.objects.create_user(
        "paul.durand@example.fr", "Bleu.Lille59", first_name="Paul", last_name="Durand",
        mobile_phone="+33612345678", is_attorney=True, is_active=True,
        activated_at=timezone.now())
    client.cookies["ets_language"] = language
    help_text = visible_text(client.get("/aide/"))
    for path, labels in HELP_LABELS[language]:
        if path in SIGNED_IN_PAGES:
            client.force_login(attorney)
        page = visible_text(client.get(path))
        client.logout()
        client.cookies["ets_language"] = language
        for label in labels:
            assert label.lower() in help_text.lower(), (language, label, "help")
            assert label in page, (language, label, path)


@pytest.mark.parametrize(("language", "blocked", "code"), [
    ("fr", "Après 7 tentatives de connexion infructueuses consécutives, votre compte est bloqué "
           "et le message « Votre compte est bloqué (nombre de tentatives maximal atteint) » "
           "apparaît.",
     "un code d'activation, valable 30 minutes et une seule fois"),
    ("en", "After 7 consecutive failed sign-in attempts, your account is blocked and the message "
           "“Your account is blocked (maximum number of attempts reached)” appears.",
     "an activation code, valid for 30 minutes and usable once"),
])
def test_help_follows_the_settings_of_blocking_and_card_enrolment(
        client, settings, language, blocked, code):
    settings.ETS_MAX_FAILED_LOGINS = 7
    settings.ETS_SMARTCARD_CODE_MINUTES = 30
    client.cookies["ets_language"] = language
    text = visible_text(client.get("/aide/"))
    assert blocked in text
    assert code in text
    reserved = ("Elle est réservée aux comptes qui ont répondu « Oui »" if language == "fr" else
                "It is reserved for accounts that answered “Yes”")
    assert reserved in text
    settings.ETS_SMARTCARD_OPEN_TO_ALL = True
    assert reserved not in visible_text(client.get("/aide/"))


def test_help_explains_card_enrolment_with_the_emailed_code_and_the_card_tab(client):
    text = visible_text(client.get("/aide/"))
    assert ("Dans le bloc « Mes moyens d'identification », cliquez sur Ajouter. Si la page vous "
            "le demande, saisissez à nouveau votre mot de passe, puis cliquez sur Recevoir le "
            "code d'activation.") in text
    assert "Vous recevez un courriel contenant un lien « Activer » et un code d'activation" in text
    assert ("choisissez l'onglet « Carte à puce » sur la page de connexion, insérez votre carte "
            "et cliquez sur Connexion par carte à puce") in text
