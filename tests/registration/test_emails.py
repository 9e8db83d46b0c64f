"""The two e-mails of registration, text and HTML bodies, in French and in English."""

import re

import pytest
from django.utils import timezone

from eprocedures.registration import emails

from .conftest import make_account

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site(settings):
    settings.ETS_SITE_URL = "https://ets.example.gouv.fr"


def link_in(text):
    return re.search(r"https://ets\.example\.gouv\.fr/activation/[^/\s]+/", text).group(0)


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", {
        "subject": "Activez votre compte de l'espace e-procédures de l'INPI",
        "greeting": "Bonjour,",
        "intro": "Votre inscription à l'espace e-procédures de l'INPI est enregistrée. Pour activer "
                 "votre compte, ouvrez le lien ci-dessous et choisissez votre mot de passe :",
        "validity": "Ce lien est valable 15 jours, jusqu'au",
        "resend": "S'il a expiré, demandez-en un nouveau :",
        "button": "Activer mon compte",
        "ignore": "Si vous n'êtes pas à l'origine de cette inscription, ignorez ce message : sans "
                  "activation, elle sera supprimée.",
    }),
    ("en", {
        "subject": "Activate your INPI e-procedures account",
        "greeting": "Hello,",
        "intro": "Your registration to the INPI e-procedures website has been recorded. To "
                 "activate your account, open the link below and choose your password:",
        "validity": "This link is valid for 15 days, until",
        "resend": "If it has expired, ask for a new one:",
        "button": "Activate my account",
        "ignore": "If you did not register, ignore this message: without activation, the "
                  "registration will be deleted.",
    }),
])
def test_activation_email_in_both_bodies(language, expected):
    user = make_account(language=language)
    email = emails.send_activation(user)
    text, html = email.body_text, email.body_html
    html_text = html.replace("&#x27;", "'")

    assert email.subject == expected["subject"]
    assert email.language == language
    assert f'<html lang="{language}">' in html
    link = link_in(text)
    assert link == link_in(html)
    for key in ("greeting", "intro", "validity", "resend", "ignore"):
        assert expected[key] in text, key
        assert expected[key] in html_text, key
    resend = "https://ets.example.gouv.fr/activation/nouveau-lien/"
    assert f"{expected['resend']} {resend}" in text
    assert f'{expected["resend"]} <a href="{resend}">{resend}</a>' in html_text
    assert f'<a href="{link}"' in html and f">{expected['button']}</a>" in html


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", ("Votre compte de l'espace e-procédures de l'INPI existe déjà",
            "un compte activé existe déjà à cette adresse. Aucun compte n'a été créé et votre "
            "compte n'a pas été modifié.",
            "Si vous avez oublié votre mot de passe :")),
    ("en", ("Your INPI e-procedures account already exists",
            "an activated account already exists at this address. No account has been created "
            "and your account has not been changed.",
            "If you have forgotten your password:")),
])
def test_already_active_notice_in_both_bodies(language, expected):
    subject, body, forgotten = expected
    user = make_account(language=language)
    email = emails.send_already_active(user)
    html = email.body_html.replace("&#x27;", "'")

    assert email.subject == subject
    assert "/activation/" not in email.body_text + html  # a notice, never an activation link
    for part in (body, forgotten):
        assert part in email.body_text and part in html
    reset = "https://ets.example.gouv.fr/mot-de-passe-oublie/"
    assert f"{forgotten} {reset}" in email.body_text
    assert f'<a href="{reset}">{reset}</a>' in html


def test_user_fields_are_escaped_in_the_html_body():
    user = make_account(last_name="<b>Durand</b>", is_active=True, activated_at=timezone.now())
    email = emails.send_already_active(user)
    assert "<b>Durand</b>" not in email.body_html
    assert "&lt;b&gt;Durand&lt;/b&gt;" in email.body_html
    assert "Bonjour M. <b>Durand</b>," in email.body_text  # plain text is not HTML-escaped


def test_the_activation_email_does_not_repeat_the_name_typed_at_registration():
    # Whoever registers an address chooses the name: the mailbox's owner has not confirmed it.
    user = make_account(last_name="Durand, votre dossier est suspendu : https://evil.example")
    email = emails.send_activation(user)
    assert "evil.example" not in email.body_text + email.body_html
    assert email.body_text.lstrip().startswith("Bonjour,")
