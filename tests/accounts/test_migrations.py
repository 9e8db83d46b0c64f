"""The data migration that gives internationalised domains their one stored form."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0002_user_sessions")]
AFTER = [("accounts", "0003_normalise_idn_emails")]


@pytest.mark.django_db(transaction=True)
def test_stored_addresses_are_normalised_and_collisions_left_alone(capsys):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    User = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    fields = {"first_name": "A", "last_name": "B", "password": "!"}
    plain = User.objects.create(email="paul@example.fr", **fields)
    unicode_form = User.objects.create(email="marie@exämple.fr", **fields)
    sharp = User.objects.create(email="hans@straße.de", **fields)
    twin_a = User.objects.create(email="jean@xn--exmple-cua.fr", **fields)
    twin_b = User.objects.create(email="jean@exämple.fr", **fields)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    User = executor.loader.project_state(AFTER).apps.get_model("accounts", "User")
    emails = dict(User.objects.values_list("pk", "email"))
    assert emails[plain.pk] == "paul@example.fr"
    assert emails[unicode_form.pk] == "marie@xn--exmple-cua.fr"
    assert emails[sharp.pk] == "hans@xn--strae-oqa.de"
    # Two accounts for one mailbox already: neither is changed, the operator is told.
    assert (emails[twin_a.pk], emails[twin_b.pk]) == ("jean@xn--exmple-cua.fr",
                                                      "jean@exämple.fr")
    assert "'jean@exämple.fr'" in capsys.readouterr().out
