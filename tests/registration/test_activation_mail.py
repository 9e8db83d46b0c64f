"""The activation e-mail, delivered by the outbox worker to a real SMTP peer."""

import re

import pytest
from django.urls import reverse

from eprocedures.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def link_in(text):
    return re.search(r"https?://\S+/activation/[^/\s]+/", text).group(0)


def test_activation_mail_reaches_smtp_in_french_and_its_link_works(
        wizard, client, settings, smtp_server, run_mail_worker):
    settings.ETS_SITE_URL = "https://ets.example.gouv.fr"
    wizard.register()
    run_mail_worker()

    [message] = smtp_server.to("paul.durand@example.fr")
    assert message["Subject"].strip() == "Activez votre compte de l'espace e-procédures de l'INPI"
    assert message["From"] == settings.DEFAULT_FROM_EMAIL
    text, html = smtp_server.text(message), smtp_server.html(message)
    assert text.startswith("Bonjour,")  # not by name: the address is not confirmed yet
    assert "Ce lien est valable 15 jours, jusqu'au" in text
    link = link_in(text)
    assert link.startswith("https://ets.example.gouv.fr/activation/")
    assert f'href="{link}"' in html
    assert "Activer mon compte" in html

    path = link.removeprefix("https://ets.example.gouv.fr")
    response = client.post(path, {"password1": "Bleu.Lille59", "password2": "Bleu.Lille59"})
    assert response["Location"] == reverse("signin:login")
    assert User.objects.get().is_active


def test_activation_mail_in_english(wizard, client, smtp_server, run_mail_worker):
    client.cookies["ets_language"] = "en"
    wizard.register()
    run_mail_worker()

    [message] = smtp_server.messages
    assert message["Subject"].strip() == "Activate your INPI e-procedures account"
    text = smtp_server.text(message)
    assert text.startswith("Hello,")
    assert "Your registration to the INPI e-procedures website has been recorded." in text
    assert "This link is valid for 15 days, until" in text


def test_registration_succeeds_while_smtp_is_down(wizard, smtp_server, run_mail_worker):
    smtp_server.stop()
    response = wizard.register()
    run_mail_worker()

    assert response["Location"] == reverse("registration:done")
    assert User.objects.count() == 1
    assert smtp_server.messages == []
