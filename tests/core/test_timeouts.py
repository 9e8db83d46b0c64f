"""A database or cache that stops answering fails the request instead of holding the worker."""

import socket
import threading

import pytest
from django.core.cache.backends.redis import RedisCache
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from eprocedures.lib import env


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers (a stuck peer)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(5)
    for conn in accepted:
        conn.close()
    listener.close()


def finishes(work, within: float):
    """Run work() in a thread; return what it raised, failing if it is still waiting."""
    outcome = {}

    def run():
        try:
            work()
        except Exception as exc:  # the outcome under test
            outcome["raised"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), f"still waiting after {within} s"
    return outcome.get("raised")


def test_defaults_bound_every_wait_and_the_url_can_change_them(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/ets")
    options = env.env_database("DATABASE_URL", tmp_path / "x.sqlite3")["OPTIONS"]
    assert options == env.PG_TIMEOUTS
    assert options["connect_timeout"] > 0 and options["tcp_user_timeout"] > 0
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/ets?connect_timeout=1")
    assert env.env_database("DATABASE_URL", tmp_path / "x.sqlite3")["OPTIONS"][
        "connect_timeout"] == 1

    monkeypatch.setenv("CACHE_URL", "redis://cache.example:6379/0")
    assert env.env_cache("CACHE_URL")["OPTIONS"] == env.REDIS_TIMEOUTS
    assert all(seconds > 0 for seconds in env.REDIS_TIMEOUTS.values())


def test_a_silent_database_fails_the_connection(monkeypatch, tmp_path, silent_server,
                                                django_db_blocker):
    monkeypatch.setenv("DATABASE_URL", f"postgres://u@127.0.0.1:{silent_server}/ets")  # the defaults
    config = env.env_database("DATABASE_URL", tmp_path / "x.sqlite3")
    handler = ConnectionHandler({"default": config})
    try:
        with django_db_blocker.unblock():  # a connection of its own, to the silent server
            raised = finishes(handler["default"].ensure_connection, within=30)
    finally:
        handler.close_all()
    assert isinstance(raised, OperationalError)


def test_a_silent_cache_fails_the_operation(monkeypatch, silent_server):
    monkeypatch.setenv("CACHE_URL", f"redis://127.0.0.1:{silent_server}/0")  # the defaults
    config = env.env_cache("CACHE_URL")
    cache = RedisCache(config["LOCATION"], {"OPTIONS": config.get("OPTIONS", {})})
    raised = finishes(lambda: cache.get("ets:anything"), within=30)
    assert raised is not None and "Timeout" in type(raised).__name__
