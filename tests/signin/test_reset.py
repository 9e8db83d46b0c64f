import re
import time
from importlib import import_module
from unittest import mock

import pytest
from django.conf import settings as django_settings

from eprocedures.accounts.models import UserSession
from eprocedures.accounts.tokens import make_reset_token
from eprocedures.audit.models import AuditEvent
from eprocedures.outbox.models import OutgoingEmail
from tests.concurrency import in_parallel

from .conftest import NEW_PASSWORD, PASSWORD, make_user

pytestmark = pytest.mark.django_db


def request_reset(client, email):
    return client.post("/mot-de-passe-oublie/", {"email": email})


def link_in(email):
    return re.search(r"http://127\.0\.0\.1:8000(/mot-de-passe-oublie/[^/\s]+/)", email.body_text)[1]


def set_password(client, path, password=NEW_PASSWORD, confirmation=None):
    return client.post(path, {"password1": password, "password2": confirmation or password})


def test_request_page_has_the_labels(client):
    html = client.get("/mot-de-passe-oublie/").content.decode()
    assert "<h1>Mot de passe oublié</h1>" in html
    assert '<label for="id_email">Courriel' in html
    assert ">Réinitialiser mon mot de passe</button>" in html


def test_request_sends_a_single_use_link(client, user):
    response = request_reset(client, " Marie.Curie@Example.FR ")

    assert response.status_code == 302
    assert response["Location"] == "/mot-de-passe-oublie/envoye/"
    email = OutgoingEmail.objects.get(kind="reset")
    assert email.to == user.email
    assert email.subject == "Créez votre nouveau mot de passe – INPI"
    assert "Ce lien ne sert qu'une fois et expire dans 24 heures." in email.body_text
    assert AuditEvent.objects.filter(event="password_reset.requested", user=user).count() == 1


def test_same_answer_whatever_the_address(client, user):
    known = request_reset(client, user.email)
    unknown = request_reset(client, "personne@example.fr")

    assert (known.status_code, known["Location"], known.content) == (
        unknown.status_code, unknown["Location"], unknown.content)
    page = client.get(known["Location"]).content.decode()
    assert "Si un compte correspond à cette adresse, un courriel vient de lui être envoyé" in page
    assert OutgoingEmail.objects.count() == 1


def test_account_awaiting_activation_gets_the_activation_link_again(client, db):
    pending = make_user("pierre@example.fr", password=None, activated=False)

    response = request_reset(client, pending.email)

    assert response["Location"] == "/mot-de-passe-oublie/envoye/"
    email = OutgoingEmail.objects.get()
    assert email.kind == "activation"
    assert "http://127.0.0.1:8000/activation/" in email.body_text
    assert AuditEvent.objects.filter(event="activation.resent", user=pending).count() == 1


def test_emails_per_account_are_limited_without_changing_the_answer(client, user, settings):
    settings.ETS_RESET_EMAILS_PER_ACCOUNT_HOUR = 2
    for _ in range(4):
        assert request_reset(client, user.email)["Location"] == "/mot-de-passe-oublie/envoye/"
    assert OutgoingEmail.objects.filter(kind="reset").count() == 2


def test_link_page_has_the_labels_of_the_specification(client, user):
    html = client.get(f"/mot-de-passe-oublie/{make_reset_token(user)}/").content.decode()
    assert "<h1>Mot de passe oublié</h1>" in html
    assert '<label for="id_password1">Créer votre mot de passe' in html
    assert '<label for="id_password2">Confirmez votre mot de passe' in html
    assert ">Enregistrer mon nouveau mot de passe</button>" in html
    assert html.count('autocomplete="new-password"') == 2


def _other_session(user):
    store = import_module(django_settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store.create()
    UserSession.objects.create(user=user, session_key=store.session_key)
    return store.session_key


def test_new_password_unblocks_ends_sessions_and_notifies(client, user):
    for _ in range(5):
        client.post("/connexion/", {"email": user.email, "password": "Mauvais;42Mot"})
    other = _other_session(user)
    request_reset(client, user.email)
    path = link_in(OutgoingEmail.objects.get(kind="reset"))

    response = set_password(client, path)

    assert response.status_code == 302
    assert response["Location"] == "/connexion/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert (user.failed_login_count, user.blocked_at) == (0, None)
    store = import_module(django_settings.SESSION_ENGINE).SessionStore
    assert not store().exists(other)
    assert not UserSession.objects.filter(session_key=other).exists()
    notice = OutgoingEmail.objects.get(kind="password_changed")
    assert notice.subject == "Votre mot de passe a été modifié – INPI"
    assert AuditEvent.objects.filter(event="password_reset.completed", user=user).count() == 1
    assert AuditEvent.objects.filter(event="account.unblocked", user=user).count() == 1
    page = client.get("/connexion/").content.decode()
    assert "Votre nouveau mot de passe est enregistré. Vous pouvez vous connecter." in page
    signed_in = client.post("/connexion/", {"email": user.email, "password": NEW_PASSWORD})
    assert signed_in["Location"] == "/"


def test_link_works_only_once(client, user):
    path = f"/mot-de-passe-oublie/{make_reset_token(user)}/"
    set_password(client, path)

    response = set_password(client, path, "Autre!99Encore")

    html = response.content.decode()
    assert "Ce lien a déjà servi ou n'est plus valable" in html
    assert '<a class="button" href="/mot-de-passe-oublie/">Demander un nouveau lien</a>' in html
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_link_expires(client, user, settings):
    settings.ETS_RESET_HOURS = 24
    path = f"/mot-de-passe-oublie/{make_reset_token(user)}/"
    later = time.time() + 24 * 3600 + 60

    with mock.patch("django.core.signing.time.time", return_value=later):
        html = client.get(path).content.decode()

    assert "Ce lien a expiré : il n'est valable que 24 heures." in html
    assert "Créer votre mot de passe" not in html


def test_link_dies_when_the_password_changes_another_way(client, user):
    path = f"/mot-de-passe-oublie/{make_reset_token(user)}/"
    user.set_password("Change;88Ailleurs")
    user.save()

    html = client.get(path).content.decode()

    assert "Ce lien a déjà servi ou n'est plus valable" in html


def test_forged_link_is_refused(client, db):
    html = client.get("/mot-de-passe-oublie/abc:def:ghi/").content.decode()
    assert "Ce lien n'est pas valable. Vérifiez que vous l'avez copié en entier." in html


def test_password_rules_and_history_apply(client, user):
    path = f"/mot-de-passe-oublie/{make_reset_token(user)}/"

    html = set_password(client, path, PASSWORD).content.decode()
    assert "Ce mot de passe a déjà été utilisé au cours de la dernière année." in html

    html = set_password(client, path, NEW_PASSWORD, "Autre;77Chose").content.decode()
    assert "Les deux mots de passe ne sont pas identiques." in html

    html = set_password(client, path, "court").content.decode()
    assert "Le mot de passe doit contenir entre 8 et 32 caractères." in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_reset_while_signed_in_keeps_this_session_tracked_under_its_new_key(client, user):
    client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    before = client.session.session_key
    other = _other_session(user)
    user.refresh_from_db()  # the link is made after the sign-in (its fingerprint holds last_login)

    response = set_password(client, f"/mot-de-passe-oublie/{make_reset_token(user)}/")

    assert response["Location"] == "/connexion/"

    after = client.session.session_key
    assert after != before  # the key rotates with the new password hash
    assert client.get("/").status_code == 200  # still signed in
    tracked = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    assert tracked == {after}
    assert other not in tracked


def test_a_link_posted_twice_sets_one_password(client, user, rf):
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.sessions.backends.db import SessionStore

    from eprocedures.accounts.models import User
    from eprocedures.signin import flows

    token = make_reset_token(user)
    as_checked = User.objects.get(pk=user.pk)  # a second post, checked before the first saved
    first = client.post(f"/mot-de-passe-oublie/{token}/",
                        {"password1": "Orage:71Violet", "password2": "Orage:71Violet"})
    assert first.status_code == 302

    request = rf.post("/")
    request.user, request.session = AnonymousUser(), SessionStore()
    assert flows.complete_reset(request, as_checked, "Orage:72Violet") is False

    assert AuditEvent.objects.filter(event="password_reset.completed").count() == 1
    assert User.objects.get(pk=user.pk).check_password("Orage:71Violet")


@pytest.mark.django_db(transaction=True)
def test_a_link_posted_in_parallel_sets_one_password():
    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("row locks under real concurrency need PostgreSQL")
    owner = make_user()
    token = make_reset_token(owner)

    def post(n):
        return Client().post(f"/mot-de-passe-oublie/{token}/", {
            "password1": f"Orage:7{n}Violet", "password2": f"Orage:7{n}Violet"}).status_code

    statuses = in_parallel(post, range(8))

    assert statuses.count(302) == 1 and statuses.count(200) == 7
    assert AuditEvent.objects.filter(event="password_reset.completed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_reset_limits_hold_under_parallel_requests_through_redis(settings):
    import os

    from django.core.cache import caches
    from django.db import connection
    from django.test import RequestFactory

    from eprocedures.signin import flows

    url = os.environ.get("ETS_TEST_REDIS_URL")
    if not url or connection.vendor != "postgresql":
        pytest.skip("needs Redis (ETS_TEST_REDIS_URL) and PostgreSQL, as CI has")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": url}}
    settings.ETS_RESET_REQUESTS_PER_HOUR = 20
    settings.ETS_RESET_EMAILS_PER_ACCOUNT_HOUR = 3
    caches["default"].clear()
    owner = make_user()
    requests = [RequestFactory().post("/mot-de-passe-oublie/", REMOTE_ADDR="203.0.113.7")
                for _ in range(30)]
    try:
        outcomes = in_parallel(lambda request: flows.request_reset(request, owner.email).outcome,
                               requests)
    finally:
        caches["default"].clear()

    assert outcomes.count(flows.Outcome.THROTTLED) == 10
    assert OutgoingEmail.objects.filter(kind="reset", to=owner.email).count() == 3


def test_an_empty_request_says_the_address_is_required(client, db):
    response = client.post("/mot-de-passe-oublie/", {})

    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()


def test_an_empty_new_password_form_says_both_fields_are_required(client, user):
    request_reset(client, user.email)
    path = link_in(OutgoingEmail.objects.get(to=user.email))

    response = client.post(path, {})

    assert response.status_code == 200
    assert response.content.decode().count("Ce champ est obligatoire.") >= 2


def test_the_new_password_page_lists_each_rule_on_its_own(client, user):
    request_reset(client, user.email)
    html = client.get(link_in(OutgoingEmail.objects.get(to=user.email))).content.decode()

    rules = re.findall(r"<li>(.*?)</li>", re.search(r'<ul class="rules"[^>]*>(.*?)</ul>', html, re.S)[1])

    assert len(rules) == 8
    assert "doit contenir au moins une lettre majuscule [A-Z]." in rules
