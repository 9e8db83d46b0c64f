"""/activation/<token>/: choose the first password; bad links explain themselves."""

from datetime import timedelta
from html import unescape
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from eprocedures.accounts.models import new_nonce
from eprocedures.accounts.tokens import make_activation_token, make_reset_token
from eprocedures.audit.models import AuditEvent

from .conftest import make_account

pytestmark = pytest.mark.django_db

GOOD = "Bleu.Lille59"


def url(token):
    return reverse("registration:activate", kwargs={"token": token})


def test_page_shows_the_labels_and_the_rules(client):
    token = make_activation_token(make_account())
    response = client.get(url(token))
    html = response.content.decode()

    assert response.status_code == 200
    assert "Choisissez votre mot de passe" in html
    assert "Confirmez votre mot de passe" in html
    assert ">Activer mon compte</button>" in html
    assert 'autocomplete="new-password"' in html
    for rule in ("doit contenir entre 8 et 32 caractères.",
                 "doit contenir au moins une lettre minuscule [a-z].",
                 "doit contenir au moins une lettre majuscule [A-Z].",
                 "doit contenir au moins un chiffre [0-9].",
                 "doit contenir au moins un signe de ponctuation parmi [, ; . + : ! ? = @].",
                 "ne doit pas avoir été utilisé au cours de la dernière année."):
        assert rule in html
    assert '<details class="password-rules"' in html


def test_activation_sets_the_password_and_lands_on_sign_in(client):
    user = make_account()
    response = client.post(url(make_activation_token(user)),
                           {"password1": GOOD, "password2": GOOD}, follow=True)

    assert response.redirect_chain == [(reverse("signin:login"), 302)]
    assert ("Votre compte est activé. Vous pouvez maintenant vous connecter avec votre adresse "
            "courriel et votre mot de passe.") in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.activated_at is not None
    assert user.check_password(GOOD)
    [history] = user.password_history.all()
    assert check_password(GOOD, history.password_hash)
    assert AuditEvent.objects.filter(event="account.activated", user=user).exists()


def test_each_failed_rule_is_named_and_the_link_stays_usable(client):
    user = make_account()
    token = make_activation_token(user)
    response = client.post(url(token), {"password1": "xqé", "password2": "xqé"})

    assert response.context["form"].errors["password1"] == [
        "Le mot de passe doit contenir entre 8 et 32 caractères.",
        "Le mot de passe doit contenir au moins une lettre majuscule [A-Z].",
        "Le mot de passe doit contenir au moins un chiffre [0-9].",
        "Le mot de passe doit contenir au moins un signe de ponctuation parmi "
        "[, ; . + : ! ? = @].",
    ]
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()

    response = client.post(url(token), {"password1": GOOD, "password2": GOOD})
    assert response["Location"] == reverse("signin:login")


def test_confirmation_must_match(client):
    token = make_activation_token(make_account())
    response = client.post(url(token), {"password1": GOOD, "password2": GOOD + "x"})
    assert response.context["form"].errors["password2"] == [
        "Les deux mots de passe ne sont pas identiques."]


def test_personal_and_common_passwords_are_refused(client):
    token = make_activation_token(make_account())
    response = client.post(url(token), {"password1": "Durand.2024", "password2": "Durand.2024"})
    assert response.context["form"].errors["password1"] == [
        "Le mot de passe ne doit contenir ni votre nom, ni votre prénom, ni votre adresse "
        "courriel, ni le nom de l'office."]
    response = client.post(url(token), {"password1": "Azerty123!", "password2": "Azerty123!"})
    assert response.context["form"].errors["password1"] == [
        "Ce mot de passe est trop courant : choisissez-en un moins prévisible."]


def test_a_used_link_explains_itself_and_points_to_sign_in(client):
    user = make_account()
    token = make_activation_token(user)
    client.post(url(token), {"password1": GOOD, "password2": GOOD})

    response = client.get(url(token))
    html = response.content.decode()
    assert response.status_code == 410
    assert "Ce lien a déjà servi : votre compte est activé." in html
    assert reverse("signin:login") in html
    assert 'href="/mot-de-passe-oublie/"' in html
    # A second submission does not change the password.
    client.post(url(token), {"password1": "Autre.Secret9", "password2": "Autre.Secret9"})
    user.refresh_from_db()
    assert user.check_password(GOOD)


def test_an_expired_link_explains_itself_and_offers_a_fresh_one(client, settings):
    user = make_account()
    token = make_activation_token(user)
    later = timezone.now() + timedelta(days=settings.ETS_ACTIVATION_DAYS, seconds=1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.get(url(token))
    html = response.content.decode()

    assert response.status_code == 410
    assert ("Ce lien d'activation a expiré : il n'était valable que 15 jours après son envoi."
            in html.replace("&#x27;", "'"))
    assert f'action="{reverse("registration:resend")}"' in html
    assert 'value="paul.durand@example.fr"' in html


def test_a_link_is_still_valid_just_before_it_expires(client, settings):
    token = make_activation_token(make_account())
    later = timezone.now() + timedelta(days=settings.ETS_ACTIVATION_DAYS, seconds=-60)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = client.get(url(token))
    assert response.status_code == 200


def test_a_replaced_link_explains_itself(client):
    user = make_account()
    token = make_activation_token(user)
    user.activation_nonce = new_nonce()
    user.save()

    response = client.get(url(token))
    assert response.status_code == 410
    assert ("Ce lien a été remplacé par un lien plus récent : seul le dernier lien envoyé est "
            "valable.") in response.content.decode().replace("&#x27;", "'")
    response = client.post(url(token), {"password1": GOOD, "password2": GOOD})
    user.refresh_from_db()
    assert not user.is_active


@pytest.mark.parametrize("token", ["abc", "x" * 80, signing.dumps({"u": 1}, salt="other")])
def test_an_invalid_link_explains_itself(client, token):
    response = client.get(url(token))
    assert response.status_code == 404
    assert AuditEvent.objects.get(event="activation.refused").detail == {"reason": "invalid"}
    assert ("Ce lien d'activation n'est pas valide. Il a peut-être été mal copié : vérifiez "
            "qu'il est complet.") in response.content.decode().replace("&#x27;", "'")


def test_a_reset_token_is_not_an_activation_token(client):
    user = make_account()
    response = client.get(url(make_reset_token(user)))
    assert response.status_code == 404
    client.post(url(make_reset_token(user)), {"password1": GOOD, "password2": GOOD})
    user.refresh_from_db()
    assert not user.is_active


def test_the_link_is_built_from_the_site_address_not_the_host_header(client, settings, wizard):
    settings.ETS_SITE_URL = "https://ets.example.gouv.fr"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    wizard.client.defaults["HTTP_HOST"] = "evil.example"
    wizard.register()
    from eprocedures.outbox.models import OutgoingEmail
    body = OutgoingEmail.objects.get().body_text
    assert "https://ets.example.gouv.fr/activation/" in body
    assert "evil.example" not in body


def test_an_activation_token_is_not_a_reset_token(client):
    """Even for an active account, where a reset link would be accepted."""
    user = make_account()
    token = make_activation_token(user)
    client.post(url(token), {"password1": GOOD, "password2": GOOD})
    user.refresh_from_db()
    assert user.is_active

    reset_url = reverse("signin:reset_confirm", kwargs={"token": token})
    response = client.get(reset_url)
    assert "Ce lien n'est pas valable." in response.content.decode().replace("&#x27;", "'")
    assert "password1" not in response.content.decode()
    client.post(reset_url, {"password1": "Autre.Secret9", "password2": "Autre.Secret9"})
    user.refresh_from_db()
    assert user.check_password(GOOD)


def test_each_failed_rule_is_named_in_english(client):
    client.cookies["ets_language"] = "en"
    user = make_account()
    response = client.post(url(make_activation_token(user)),
                           {"password1": "é", "password2": "x"})
    assert response.context["form"].errors["password1"] == [
        "The password must contain between 8 and 32 characters.",
        "The password must contain at least one lowercase letter [a-z].",
        "The password must contain at least one uppercase letter [A-Z].",
        "The password must contain at least one digit [0-9].",
        "The password must contain at least one punctuation mark from among "
        "[, ; . + : ! ? = @].",
    ]
    response = client.post(url(make_activation_token(user)),
                           {"password1": "Durand.Lille59", "password2": "Durand.Lille59"})
    assert response.context["form"].errors["password1"] == [
        "The password must not contain your last name, your first name, your e-mail address or "
        "the office's name."]
    html = response.content.decode()
    assert "must contain at least one lowercase letter [a-z]." in html
    assert ">Activate my account</button>" in html


@pytest.mark.parametrize("password", ["Aa1," + "é" * 28, "Aa1, " + "x" * 27, "  Aa1,xxxx  "])
def test_accents_and_spaces_are_kept_as_typed(client, password):
    user = make_account()
    client.post(url(make_activation_token(user)), {"password1": password, "password2": password})
    user.refresh_from_db()
    assert user.is_active
    assert user.check_password(password)
    if password != password.strip():
        assert not user.check_password(password.strip())


def test_thirty_three_characters_are_refused_not_cut(client):
    user = make_account()
    password = "Aa1," + "x" * 29
    response = client.post(url(make_activation_token(user)),
                           {"password1": password, "password2": password})
    assert response.context["form"].errors["password1"] == [
        "Le mot de passe doit contenir entre 8 et 32 caractères."]
    client.post(url(make_activation_token(user)),
                {"password1": password[:32], "password2": password[:32]})
    user.refresh_from_db()
    assert user.check_password(password[:32]) and not user.check_password(password)


def test_the_used_link_page_in_english_has_no_french_left(client):
    user = make_account()
    token = make_activation_token(user)
    client.post(url(token), {"password1": GOOD, "password2": GOOD})
    client.cookies["ets_language"] = "en"

    html = unescape(client.get(url(token)).content.decode())

    assert "use “Forgotten password” on the sign-in page" in html
    assert "Mot de passe oublié" not in html
