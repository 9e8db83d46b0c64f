"""A form posted without its CSRF token (expired page, cookies refused) gets the portal's page."""

import html

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
