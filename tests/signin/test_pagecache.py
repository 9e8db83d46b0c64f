"""The reused anonymous sign-in page never carries one visitor's state to another."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import autoreload

from eprocedures.signin import pagecache

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Mauvais;42Mot"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def without_tokens(html):
    return CSRF_INPUT.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.fixture(autouse=True)
def empty_cache():
    pagecache.forget_pages()
    yield
    pagecache.forget_pages()


def test_reused_page_is_the_page_django_renders(monkeypatch, user):
    typed = ' "Marie" & <Co>@example.fr '
    requests = [
        ("get", "/connexion/", {}),
        ("get", "/connexion/?onglet=carte&next=/mes-informations/", {}),
        ("post", "/connexion/", {"email": typed, "password": WRONG, "remember": "on"}),
        ("post", "/connexion/?next=/e-procedures/", {"email": user.email, "password": WRONG,
                                                     "next": "/e-procedures/"}),
    ]
    for _ in range(5):  # four wrong passwords, then blocked: both outcomes are compared
        Client().post("/connexion/", {"email": user.email, "password": WRONG})
    requests.append(("post", "/connexion/", {"email": user.email, "password": PASSWORD}))

    def pages():
        out = []
        for method, path, data in requests:
            for _ in range(2):  # the second one is served from the reused page
                out.append(without_tokens(getattr(Client(), method)(path, data).content.decode()))
        return out

    reused = pages()
    monkeypatch.setattr(pagecache, "cacheable", lambda request: False)
    rendered = pages()

    assert reused == rendered
    assert "Votre compte est bloqué (nombre de tentatives maximal atteint)" in reused[-1]
    assert "&quot;Marie&quot; &amp; &lt;Co&gt;@example.fr" in reused[4]


def test_one_visitors_address_and_outcome_never_reach_another(user, settings):
    settings.ETS_MAX_FAILED_LOGINS = 1
    first = Client().post("/connexion/", {"email": user.email, "password": WRONG})
    assert "Votre compte est bloqué" in first.content.decode()

    other = Client().post("/connexion/", {"email": "autre@example.fr", "password": WRONG})
    html = other.content.decode()

    assert "Adresse courriel ou mot de passe incorrect." in html
    assert "Votre compte est bloqué" not in html
    assert user.email not in html
    blank = Client().get("/connexion/").content.decode()
    assert user.email not in blank and "autre@example.fr" not in blank
    assert "Adresse courriel ou mot de passe incorrect." not in blank


def test_each_visitor_gets_their_own_csrf_token(db):
    tokens = set()
    for _ in range(3):
        browser = Client(enforce_csrf_checks=True)
        html = browser.get("/connexion/").content.decode()
        [form_token, switcher_token] = CSRF_INPUT.findall(html)
        tokens.add(form_token)
        assert pagecache.CSRF_MARK not in html
    assert len(tokens) == 3


def test_marker_like_text_from_a_visitor_is_left_alone(db):
    # Markers are random per process: a visitor cannot make the page put the CSRF
    # token (or the address typed) where their own text was.
    for old_marker in ["ets-csrf-token-marker", "ets-typed-address-marker"]:
        html = Client().get(f"/connexion/?next=/{old_marker}").content.decode()
        assert f'<input type="hidden" name="next" value="/{old_marker}">' in html
        html = Client().post(f"/connexion/?x={old_marker}", {
            "email": "x@example.fr", "password": WRONG, "next": f"/{old_marker}"}).content.decode()
        assert f'<input type="hidden" name="next" value="/{old_marker}">' in html
    assert pagecache.CSRF_MARK.startswith("ets-csrf-") and len(pagecache.CSRF_MARK) > 30


def test_language_is_never_shared(db):
    english = Client()
    english.cookies["ets_language"] = "en"
    assert "Sign in to the INPI" in english.get("/connexion/").content.decode()
    assert "Incorrect e-mail address or password." in english.post(
        "/connexion/", {"email": "x@example.fr", "password": WRONG}).content.decode()

    french = Client()
    assert "Connectez-vous à l'espace" in french.get("/connexion/").content.decode()
    html = french.post("/connexion/", {"email": "x@example.fr", "password": WRONG}).content.decode()
    assert "Adresse courriel ou mot de passe incorrect." in html
    assert 'lang="fr"' in html


def test_page_with_a_message_is_neither_reused_nor_kept(client, user):
    client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    client.post("/deconnexion/")
    assert "Vous êtes déconnecté." in client.get("/connexion/").content.decode()

    assert "Vous êtes déconnecté." not in Client().get("/connexion/").content.decode()
    assert "Vous êtes déconnecté." not in client.get("/connexion/").content.decode()


def test_setting_change_is_seen_at_once(settings, db):
    assert "sécurisé de l'INPI" in Client().get("/connexion/").content.decode()
    settings.ETS_OFFICE_NAME = "OMPI"
    assert "sécurisé de l'OMPI" in Client().get("/connexion/").content.decode()


def test_changed_source_file_drops_the_pages(db):
    Client().get("/connexion/")
    assert pagecache._pages

    template = Path(pagecache.__file__).parent / "templates" / "signin" / "login.html"
    results = autoreload.file_changed.send(sender=None, file_path=template)

    assert not pagecache._pages
    # The development server still decides alone whether to restart.
    assert all(result is None for receiver, result in results
               if receiver is pagecache._forget_on_file_change)


def test_the_number_of_pages_kept_is_bounded(db):
    for n in range(pagecache.MAX_PAGES + 10):
        Client().get(f"/connexion/?n={n}")
    assert len(pagecache._pages) == pagecache.MAX_PAGES


def refuse(browser, token, **extra):
    return browser.post("/connexion/", {
        "email": "x@example.fr", "password": WRONG, "csrfmiddlewaretoken": token}, **extra)


def test_a_refusal_gives_back_the_token_it_was_posted_with(db):
    browser = Client(enforce_csrf_checks=True)
    token = CSRF_INPUT.findall(browser.get("/connexion/").content.decode())[0]

    refused = refuse(browser, token)

    assert refused.status_code == 200
    assert CSRF_INPUT.findall(refused.content.decode()) == [token, token]
    again = refuse(browser, token)  # the page's token keeps working
    assert again.status_code == 200
    assert "Adresse courriel ou mot de passe incorrect." in again.content.decode()


def test_a_refusal_never_shows_the_cookie_secret_or_a_header_token(db):
    browser = Client(enforce_csrf_checks=True)
    token = CSRF_INPUT.findall(browser.get("/connexion/").content.decode())[0]
    secret = browser.cookies["csrftoken"].value

    # Django also accepts the bare secret in the form: it is not shown back.
    unmasked = refuse(browser, secret).content.decode()
    # A token sent in the header (scripts) is not in the form: the page gets its own.
    by_header = browser.post("/connexion/", {"email": "x@example.fr", "password": WRONG},
                             headers={"X-CSRFToken": token}).content.decode()

    for html in (unmasked, by_header):
        fresh = CSRF_INPUT.findall(html)[0]
        assert secret not in html
        assert len(fresh) == 64 and fresh != token
        assert refuse(browser, fresh).status_code == 200


def test_a_forged_post_is_refused_before_any_page(db):
    browser = Client(enforce_csrf_checks=True)
    browser.get("/connexion/")

    assert refuse(browser, "A" * 64).status_code == 403
