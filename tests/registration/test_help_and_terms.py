"""/aide/ and /cgu/: one document per language, with the helpdesk block from the settings."""

from html import unescape

import pytest

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
