import pytest
from django.test import Client
from django.urls import path

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("unexpected")


urlpatterns = [path("boom/", boom)]


def test_unknown_page_answers_404_in_the_portals_layout(client):
    response = client.get("/nulle-part/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page introuvable</h1>" in html
    assert "Espace transactionnel sécurisé de l'INPI" in html


def test_404_page_in_english(client):
    client.cookies["ets_language"] = "en"

    html = client.get("/nulle-part/").content.decode()

    assert "<h1>Page not found</h1>" in html
    assert '<html lang="en">' in html


def test_server_error_page_needs_no_request_context(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "<h1>Erreur du service</h1>" in response.content.decode()
