import html

import pytest
from django.test import Client
from django.urls import path

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("unexpected")


urlpatterns = [path("boom/", boom)]
handler500 = "eprocedures.core.views.server_error"  # as eprocedures/urls.py


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


def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once closed


def sign_in_attempt(client):
    return client.post("/connexion/", {"email": "paul@example.fr", "password": "Mot;2passe"})


def assert_unavailable_page(response, heading="Service momentanément indisponible"):
    assert response.status_code == 503
    assert response["Retry-After"] == "120"
    assert "no-cache" in response["Cache-Control"]
    assert f"<h1>{heading}</h1>" in response.content.decode()


def test_an_unreachable_cache_gives_the_unavailable_page_not_an_error(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    client = Client(raise_request_exception=False)

    # The sign-in counts failures per address in the cache: it cannot decide without it.
    assert_unavailable_page(sign_in_attempt(client))
    # A page that needs no cache still answers.
    assert client.get("/connexion/").status_code == 200


def test_the_unavailable_page_in_english(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": f"redis://127.0.0.1:{closed_port()}/0"}}
    client = Client(raise_request_exception=False)
    client.cookies["ets_language"] = "en"

    response = sign_in_attempt(client)

    assert_unavailable_page(response, "Service temporarily unavailable")
    assert '<html lang="en">' in response.content.decode()


def test_a_lost_database_gives_the_unavailable_page(monkeypatch):
    from django.db import OperationalError

    from eprocedures.signin import flows

    def lost(email):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(flows, "_find_account", lost)

    assert_unavailable_page(sign_in_attempt(Client(raise_request_exception=False)))


def test_the_portals_error_handler_is_installed():
    from eprocedures import urls

    # The portal's handler: 503 only for unreachable services, Django's 500 page otherwise.
    assert urls.handler500 == "eprocedures.core.views.server_error"


def test_a_failure_after_the_language_was_switched_off_still_answers_in_english(monkeypatch):
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.db import OperationalError

    def database_gone(self, request, response):
        raise OperationalError("the database went away while the session was saved")

    monkeypatch.setattr(SessionMiddleware, "process_response", database_gone)
    client = Client(raise_request_exception=False)
    client.cookies["ets_language"] = "en"

    response = client.get("/connexion/")

    assert_unavailable_page(response, "Service temporarily unavailable")
    assert '<html lang="en">' in response.content.decode()


def test_the_error_page_is_in_the_visitors_language(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    client.cookies["ets_language"] = "en"

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "<h1>Service error</h1>" in response.content.decode()


@pytest.mark.parametrize("language, title, text", [
    ("fr", "Accès refusé", "Cette page n'est pas accessible avec votre compte."),
    ("en", "Access denied", "This page is not available to your account."),
])
def test_a_refused_page_is_the_portals_in_the_visitors_language(client, language, title, text):
    # A signed-in visitor who is not staff, sent to the support desk.
    from tests.signin.conftest import PASSWORD, make_user

    user = make_user()
    client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    client.cookies["ets_language"] = language

    response = client.get("/admin/login/")

    page = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert f'<html lang="{language}">' in page
    assert f"<h1>{title}</h1>" in page
    assert text in page
    assert '<main id="main"' in page
