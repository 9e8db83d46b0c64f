"""The data migration that gives internationalised domains their one stored form."""

import pytest
from django.db import IntegrityError, connection, transaction
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


@pytest.mark.django_db
def test_an_address_left_by_the_migration_can_still_be_saved():
    from eprocedures.accounts.models import User
    from tests.factories import person

    person("jean@xn--exmple-cua.fr")
    twin = person("jean@other.example")
    User.objects.filter(pk=twin.pk).update(email="jean@exämple.fr")  # as the migration left it

    twin = User.objects.get(pk=twin.pk)
    twin.city = "Lyon"
    twin.save()  # no collision with the other account

    assert User.objects.get(pk=twin.pk).email == "jean@exämple.fr"
    twin.email = "Jean@Exämple.FR "  # changed: normalised, and then it does collide
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
