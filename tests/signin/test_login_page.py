import re

import pytest

from eprocedures.signin import pagecache

pytestmark = pytest.mark.django_db


def test_page_has_the_labels_of_the_specification(client):
    response = client.get("/connexion/")
    html = response.content.decode()

    assert response.status_code == 200
    assert "<h1>Connectez-vous à l'espace transactionnel sécurisé de l'INPI</h1>" in html
    assert ">Email/Mot de passe</a>" in html
    assert ">Carte à puce</a>" in html
    assert '<label for="id_email">Adresse courriel' in html
    assert '<label for="id_password">Mot de passe' in html
    assert 'autocomplete="current-password"' in html
    assert 'autocomplete="username"' in html
    assert '<label for="id_remember">Rester identifié</label>' in html
    assert '<button type="submit" class="button">Connexion</button>' in html
    assert ">Annuler</a>" in html
    assert ">Aide</a>" in html
    assert '<a class="button button--secondary" href="/inscription/">S\'inscrire</a>' in html
    assert '<a href="/mot-de-passe-oublie/">Mot de passe oublié</a>' in html


def test_office_name_comes_from_the_settings(client, settings):
    settings.ETS_OFFICE_NAME = "OMPI"
    html = client.get("/connexion/").content.decode()
    assert "Connectez-vous à l'espace transactionnel sécurisé de l'OMPI" in html


def test_password_tab_is_shown_first_and_card_tab_hidden(client):
    html = client.get("/connexion/").content.decode()
    assert 'id="panel-password" aria-labelledby="tab-password">' in html
    assert 'id="panel-card" aria-labelledby="tab-card" hidden>' in html


def test_card_tab_works_without_javascript(client):
    html = client.get("/connexion/?onglet=carte").content.decode()
    assert 'id="panel-password" aria-labelledby="tab-password" hidden>' in html
    assert 'id="panel-card" aria-labelledby="tab-card">' in html
    assert "Connexion par carte à puce</a>" in html


def test_page_is_translated_in_english(client):
    client.cookies["ets_language"] = "en"
    html = client.get("/connexion/").content.decode()
    assert "Sign in to the INPI secure transactional space" in html
    assert ">Email/Password</a>" in html
    assert ">Smartcard</a>" in html
    assert "Stay signed in" in html
    assert "Forgotten password" in html


def test_signed_in_visitor_is_sent_home(signed_in_client):
    response = signed_in_client.get("/connexion/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_sign_out_needs_post(signed_in_client):
    assert signed_in_client.get("/deconnexion/").status_code == 405


def test_reused_page_carries_this_requests_csrf_token(db):
    from django.test import Client

    from tests.signin.conftest import PASSWORD, make_user

    user = make_user()
    tokens = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        html = browser.get("/connexion/").content.decode()
        assert pagecache.CSRF_MARK not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        tokens.append(token)
        response = browser.post("/connexion/", {
            "csrfmiddlewaretoken": token, "email": user.email, "password": PASSWORD})
        assert response.status_code == 302
    assert tokens[0] != tokens[1]


def test_page_without_csrf_token_is_refused(db):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/connexion/", {"email": "x@example.fr", "password": "x"})
    assert response.status_code == 403
