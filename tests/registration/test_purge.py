from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from eprocedures.accounts.models import User
from eprocedures.audit.models import AuditEvent

from .conftest import make_account

pytestmark = pytest.mark.django_db


def make_user(email, days_ago, **fields):
    return make_account(email, date_joined=timezone.now() - timedelta(days=days_ago), **fields)


def test_purge_deletes_only_registrations_not_activated_in_time(settings):
    settings.ETS_ACTIVATION_DAYS = 15
    make_user("old@example.fr", 16)
    make_user("recent@example.fr", 14)
    make_user("active@example.fr", 400, is_active=True, activated_at=timezone.now())
    make_user("staff@example.fr", 400, is_staff=True)

    out = StringIO()
    call_command("purge_registrations", stdout=out)

    assert set(User.objects.values_list("email", flat=True)) == {
        "recent@example.fr", "active@example.fr", "staff@example.fr"}
    assert out.getvalue() == "1 registration(s) not activated within 15 days deleted.\n"
    event = AuditEvent.objects.get(event="registration.purged")
    assert event.email == "old@example.fr"


def test_dry_run_deletes_nothing():
    make_user("old@example.fr", 30)
    out = StringIO()
    call_command("purge_registrations", "--dry-run", stdout=out)
    assert User.objects.count() == 1
    assert out.getvalue() == "1 registration(s) not activated within 15 days would be deleted.\n"


def test_a_fresh_link_restarts_the_delay(client):
    user = make_user("paul@example.fr", 14)
    client.post("/activation/nouveau-lien/", {"email": "paul@example.fr"})
    user.refresh_from_db()
    assert timezone.now() - user.date_joined < timedelta(minutes=1)
