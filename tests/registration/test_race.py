"""Two registrations of one address at the same moment end with one account (PostgreSQL)."""

import pytest
from django.db import connection
from django.test import Client

from eprocedures.accounts.models import User
from eprocedures.outbox.models import OutgoingEmail
from tests.concurrency import in_parallel

from .conftest import Wizard

pytestmark = pytest.mark.django_db(transaction=True)


def test_concurrent_registrations_of_one_address_make_one_account():
    if connection.vendor != "postgresql":
        pytest.skip("the race is about PostgreSQL's unique index under concurrency")
    wizards = [Wizard(Client(REMOTE_ADDR=f"192.0.2.{n}")) for n in (1, 2)]
    for n, wizard in enumerate(wizards):
        wizard.fill(information={"city": f"VILLE{n}"})

    results = in_parallel(
        lambda wizard: wizard.post("conditions", {"accept_terms": "oui"}).status_code, wizards)

    assert results == [302, 302]
    assert User.objects.filter(email="paul.durand@example.fr").count() == 1
    # Each submission sent an activation link (the second one replacing the first),
    # and the account holds the details of one of them, whole.
    assert OutgoingEmail.objects.filter(kind="activation").count() == 2
    assert User.objects.get().city in {"VILLE0", "VILLE1"}
