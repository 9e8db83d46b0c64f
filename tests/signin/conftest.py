"""Fixtures of the sign-in tests: accounts in each state and a signed-in client."""

from pathlib import Path

import pytest
from django.utils import timezone

from eprocedures.accounts.models import User

PASSWORD = "Tournesol;42Bleu"
NEW_PASSWORD = "Orage:77Violet"
HERE = Path(__file__).resolve().parent


def make_user(email="marie.curie@example.fr", password=PASSWORD, *, activated=True, **fields):
    defaults = {
        "first_name": "Marie",
        "last_name": "Curie",
        "civility": "MME",
        "mobile_phone": "+33612345678",
        "street_name": "rue Pierre et Marie Curie",
        "postal_code": "75005",
        "city": "Paris",
        "is_active": activated,
        "activated_at": timezone.now() if activated else None,
    }
    defaults.update(fields)
    return User.objects.create_user(email, password, **defaults)


@pytest.fixture
def user(db):
    return make_user()


@pytest.fixture
def signed_in_client(client, user):
    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client

