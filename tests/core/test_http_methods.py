"""HEAD wherever GET is allowed; any other method refused with the portal's 405 page."""

import logging

import pytest
from django.test import Client

from eprocedures.registration.steps import WizardState
from tests.factories import person

pytestmark = pytest.mark.django_db


def page_405(response, allowed: str) -> str:
    """The portal's 405 page, with its Allow header; returns its HTML."""
    assert response.status_code == 405
    assert response["Allow"] == allowed
    return response.content.decode()


@pytest.mark.parametrize("path", ["/connexion/", "/mot-de-passe-oublie/", "/activation/nouveau-lien/",
                                  "/mot-de-passe-oublie/envoye/"])
def test_head_answers_as_get_does(client, path):
    get = client.get(path)
    head = client.head(path)

    assert get.status_code == 200
    assert head.status_code == 200
    assert head["Content-Type"] == get["Content-Type"]
    assert head["Content-Language"] == get["Content-Language"]


def test_head_on_a_wizard_step_shows_it_and_validates_nothing(client, monkeypatch):
    from eprocedures.registration import views

    first = client.get("/inscription/")["Location"]
    monkeypatch.setattr(views, "build_forms", lambda *a: pytest.fail("HEAD went the POST way"))

    response = client.head(first)

    assert response.status_code == 200
    # A HEAD is not a POST: nothing was stored, the step is still the one to complete.
    assert WizardState(client.session).current().url() == first


def test_post_only_address_refused_with_the_page_and_allow_header(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/deconnexion/")

    html = page_405(response, "POST")
    assert "<h1>Action impossible sur cette page</h1>" in html
    assert "Espace transactionnel sécurisé" in html
    assert "Method Not Allowed (GET): /deconnexion/" in caplog.text
    assert "no-store" in response["Cache-Control"]


def test_with_csrf_enforced_a_method_the_page_never_takes_gets_the_405_page():
    # Checked by the CSRF middleware before the view: the refusal must still say that the
    # page does not take the method, not that a form expired.
    client = Client(enforce_csrf_checks=True)

    options = client.options("/connexion/")
    put = client.put("/connexion/")
    delete = client.delete("/healthz")

    assert "<h1>Action impossible sur cette page</h1>" in page_405(options, "GET, HEAD, POST")
    assert "<h1>Action impossible sur cette page</h1>" in page_405(put, "GET, HEAD, POST")
    page_405(delete, "GET, HEAD")


def test_with_csrf_enforced_a_post_without_token_on_a_post_page_is_the_csrf_refusal():
    response = Client(enforce_csrf_checks=True).post("/connexion/", {"email": "x"})

    assert response.status_code == 403
    assert "<h1>Formulaire expiré</h1>" in response.content.decode()


def test_405_page_in_english(client):
    client.cookies["ets_language"] = "en"

    response = client.put("/connexion/")

    html = page_405(response, "GET, HEAD, POST")
    assert "<h1>This action is not possible on this page</h1>" in html
    assert '<html lang="en">' in html


def test_get_only_page_refuses_a_delete(client):
    page_405(client.delete("/inscription/terminee/"), "GET, HEAD")


def test_bad_request_page_in_the_visitors_language(settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client(raise_request_exception=False)

    french = client.get("/connexion/", HTTP_HOST="ailleurs.example")
    client.cookies["ets_language"] = "en"
    english = client.get("/connexion/", HTTP_HOST="ailleurs.example")

    assert french.status_code == english.status_code == 400
    assert "<h1>Requête incorrecte</h1>" in french.content.decode()
    assert '<html lang="fr">' in french.content.decode()
    assert "<h1>Bad request</h1>" in english.content.decode()
    assert '<html lang="en">' in english.content.decode()


@pytest.mark.parametrize(("path", "allowed"), [
    ("/aide/", "GET, HEAD"), ("/cgu/", "GET, HEAD"), ("/healthz", "GET, HEAD"),
    ("/", "GET, HEAD"), ("/mes-informations/", "GET, HEAD"),
    ("/mes-informations/coordonnees/", "GET, HEAD, POST"),
    ("/carte-a-puce/connexion/", "GET, HEAD"), ("/mot-de-passe-oublie/envoye/", "GET, HEAD"),
])
def test_every_app_refuses_the_methods_it_does_not_use(client, path, allowed):
    client.force_login(person("paul.durand@example.fr"))

    page_405(client.put(path), allowed)
