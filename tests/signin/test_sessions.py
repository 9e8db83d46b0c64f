import time

import pytest

from eprocedures.audit.models import AuditEvent
from eprocedures.signin.flows import LAST_SEEN

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def sign_in(client, user, **data):
    return client.post("/connexion/", {"email": user.email, "password": PASSWORD, **data})


def test_without_remember_me_the_session_ends_with_the_browser(client, user):
    response = sign_in(client, user)

    cookie = response.cookies["ets_session"]
    assert cookie["max-age"] == ""
    assert cookie["expires"] == ""
    assert client.session.get_expire_at_browser_close()
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_with_remember_me_the_session_lasts_the_setting(client, user, settings):
    settings.ETS_REMEMBER_ME_DAYS = 30
    response = sign_in(client, user, remember="on")

    cookie = response.cookies["ets_session"]
    assert cookie["max-age"] == 30 * 86400
    assert not client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 30 * 86400


def _idle_for(client, minutes):
    session = client.session
    session[LAST_SEEN] = int(time.time()) - minutes * 60
    session.save()


def test_idle_session_is_signed_out(client, user, settings):
    settings.ETS_IDLE_MINUTES = 30
    sign_in(client, user)
    _idle_for(client, 31)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/connexion/"
    assert "_auth_user_id" not in client.session
    html = client.get("/connexion/").content.decode()
    assert "Votre session a expiré après 30 minutes d&#x27;inactivité." in html
    assert AuditEvent.objects.filter(event="session.expired", user=user).count() == 1


def test_active_session_stays_open(client, user, settings):
    settings.ETS_IDLE_MINUTES = 30
    sign_in(client, user)
    _idle_for(client, 29)

    assert client.get("/").status_code == 200
    assert client.session[LAST_SEEN] >= int(time.time()) - 5  # the activity moved it on


def test_remembered_session_has_no_idle_limit(client, user, settings):
    settings.ETS_IDLE_MINUTES = 30
    sign_in(client, user, remember="on")
    _idle_for(client, 24 * 60)

    assert client.get("/").status_code == 200


def test_secure_cookie_flags_follow_an_https_site(monkeypatch):
    import importlib

    import eprocedures.settings as module

    monkeypatch.setenv("ETS_SITE_URL", "https://procedures.example.org")
    try:
        secure = importlib.reload(module)
        assert secure.SESSION_COOKIE_SECURE is True
        assert secure.CSRF_COOKIE_SECURE is True
        assert secure.SESSION_COOKIE_HTTPONLY is True
    finally:
        monkeypatch.delenv("ETS_SITE_URL")
        importlib.reload(module)


def test_header_menu_greets_and_signs_out(client, user):
    sign_in(client, user)

    html = client.get("/").content.decode()

    assert "<summary>Bonjour Marie Curie</summary>" in html
    assert '<a href="/mes-informations/">Mes informations</a>' in html
    assert '<a href="/">Espace personnel</a>' in html
    assert 'action="/deconnexion/"' in html
    assert ">Me déconnecter</button>" in html
    assert client.post("/deconnexion/").status_code == 302
    assert client.get("/").status_code == 302
