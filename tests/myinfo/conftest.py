"""Fixtures of the "Mes informations" tests: an active account and a signed-in client."""

import html
import time

import pytest
from django.test import Client
from django.utils import timezone

from eprocedures.accounts.models import SecretAnswer, User, hash_secret_answer
from eprocedures.outbox.models import OutgoingEmail

PASSWORD = "Vague;Marine7"
ANSWERS = {"answer_1": "Durand", "answer_2": "Danse"}


def make_user(email="paul.durand@example.fr", **fields) -> User:
    values = {
        "civility": "M", "last_name": "Durand", "first_name": "Paul",
        "street_name": "rue bleue", "postal_code": "59000", "city": "LILLE",
        "country": "FR", "mobile_phone": "+33612345678",
        "is_active": True, "activated_at": timezone.now(),
    }
    values.update(fields)
    user = User.objects.create_user(email, PASSWORD, **values)
    SecretAnswer.objects.create(user=user, position=1, question="mother_maiden_name",
                                answer_hash=hash_secret_answer("Durand"))
    SecretAnswer.objects.create(user=user, position=2, question="favourite_sport",
                                answer_hash=hash_secret_answer("Danse"))
    return user


def sign_in(client: Client, user: User) -> Client:
    client.force_login(user)
    session = client.session
    session["ets_auth_at"] = int(time.time())
    session["ets_auth_method"] = "password"
    session.save()
    return client


def mails_to(address: str) -> list[OutgoingEmail]:
    return list(OutgoingEmail.objects.filter(to=address).order_by("id"))


def form_errors(response) -> list[str]:
    """Every error message of the page's forms, field and non-field."""
    errors = []
    for form in _forms(response):
        for messages in form.errors.values():
            errors.extend(messages)
    return errors


def _forms(response):
    context = response.context
    for key in ("form", "legal_form"):
        if key in context and context[key] is not None and context[key].is_bound:
            yield context[key]
    if "phones" in context:
        yield from (f for f in context["phones"] if f.is_bound)


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def signed_in(client, user):
    return sign_in(client, user)


def page(response) -> str:
    """The page's HTML with entities decoded, for assertions on exact texts."""
    return html.unescape(response.content.decode())
