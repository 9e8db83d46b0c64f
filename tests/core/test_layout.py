import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_french_by_default_with_the_office_name(client):
    response = client.get("/aide/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in html
    assert "Espace transactionnel sécurisé de l'INPI" in html
    assert 'href="/aide/"' in html


def test_language_switcher_remembers_english_in_a_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/aide/"})

    assert response.status_code == 302
    assert response["Location"] == "/aide/"
    assert response.cookies["ets_language"].value == "en"
    html = client.get("/aide/").content.decode()
    assert '<html lang="en">' in html
    assert "INPI secure transactional space" in html
    assert "Skip to content" in html


def test_office_name_is_a_setting(client, settings):
    settings.ETS_OFFICE_NAME = "OEB"

    html = client.get("/aide/").content.decode()

    assert "Espace transactionnel sécurisé de l'OEB" in html


def test_local_mailbox_is_reachable_only_in_local_mode(client, settings):
    settings.ETS_LOCAL_MAILBOX = True
    assert client.get("/boite-locale/").status_code == 200

    settings.ETS_LOCAL_MAILBOX = False
    assert client.get("/boite-locale/").status_code == 404


def test_local_mailbox_shows_a_sent_message_and_refuses_path_tricks(client, settings):
    from django.core.mail import EmailMessage

    from eprocedures.outbox.mailbox import MailboxBackend, list_messages

    settings.ETS_LOCAL_MAILBOX = True
    MailboxBackend().send_messages(
        [EmailMessage("Activez votre compte", "Lien : http://x/activation/abc/", "a@b.c", ["p@d.fr"])]
    )
    [stored] = list_messages()

    page = client.get(f"/boite-locale/{stored.name}/").content.decode()

    assert "Activez votre compte" in page
    assert '<a href="http://x/activation/abc/"' in page
    assert client.get("/boite-locale/..%2Fsecret_key/").status_code == 404


def test_browser_language_does_not_override_the_french_default(client):
    html = client.get("/aide/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()

    assert '<html lang="fr">' in html


def test_an_unknown_language_cookie_falls_back_to_french(client):
    client.cookies["ets_language"] = "de"

    response = client.get("/aide/")

    assert '<html lang="fr">' in response.content.decode()
    assert response["Content-Language"] == "fr"
