"""The PostgreSQL backend replaces a connection the server ended, without a SELECT 1 per request."""

import time

import psycopg
import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("the backend is the PostgreSQL one (CI runs the suite on PostgreSQL too)")


def new_request():
    """What Django does when a request starts, then the request's first query."""
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate(pid):
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_the_engine_is_ours_with_health_checks_on():
    assert type(connections["default"]).__module__ == "eprocedures.lib.pgbackend.base"
    assert connection.health_check_enabled


def test_a_connection_at_rest_is_reused_without_a_query(monkeypatch):
    first = new_request()
    monkeypatch.setattr(connection, "is_usable", lambda: pytest.fail("a SELECT 1 was sent"))

    assert new_request() == first
    assert connection.is_at_rest()


def test_a_connection_the_server_ended_is_replaced_and_the_request_succeeds():
    ended = new_request()
    terminate(ended)
    deadline = time.monotonic() + 5
    while connection.is_at_rest() and time.monotonic() < deadline:
        time.sleep(0.01)  # the server's message and FIN arrive
    assert not connection.is_at_rest()

    assert new_request() != ended
    assert connection.is_at_rest()


def test_a_closed_connection_is_not_at_rest():
    new_request()
    connection.connection.close()
    assert not connection.is_at_rest()
    assert new_request()  # replaced


def test_a_connection_that_rested_is_also_checked_with_a_query(monkeypatch):
    first = new_request()
    checked = []
    monkeypatch.setattr(connection, "is_usable", lambda: checked.append(True) or True)
    connection._checked_at -= 2  # it served its last request two seconds ago

    assert new_request() == first
    assert checked == [True]


def test_a_connection_the_peer_forgot_is_replaced_after_a_rest(monkeypatch):
    # A peer that forgot the connection without closing it: the socket stays quiet and
    # only a query finds out (Django's SELECT 1 gets the reset).
    forgotten = new_request()
    monkeypatch.setattr(connection, "is_usable", lambda: False)
    connection._checked_at -= 2

    assert new_request() != forgotten


def test_a_busy_connection_is_trusted_on_its_socket(monkeypatch):
    new_request()
    monkeypatch.setattr(connection, "is_usable", lambda: pytest.fail("a SELECT 1 was sent"))
    for _ in range(3):
        new_request()
