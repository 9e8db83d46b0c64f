"""Security notices travel through the real outbox and a real SMTP peer."""

import pytest
from django.test import Client

from eprocedures.outbox.models import OutgoingEmail

from .conftest import ANSWERS, PASSWORD, make_user, page, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_password_notice_reaches_the_owner_in_their_language(smtp_server, run_mail_worker):
    user = make_user(language="en")
    client = sign_in(Client(), user)

    client.post("/mes-informations/mot-de-passe/", {
        "current_password": PASSWORD, "password1": "Falaise:Rouge42",
        "password2": "Falaise:Rouge42"})
    run_mail_worker()

    [message] = smtp_server.to("paul.durand@example.fr")
    assert str(message["Subject"]).strip() == "Your password has been changed"
    text = smtp_server.text(message)
    assert "Hello Paul Durand," in text
    assert "The other sessions open on your account have been closed." in text
    assert "If you did not make this change, choose a new password at once" in text
    assert "Falaise:Rouge42" not in text
    assert "<p>Hello Paul Durand,</p>" in smtp_server.html(message)
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT


def test_the_lockout_notice_is_sent_once(smtp_server, run_mail_worker, settings):
    settings.ETS_SECRET_ANSWER_MAX_FAILURES = 2
    user = make_user()
    client = sign_in(Client(), user)
    for _ in range(4):
        client.post("/mes-informations/mobile/", {"answer_1": "x", "answer_2": "y"})
    run_mail_worker()

    [message] = smtp_server.to(user.email)
    assert str(message["Subject"]).strip() == "Réponses erronées sur votre compte"
    assert "quelqu'un utilise peut-être votre session" in smtp_server.text(message)


def test_pages_speak_english():
    user = make_user()
    client = sign_in(Client(), user)
    client.cookies["ets_language"] = "en"

    html = page(client.get("/mes-informations/"))
    assert "My contact details" in html
    assert "My means of identification" in html
    assert ">Edit</a>" in html
    response = client.post("/mes-informations/courriel/", {**ANSWERS, "answer_2": "Judo"})
    assert "The answers do not match your secret questions." in page(response)
