import re
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.urls import reverse

from eprocedures.accounts.models import UserSession
from eprocedures.accounts.sessions import AUTH_METHOD
from eprocedures.audit.models import AuditEvent
from eprocedures.signin import pagecache

from .conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

INVALID = "Adresse courriel ou mot de passe incorrect."
INACTIVE = (
    "Votre compte n&#x27;est pas encore activé : cliquez sur le lien du courriel d&#x27;activation "
    "que vous avez reçu, ou demandez-en un nouveau."
)


def sign_in(client, email, password=PASSWORD, **data):
    meta = {k: data.pop(k) for k in list(data) if k.isupper()}
    return client.post("/connexion/", {"email": email, "password": password, **data}, **meta)


def test_success_lands_home_and_greets_by_name(client, user):
    response = sign_in(client, user.email)

    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/").content.decode()
    assert "Bonjour Marie Curie" in home


def test_success_rotates_the_session_key(client, user):
    client.get("/connexion/")
    session = client.session
    session["before"] = "x"
    session.save()
    before = session.session_key
    client.cookies["ets_session"] = before

    sign_in(client, user.email)

    after = client.cookies["ets_session"].value
    assert after and after != before
    assert client.session[AUTH_METHOD] == "password"
    assert UserSession.objects.filter(user=user, session_key=after).exists()


def test_success_is_audited_and_sets_last_login(client, user):
    sign_in(client, "  Marie.Curie@Example.FR ", REMOTE_ADDR="203.0.113.9")

    user.refresh_from_db()
    assert user.last_login is not None
    event = AuditEvent.objects.get(event="signin.success")
    assert event.user == user
    assert event.outcome == "success"
    assert event.email == "marie.curie@example.fr"


def test_next_is_honoured_for_a_same_site_path(client, user):
    response = sign_in(client, user.email, next="/mes-informations/?onglet=1")
    assert response["Location"] == "/mes-informations/?onglet=1"


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "http:evil.example",
    "javascript:alert(1)",
    "https://testserver.evil.example/",
    " //evil.example",
    "/\t/evil.example",
    "///evil.example",
    "https:/evil.example",
    "\r\n//evil.example",
    "@evil.example/",
    ".evil.example/",
    "abc",
    "mes-informations/",
    "\ufffd",
    "./x",
    "",
])
def test_next_to_another_site_is_ignored(client, user, target):
    response = sign_in(client, user.email, next=target)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ["abc", "@evil.example/", "%ff"])
def test_a_signed_in_visitor_with_a_bad_next_goes_home(client, user, target):
    client.force_login(user)
    response = client.get(f"/connexion/?next={target}")
    assert (response.status_code, response["Location"]) == (302, "/")


def test_next_from_the_query_string_is_kept_in_the_form(client):
    html = client.get("/connexion/?next=/mes-informations/").content.decode()
    assert '<input type="hidden" name="next" value="/mes-informations/">' in html
    html = client.get("/connexion/?next=https://evil.example/").content.decode()
    assert 'name="next" value="https://evil.example/"' not in html


def _comparable(response, typed):
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return html.replace(typed, "<typed>")


def test_unknown_address_and_wrong_password_answer_the_same(client, user):
    wrong = sign_in(client, user.email, "Mauvais;42Mot")
    unknown = sign_in(client, "personne@example.fr", "Mauvais;42Mot")

    assert wrong.status_code == unknown.status_code == 200
    assert INVALID in wrong.content.decode()
    assert _comparable(wrong, user.email) == _comparable(unknown, "personne@example.fr")


def _headers(response):
    # "Expires" is the time of the answer (never_cache): present, but not compared.
    assert response.has_header("Expires")
    return sorted((k, v) for k, v in response.items() if k not in {"Set-Cookie", "Expires"}) + sorted(
        (name, dict(morsel)) for name, morsel in response.cookies.items()
        if name != "csrftoken")


@pytest.mark.parametrize("other_state", ["unknown", "awaiting_activation"])
def test_refusals_are_byte_identical_apart_from_the_csrf_token(db, other_state):
    """The same address typed: wrong password on an account, then no usable account."""
    from django.test import Client

    def attempt():
        browser = Client(enforce_csrf_checks=True)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"',
                          browser.get("/connexion/").content.decode())[1]
        response = browser.post("/connexion/", {
            "csrfmiddlewaretoken": token, "email": "Marie.Curie@example.fr ",
            "password": "Mauvais;42Mot"})
        return response, token

    account = make_user()
    wrong, wrong_token = attempt()
    account.delete()
    if other_state == "awaiting_activation":
        make_user(password=None, activated=False)
    other, other_token = attempt()

    assert wrong.status_code == other.status_code == 200
    assert _headers(wrong) == _headers(other)
    tokens = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert wrong_token != other_token
    assert tokens.sub(b"<token>", wrong.content) == tokens.sub(b"<token>", other.content)
    assert INVALID in wrong.content.decode()


def test_unknown_address_still_costs_one_hash(client, user):
    with mock.patch.object(MD5PasswordHasher, "verify", autospec=True,
                           side_effect=MD5PasswordHasher.verify) as verify:
        sign_in(client, "personne@example.fr", "Mauvais;42Mot")
        assert verify.call_count == 1
        sign_in(client, user.email, "Mauvais;42Mot")
        assert verify.call_count == 2


def test_malformed_address_gets_the_same_answer(client, db):
    response = sign_in(client, "pas-une-adresse", "Mauvais;42Mot")
    assert INVALID in response.content.decode()


def test_empty_fields_are_required(client, db):
    html = client.post("/connexion/", {"email": "", "password": ""}).content.decode()
    assert "Adresse courriel : Ce champ est obligatoire." in html
    assert "Mot de passe : Ce champ est obligatoire." in html


def test_account_not_yet_activated_says_so_and_offers_a_new_link(client, db):
    pending = make_user("pierre@example.fr", activated=False)

    response = sign_in(client, pending.email)

    html = response.content.decode()
    assert INACTIVE in html
    target = reverse("registration:resend")
    assert target == "/activation/nouveau-lien/"
    assert f'<a href="{target}">Recevoir un nouveau lien d\'activation</a>' in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(event="signin.failure").detail["reason"] == "not_activated"


def test_account_awaiting_activation_without_password_answers_like_a_wrong_password(client, db):
    pending = make_user("pierre@example.fr", password=None, activated=False)

    response = sign_in(client, pending.email, "Nimporte;42Quoi")

    assert INVALID in response.content.decode()
    pending.refresh_from_db()
    assert pending.failed_login_count == 0  # no password: nothing to guess, nothing counted


def test_disabled_account_cannot_sign_in(client, db):
    disabled = make_user("paul@example.fr", is_active=False)
    response = sign_in(client, disabled.email)
    assert INVALID in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failure_is_audited(client, user):
    sign_in(client, user.email, "Mauvais;42Mot", HTTP_USER_AGENT="Navigateur/1.0")
    sign_in(client, "Personne@example.fr", "Mauvais;42Mot")

    wrong, unknown = AuditEvent.objects.filter(event="signin.failure").order_by("id")
    assert (wrong.user, wrong.outcome) == (user, "failure")
    assert wrong.detail["reason"] == "wrong_password"
    assert wrong.user_agent == "Navigateur/1.0"
    assert wrong.ip == "127.0.0.1"
    assert (unknown.user, unknown.email, unknown.detail["reason"]) == (
        None, "personne@example.fr", "unknown_account")


def test_sign_out_ends_the_session_and_is_audited(signed_in_client, user):
    key = signed_in_client.cookies["ets_session"].value

    response = signed_in_client.post("/deconnexion/")

    assert response.status_code == 302
    assert response["Location"] == "/connexion/"
    assert signed_in_client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event="signout", user=user).count() == 1
    assert not UserSession.objects.filter(session_key=key).exists()
    page = signed_in_client.get("/connexion/").content.decode()
    assert "Vous êtes déconnecté." in page


def test_refused_page_shows_the_address_typed_escaped(client, db):
    typed = '"><script>alert(1)</script>@example.fr'
    html = sign_in(client, typed, "Mauvais;42Mot").content.decode()

    assert INVALID in html
    assert ('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.fr"') in html
    assert "<script>alert(1)" not in html
    assert pagecache.TYPED_MARK not in html


def test_refused_page_keeps_remember_me_ticked(client, user):
    html = sign_in(client, user.email, "Mauvais;42Mot", remember="on").content.decode()
    assert '<input type="checkbox" name="remember" id="id_remember" checked>' in html
    html = sign_in(client, user.email, "Mauvais;42Mot").content.decode()
    assert '<input type="checkbox" name="remember" id="id_remember">' in html
    assert f'value="{user.email}"' in html
