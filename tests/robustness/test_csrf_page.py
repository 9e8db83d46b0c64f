"""A form posted without its CSRF token (expired page, cookies refused) gets the portal's page."""

import html
import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_posted_without_its_token_explains_what_to_do_in_french():
    client = Client(enforce_csrf_checks=True)

    response = client.post("/connexion/", {"email": "paul.durand@example.fr", "password": "x"})

    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert '<html lang="fr">' in page
    assert "<h1>Formulaire expiré</h1>" in page
    assert ("Ce formulaire n'a pas pu être envoyé : la page est restée ouverte trop longtemps, ou "
            "votre navigateur refuse les cookies de ce site. Revenez à la page précédente, "
            "rechargez-la, puis envoyez le formulaire de nouveau.") in page
    assert '<a href="/">Retour à l\'accueil</a>' in page
    assert '<a href="/aide/">Aide en ligne</a>' in page
    assert "CSRF" not in page


def test_the_expired_form_page_in_english():
    client = Client(enforce_csrf_checks=True)
    client.cookies["ets_language"] = "en"

    response = client.post("/mot-de-passe-oublie/", {"email": "paul.durand@example.fr"})

    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert '<html lang="en">' in page
    assert "<h1>Form expired</h1>" in page
    assert ("Cookies must be allowed for this site: they keep you signed in and protect your "
            "forms.") in page


def test_a_sign_out_refused_for_its_token_says_the_visitor_is_still_signed_in():
    # Signed out and in again in another tab: the first tab's "Me déconnecter" holds a
    # token that no longer matches. The page must not let the visitor believe it worked.
    from tests.signin.conftest import PASSWORD, make_user

    user = make_user()
    client = Client(enforce_csrf_checks=True)
    page = client.get("/connexion/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    client.post("/connexion/", {"email": user.email, "password": PASSWORD,
                                "csrfmiddlewaretoken": token})

    response = client.post("/deconnexion/", {"csrfmiddlewaretoken": token})  # rotated since

    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert "<h1>Formulaire expiré</h1>" in page
    assert "Vous n'avez pas été déconnecté" in page
    assert "Cache-Control" in response and "no-store" in response["Cache-Control"]
    fresh = re.search(r'action="/deconnexion/">\s*<input type="hidden" '
                      r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    assert client.get("/").status_code == 200  # still signed in, as the page says

    response = client.post("/deconnexion/", {"csrfmiddlewaretoken": fresh})

    assert response.status_code == 302
    assert client.get("/").status_code == 302  # the fresh button did sign out


def test_an_anonymous_sign_out_without_token_gets_the_usual_page():
    client = Client(enforce_csrf_checks=True)

    page = html.unescape(client.post("/deconnexion/").content.decode())

    assert "<h1>Formulaire expiré</h1>" in page
    assert "Vous n'avez pas été déconnecté" not in page
