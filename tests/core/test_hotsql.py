"""lib.hotsql: the ORM's own SQL, compiled once, gives what the ORM would."""

from datetime import timedelta

import pytest
from django.utils import timezone

from eprocedures.accounts.models import User, UserSession
from eprocedures.audit.models import AuditEvent
from eprocedures.lib import hotsql
from tests.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def compilations(monkeypatch):
    """How many times the ORM compiled an INSERT or a SELECT."""
    seen = {"insert": 0}
    monkeypatch.setattr(hotsql, "_inserts", {})  # as in a new process
    real = hotsql.InsertQuery.get_compiler

    def counting(self, *args, **kwargs):
        seen["insert"] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(hotsql.InsertQuery, "get_compiler", counting)
    return seen


def test_compiled_query_returns_what_the_queryset_returns():
    marie = person("marie@example.fr", first_name="Marie")
    paul = person("paul@example.fr")
    User.objects.filter(pk=paul.pk).update(blocked_at=timezone.now() - timedelta(hours=1))
    by_email = hotsql.CompiledQuery(
        lambda email: User.objects.filter(email=email).only("id", "email", "blocked_at")[:1])

    for account in (marie, paul, marie):
        found = by_email.first(account.email)
        expected = User.objects.filter(email=account.email).only(
            "id", "email", "blocked_at").get()
        assert (found.pk, found.email, found.blocked_at) == (
            expected.pk, expected.email, expected.blocked_at)
        assert found.first_name == account.first_name  # deferred fields load on use
    assert by_email.first("nobody@example.fr") is None


def test_compiled_query_refuses_a_query_whose_parameters_are_not_the_calls():
    # Two parameters in the SQL for one given: the SQL would not fit other values.
    query = hotsql.CompiledQuery(
        lambda email: User.objects.filter(email=email, first_name="Marie")[:1])
    with pytest.raises(ValueError):
        query.first("x@example.fr")
    # Columns of another model or computed ones would not fit from_db().
    from django.db.models import Value

    for build in (lambda pk: UserSession.objects.select_related("user").filter(pk=pk)[:1],
                  lambda pk: User.objects.annotate(x=Value(1)).filter(pk=pk)[:1]):
        with pytest.raises(ValueError):
            hotsql.CompiledQuery(build).first(1)


def test_insert_row_writes_the_row_the_orm_would(compilations):
    account = person("marie@example.fr")
    values = {"event": "signin.failure", "outcome": "failure", "user": account,
              "email": "marie@example.fr", "ip": "2001:db8::1", "user_agent": "Firefox",
              "detail": {"reason": "blocked", "n": 3, "accents": "é"}}
    compilations["insert"] = 0

    hotsql.insert_row(AuditEvent(**values))
    hotsql.insert_row(AuditEvent(**{**values, "ip": "192.0.2.7", "detail": {}}))
    AuditEvent.objects.create(**values)

    ours_first, ours_second, orm = AuditEvent.objects.order_by("id")
    fields = [f.attname for f in AuditEvent._meta.concrete_fields
              if f.attname not in ("id", "created_at")]
    assert [getattr(ours_first, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert ours_second.ip == "192.0.2.7" and ours_second.detail == {}
    assert abs(ours_first.created_at - orm.created_at) < timedelta(seconds=5)
    assert compilations["insert"] == 2  # ours once (the second row reused it), the ORM's once


def test_insert_row_can_ignore_a_conflict():
    account = person("marie@example.fr")
    hotsql.insert_row(UserSession(user=account, session_key="k" * 32), ignore_conflicts=True)
    hotsql.insert_row(UserSession(user=account, session_key="k" * 32), ignore_conflicts=True)

    assert UserSession.objects.filter(user=account, session_key="k" * 32).count() == 1


def test_insert_row_without_ignoring_conflicts_raises_on_a_duplicate():
    from django.db import IntegrityError, transaction

    account = person("marie@example.fr")
    hotsql.insert_row(UserSession(user=account, session_key="k" * 32))
    with pytest.raises(IntegrityError), transaction.atomic():
        hotsql.insert_row(UserSession(user=account, session_key="k" * 32))



def test_compiled_update_changes_what_the_orm_update_would():
    marie = person("marie@example.fr", failed_login_count=3)
    paul = person("paul@example.fr", failed_login_count=4, blocked_at=timezone.now())
    reset = hotsql.CompiledUpdate(lambda pk: User.objects.filter(pk=pk, blocked_at__isnull=True))
    when = timezone.now()

    assert reset.update(marie.pk, failed_login_count=0, last_login=when) == 1
    assert reset.update(paul.pk, failed_login_count=0, last_login=when) == 0  # blocked
    assert reset.update(10**9, failed_login_count=0, last_login=when) == 0

    marie.refresh_from_db()
    paul.refresh_from_db()
    assert (marie.failed_login_count, marie.last_login) == (0, when)
    assert (paul.failed_login_count, paul.last_login) == (4, None)


def test_compiled_update_refuses_what_would_change_the_sql():
    from django.db.models import F

    marie = person("marie@example.fr")
    reset = hotsql.CompiledUpdate(lambda pk: User.objects.filter(pk=pk))
    with pytest.raises(ValueError):
        reset.update(marie.pk, last_login=None)  # the ORM writes "= NULL"
    with pytest.raises(ValueError):
        reset.update(marie.pk, failed_login_count=F("failed_login_count") + 1)
    by_two = hotsql.CompiledUpdate(lambda pk: User.objects.filter(pk=pk, first_name="Paul"))
    with pytest.raises(ValueError):
        by_two.update(marie.pk, failed_login_count=1)
