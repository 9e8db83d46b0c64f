"""/activation/nouveau-lien/: a fresh link, the same answer whatever the address."""

import pytest
from django.urls import reverse
from django.utils import timezone

from eprocedures.accounts.tokens import check_activation_token, make_activation_token
from eprocedures.audit.models import AuditEvent
from eprocedures.outbox.models import OutgoingEmail

from .conftest import make_account

pytestmark = pytest.mark.django_db

SENT = ("Si une inscription correspond à cette adresse, un message vient d'y être envoyé. Le lien "
        "qu'il contient remplace les précédents.")


def ask(client, email):
    return client.post(reverse("registration:resend"), {"email": email}, follow=True)


def test_the_url_name_and_form(client):
    assert reverse("registration:resend") == "/activation/nouveau-lien/"
    html = client.get("/activation/nouveau-lien/").content.decode()
    assert "Adresse courriel" in html and 'autocomplete="email"' in html


def test_pending_account_gets_a_fresh_link_and_the_old_one_dies(client):
    user = make_account()
    old = make_activation_token(user)

    response = ask(client, " Paul.Durand@example.fr")

    assert response.redirect_chain == [(reverse("registration:resend_done"), 302)]
    assert SENT in response.content.decode().replace("&#x27;", "'")
    assert check_activation_token(old).status.value == "used"
    email = OutgoingEmail.objects.get()
    assert email.kind == "activation" and email.to == "paul.durand@example.fr"
    assert AuditEvent.objects.filter(event="activation.resent", outcome="success").count() == 1


def test_unknown_and_active_addresses_get_the_same_answer(client):
    make_account(is_active=True, activated_at=timezone.now())
    unknown = ask(client, "personne@example.fr").content.decode()
    active = ask(client, "paul.durand@example.fr").content.decode()

    strip = lambda html: html.split("csrfmiddlewaretoken")[0]  # noqa: E731
    assert strip(unknown) == strip(active)
    assert [e.kind for e in OutgoingEmail.objects.all()] == ["already_active"]


def test_requests_for_one_address_are_quietly_limited(client):
    make_account()
    for _ in range(5):
        response = ask(client, "paul.durand@example.fr")
        assert SENT in response.content.decode().replace("&#x27;", "'")
    assert OutgoingEmail.objects.count() == 3


def test_requests_from_one_client_are_limited_with_a_message(client):
    for n in range(10):
        ask(client, f"x{n}@example.fr")
    response = client.post(reverse("registration:resend"), {"email": "y@example.fr"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Trop de demandes de lien ont été faites depuis votre connexion. Réessayez dans une heure."]


def test_a_malformed_address_is_refused(client):
    response = client.post(reverse("registration:resend"), {"email": "paul"})
    assert response.context["form"].errors["email"] == ["Saisissez une adresse de courriel valide."]
    assert 'value="paul"' in response.content.decode()
