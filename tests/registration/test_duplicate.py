"""An address already registered is never revealed on screen; its owner is told by e-mail."""

import pytest
from django.urls import reverse
from django.utils import timezone

from eprocedures.accounts.models import User
from eprocedures.accounts.tokens import check_activation_token, make_activation_token
from eprocedures.audit.models import AuditEvent
from eprocedures.outbox.models import OutgoingEmail

from .conftest import make_account

pytestmark = pytest.mark.django_db


def active_user():
    return make_account("paul.durand@example.fr", "Ancien.Mot2passe", street_name="rue verte",
                        is_active=True, activated_at=timezone.now())


def test_active_address_gets_the_same_page_and_a_notice(wizard, client):
    user = active_user()
    response = wizard.register(identifiers={"email": "PAUL.DURAND@example.fr "})

    assert response["Location"] == reverse("registration:done")
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.street_name == "rue verte"  # the account is not touched
    email = OutgoingEmail.objects.get()
    assert email.kind == "already_active"
    assert email.to == "paul.durand@example.fr"
    assert email.subject == "Votre compte de l'espace e-procédures de l'INPI existe déjà"
    assert "http://testserver" not in email.body_text
    assert "/mot-de-passe-oublie/" in email.body_text
    event = AuditEvent.objects.get(event="registration.duplicate")
    assert event.user == user and event.detail == {"pending": False}


def test_same_answer_for_a_new_and_a_known_address(wizard, client, settings):
    active_user()
    known = wizard.register()
    known_page = client.get(known["Location"]).content.decode()

    from django.test import Client

    from .conftest import Wizard
    other = Client()
    fresh = Wizard(other).register(identifiers={"email": "jeanne@example.fr"})
    fresh_page = other.get(fresh["Location"]).content.decode()

    assert known["Location"] == fresh["Location"]
    assert known_page.replace(known_page.split("csrfmiddlewaretoken")[1][:80], "") == \
        fresh_page.replace(fresh_page.split("csrfmiddlewaretoken")[1][:80], "")


def test_pending_registration_gets_a_fresh_link_that_kills_the_old_one(wizard, client):
    wizard.register()
    user = User.objects.get()
    old_token = make_activation_token(user)

    wizard.register(information={"city": "ROUBAIX", "postal_code": "59100"})

    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.city == "ROUBAIX"  # never proven, so the latest details win
    assert check_activation_token(old_token).status.value == "used"
    assert check_activation_token(make_activation_token(user)).ok
    assert [e.kind for e in OutgoingEmail.objects.order_by("id")] == ["activation", "activation"]
    assert AuditEvent.objects.get(event="registration.duplicate").detail == {"pending": True}


@pytest.mark.parametrize("pending", [True, False])
def test_registering_an_address_again_and_again_does_not_flood_its_mailbox(client, pending):
    from django.test import Client

    from .conftest import Wizard

    if pending:
        make_account()
    else:
        active_user()
    nonces = []
    for n in range(6):  # from addresses all over the place: the limit is the mailbox's
        response = Wizard(Client(REMOTE_ADDR=f"198.51.100.{n}")).register(
            information={"city": f"Ville {n}"})
        assert response["Location"] == reverse("registration:done")  # the same answer
        nonces.append(User.objects.get().activation_nonce)

    assert OutgoingEmail.objects.filter(to="paul.durand@example.fr").count() == 3
    assert AuditEvent.objects.filter(event="registration.duplicate",
                                     detail__reason="throttled").count() == 3
    if pending:
        # Past the limit nothing changes: the last link sent still works, details kept.
        assert len(set(nonces)) == 3 and nonces[2:] == [nonces[2]] * 4
        assert User.objects.get().city == "Ville 2"


def test_a_fresh_link_for_an_account_purged_meanwhile_does_not_bring_it_back():
    from django.db import DatabaseError, transaction

    from eprocedures.registration.flows import send_fresh_activation

    user = make_account()
    stale = User.objects.get(pk=user.pk)  # read by a reset request, say...
    User.objects.filter(pk=user.pk).delete()  # ...while the purge deletes it

    with pytest.raises(DatabaseError), transaction.atomic():
        send_fresh_activation(stale)

    assert not User.objects.filter(pk=user.pk).exists()
    assert not OutgoingEmail.objects.exists()
