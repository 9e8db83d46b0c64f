import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from eprocedures.accounts.models import UserSession
from eprocedures.audit.models import AuditEvent

from .conftest import PASSWORD, form_errors, mails_to, page, sign_in

NEW_PASSWORD = "Falaise:Rouge42"
URL = "/mes-informations/mot-de-passe/"


def change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return client.post(URL, {"current_password": current, "password1": new,
                             "password2": new if confirm is None else confirm})


def test_the_page_lists_the_rules_and_asks_the_current_password(signed_in):
    html = page(signed_in.get(URL))

    assert '<label for="id_current_password">Mot de passe actuel' in html
    assert 'autocomplete="current-password"' in html
    assert '<label for="id_password1">Nouveau mot de passe' in html
    assert "doit contenir au moins un signe de ponctuation parmi [, ; . + : ! ? = @]." in html


def test_a_wrong_current_password_is_refused_counted_and_audited(signed_in, user):
    response = change(signed_in, current="Pas;Le8Bon")

    assert form_errors(response) == ["Le mot de passe actuel est incorrect."]
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    event = AuditEvent.objects.get(event="myinfo.verification_failed")
    assert event.detail == {"what": "password", "failures": 1}


def test_the_new_password_follows_the_rules_and_the_history(signed_in, user):
    response = change(signed_in, new="court")
    assert "Le mot de passe doit contenir entre 8 et 32 caractères." in form_errors(response)

    response = change(signed_in, new=PASSWORD)
    assert form_errors(response) == [
        "Ce mot de passe a déjà été utilisé au cours de la dernière année."]

    response = change(signed_in, confirm="Autre:Chose42")
    assert form_errors(response) == ["Les deux mots de passe ne sont pas identiques."]


@pytest.mark.django_db
def test_a_change_ends_the_other_sessions_and_keeps_this_one(signed_in, user):
    other = sign_in(Client(), user)
    other_key = other.session.session_key
    assert other.get("/mes-informations/").status_code == 200

    response = change(signed_in)

    assert response["Location"] == "/mes-informations/"
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    # The other browser is signed out, its session is gone.
    assert not Session.objects.filter(session_key=other_key).exists()
    assert other.get("/mes-informations/")["Location"].startswith("/connexion/")
    # This one stays signed in (session hash updated) and is still tracked.
    html = page(signed_in.get("/mes-informations/"))
    assert "Votre mot de passe a été modifié. Vos autres sessions ont été fermées." in html
    keys = set(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    assert keys == {signed_in.session.session_key}
    [notice] = mails_to(user.email)
    assert notice.subject == "Votre mot de passe a été modifié"
    assert "Les autres sessions ouvertes sur votre compte ont été fermées." in notice.body_text
    assert NEW_PASSWORD not in notice.body_text
    event = AuditEvent.objects.get(event="myinfo.password_changed")
    assert event.detail == {"sessions_ended": 1}
    # The new password joins the history.
    assert user.password_history.count() == 2
