"""The session stores write a signed-in session once, and never over another one."""

import os
from importlib import import_module

import pytest
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from eprocedures.accounts.models import User, UserSession
from eprocedures.accounts.sessionstore import cached_db, db
from tests.factories import PASSWORD, person

pytestmark = pytest.mark.django_db

STORES = [db.SessionStore, cached_db.SessionStore]


@pytest.fixture
def account():
    return person("paul.durand@example.fr")


def session_statements(queries):
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def test_settings_use_these_stores(settings):
    assert settings.SESSION_ENGINE in ("eprocedures.accounts.sessionstore.db",
                                       "eprocedures.accounts.sessionstore.cached_db")


def test_a_sign_in_writes_its_session_with_one_insert(account, django_assert_max_num_queries):
    client = Client()
    client.get("/connexion/")
    with django_assert_max_num_queries(12) as queries:
        response = client.post("/connexion/", {"email": account.email, "password": PASSWORD})

    assert response.status_code == 302
    [statement] = session_statements(queries)
    assert statement.startswith('INSERT INTO "django_session"')
    key = response.cookies["ets_session"].value
    stored = Session.objects.get(session_key=key).get_decoded()
    assert stored["_auth_user_id"] == str(account.pk)
    assert UserSession.objects.filter(user=account, session_key=key).exists()


@pytest.mark.parametrize("store", STORES)
def test_cycle_key_moves_the_data_to_a_new_key_and_deletes_the_old_session(store):
    session = store()
    session["panier"] = "brevet"
    session.save()
    old_key = session.session_key

    session.cycle_key()
    new_key = session.session_key
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert not Session.objects.filter(session_key=new_key).exists()  # written once, at save
    session.save()

    assert Session.objects.get(session_key=new_key).get_decoded() == {"panier": "brevet"}
    assert store(new_key)["panier"] == "brevet"
    assert store(old_key).get("panier") is None


@pytest.mark.parametrize("store", STORES)
def test_a_later_save_updates_the_same_row(store):
    session = store()
    session.cycle_key()
    session["a"] = 1
    session.save()
    session["a"] = 2
    session.save()

    assert Session.objects.filter(session_key=session.session_key).count() == 1
    assert store(session.session_key)["a"] == 2


@pytest.mark.parametrize("store", STORES)
def test_a_key_already_taken_is_never_overwritten(store, monkeypatch):
    taken = store()
    taken["owner"] = "someone else"
    taken.save()

    session = store()
    session["owner"] = "me"
    monkeypatch.setattr(session, "_get_new_session_key", lambda: taken.session_key)
    session.cycle_key()
    with pytest.raises(CreateError):
        session.save()

    caches["default"].clear()  # what the database holds, not what cached_db remembers
    assert store(taken.session_key)["owner"] == "someone else"


def test_new_keys_are_long_random_and_in_djangos_alphabet():
    keys = {db.SessionStore()._get_new_session_key() for _ in range(200)}
    assert len(keys) == 200
    assert all(len(k) == 32 and set(k) <= set(VALID_KEY_CHARS) for k in keys)


def test_a_new_session_outside_sign_in_is_still_created_once(client):
    store = db.SessionStore()
    store["langue"] = "en"
    store.save()  # Django's create(): the new key is INSERTed, never UPDATEd blindly

    assert Session.objects.get(session_key=store.session_key).get_decoded() == {"langue": "en"}


def test_password_sign_in_writes_last_login_with_the_failure_reset(
        account, django_assert_max_num_queries):
    User.objects.filter(pk=account.pk).update(failed_login_count=3, last_login=None)
    client = Client()
    before = timezone.now()
    with django_assert_max_num_queries(12) as queries:
        client.post("/connexion/", {"email": account.email, "password": PASSWORD})

    updates = [q["sql"] for q in queries.captured_queries
               if q["sql"].startswith('UPDATE "accounts_user"')]
    assert len(updates) == 1
    assert '"failed_login_count" = 0' in updates[0] and '"last_login"' in updates[0]
    account.refresh_from_db()
    assert account.failed_login_count == 0
    assert account.last_login >= before


def test_other_sign_ins_still_record_last_login(account, rf):
    # Card sign-in and the support desk's admin use django.contrib.auth.login as is.
    from django.contrib.auth import login
    from django.contrib.sessions.middleware import SessionMiddleware

    request = rf.get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    User.objects.filter(pk=account.pk).update(last_login=None)
    account.refresh_from_db()
    before = timezone.now()

    login(request, account, backend="django.contrib.auth.backends.ModelBackend")

    account.refresh_from_db()
    assert account.last_login is not None and account.last_login >= before


def test_store_modules_are_importable_by_name():
    for name in ("eprocedures.accounts.sessionstore.db",
                 "eprocedures.accounts.sessionstore.cached_db"):
        assert import_module(name).SessionStore


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_insert_is_a_statement_of_its_own(
        django_assert_max_num_queries):
    account = person("marie@example.fr")
    client = Client()
    with django_assert_max_num_queries(12) as queries:
        client.post("/connexion/", {"email": account.email, "password": PASSWORD})

    statements = [q["sql"] for q in queries.captured_queries]
    position = next(i for i, sql in enumerate(statements) if "django_session" in sql)
    assert statements[position].startswith('INSERT INTO "django_session"')
    # Neither a transaction nor a savepoint of its own around it.
    assert position == len(statements) - 1
    assert not statements[position - 1].upper().startswith(("BEGIN", "SAVEPOINT"))
    assert client.get("/").status_code == 200


def test_a_row_whose_key_is_not_assigned_by_the_database_is_written_with_it():
    from eprocedures.lib.hotsql import insert_row

    expire = timezone.now() + timezone.timedelta(days=1)
    insert_row(Session(session_key="k" * 32, session_data="données", expire_date=expire))

    assert Session.objects.get(session_key="k" * 32).session_data == "données"


def test_a_session_ended_in_a_transaction_is_marked_ended_again_at_commit(
        django_capture_on_commit_callbacks):
    from django.db import transaction

    store = cached_db.SessionStore()
    store["_auth_user_id"] = "1"
    store.create()
    key = store.session_key
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        cached_db.SessionStore(session_key=key).delete()
        # Another request, which still sees the committed row, loads it into the cache.
        caches["default"].set(cached_db.SessionStore.cache_key_prefix + key, {"_auth_user_id": "1"})

    assert caches["default"].get(cached_db.SessionStore.cache_key_prefix + key) == cached_db.ENDED
    assert not cached_db.SessionStore(session_key=key).exists(key)


@pytest.fixture(params=["locmem", "redis"])
def cache(request, settings):
    """The cache sessions are read through: the local one, and Redis where CI gives it."""
    if request.param == "redis":
        url = os.environ.get("ETS_TEST_REDIS_URL")
        if not url:
            pytest.skip("ETS_TEST_REDIS_URL is not set")
        settings.CACHES = {"default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def cached_session():
    store = cached_db.SessionStore()
    store["_auth_user_id"] = "1"
    store.create()
    return store.session_key


def test_a_reader_that_saw_the_row_before_its_deletion_does_not_put_it_back(monkeypatch, cache):
    key = cached_session()
    cache.delete(cached_db.SessionStore.cache_key_prefix + key)  # a miss: the row is read
    reader = cached_db.SessionStore(session_key=key)
    read_row = cached_db.SessionStore._get_session_from_db

    def row_then_deleted(self):
        row = read_row(self)
        # Between the reader's SELECT and its cache write, the session is ended.
        cached_db.SessionStore(session_key=key).delete()
        return row

    monkeypatch.setattr(cached_db.SessionStore, "_get_session_from_db", row_then_deleted)
    assert reader.load() == {"_auth_user_id": "1"}  # what it read, for this request only
    monkeypatch.undo()

    assert cache.get(cached_db.SessionStore.cache_key_prefix + key) == cached_db.ENDED
    later = cached_db.SessionStore(session_key=key)
    assert later.load() == {}
    assert later.session_key is None
    assert not later.exists(key)


def test_a_session_read_from_the_database_is_cached_for_the_next_request(cache):
    key = cached_session()
    cache.delete(cached_db.SessionStore.cache_key_prefix + key)

    assert cached_db.SessionStore(session_key=key).load() == {"_auth_user_id": "1"}
    assert cache.get(cached_db.SessionStore.cache_key_prefix + key) == {"_auth_user_id": "1"}


def test_an_ended_session_cannot_be_loaded_nor_found_even_with_its_row_back(cache):
    key = cached_session()
    row = Session.objects.get(session_key=key)
    cached_db.SessionStore(session_key=key).delete()
    assert not Session.objects.filter(session_key=key).exists()
    row.save()  # the row put back by anything but the store: the cache marker still wins

    store = cached_db.SessionStore(session_key=key)
    assert store.load() == {}
    assert not store.exists(key)


def test_the_async_methods_honour_the_marker_too(cache):
    from asgiref.sync import async_to_sync

    key = cached_session()
    async_to_sync(cached_db.SessionStore(session_key=key).adelete)()

    assert not Session.objects.filter(session_key=key).exists()
    assert cache.get(cached_db.SessionStore.cache_key_prefix + key) == cached_db.ENDED
    store = cached_db.SessionStore(session_key=key)
    assert async_to_sync(store.aload)() == {}
    assert not async_to_sync(store.aexists)(key)

    other = cached_session()
    cache.delete(cached_db.SessionStore.cache_key_prefix + other)
    assert async_to_sync(cached_db.SessionStore(session_key=other).aload)() == {
        "_auth_user_id": "1"}
    assert cache.get(cached_db.SessionStore.cache_key_prefix + other) == {"_auth_user_id": "1"}
    assert async_to_sync(cached_db.SessionStore(session_key=other).aexists)(other)


def test_a_live_session_saved_while_it_is_ended_elsewhere_stays_ended(cache, monkeypatch):
    from django.contrib.sessions.backends.base import UpdateError

    key = cached_session()
    live = cached_db.SessionStore(session_key=key)
    assert live["_auth_user_id"] == "1"  # read at the start of its request
    update_row = Session.save

    def row_updated_then_session_ended(row, *args, **kwargs):
        update_row(row, *args, **kwargs)
        # Right after this UPDATE, another request ends the session (a password reset).
        cached_db.SessionStore(session_key=key).delete()

    monkeypatch.setattr(Session, "save", row_updated_then_session_ended)
    live["ets_last_seen"] = 1  # its last-seen time, saved as the response goes out
    live.save()
    monkeypatch.undo()

    assert cache.get(cached_db.SessionStore.cache_key_prefix + key) == cached_db.ENDED
    assert cached_db.SessionStore(session_key=key).load() == {}

    # And when the row went first, the save fails and leaves the marker.
    key = cached_session()
    live = cached_db.SessionStore(session_key=key)
    assert live["_auth_user_id"] == "1"
    cached_db.SessionStore(session_key=key).delete()
    live["ets_last_seen"] = 1
    with pytest.raises(UpdateError):
        live.save()
    assert cache.get(cached_db.SessionStore.cache_key_prefix + key) == cached_db.ENDED


def test_an_update_reaches_the_cache_and_the_row(cache):
    key = cached_session()
    live = cached_db.SessionStore(session_key=key)
    live["ets_last_seen"] = 1
    live.save()

    assert cache.get(cached_db.SessionStore.cache_key_prefix + key)["ets_last_seen"] == 1
    cache.delete(cached_db.SessionStore.cache_key_prefix + key)
    assert cached_db.SessionStore(session_key=key).load()["ets_last_seen"] == 1


def test_a_value_the_row_cannot_hold_never_reaches_the_cache(cache):
    import datetime

    key = cached_session()
    live = cached_db.SessionStore(session_key=key)
    assert live["_auth_user_id"] == "1"
    live["when"] = datetime.date(2026, 1, 1)  # not JSON: the row would refuse it

    with pytest.raises(TypeError):
        live.save()

    assert "when" not in cache.get(cached_db.SessionStore.cache_key_prefix + key)


def test_a_passing_database_error_does_not_end_a_live_session(cache, monkeypatch):
    from django.contrib.sessions.backends.base import UpdateError
    from django.db import OperationalError
    from django.db.models import Model

    key = cached_session()
    live = cached_db.SessionStore(session_key=key)
    assert live["_auth_user_id"] == "1"
    save_row = Model.save

    def connection_lost(self, *args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(Model, "save", connection_lost)
    live["ets_last_seen"] = 1
    with pytest.raises(UpdateError):
        live.save()
    monkeypatch.setattr(Model, "save", save_row)

    assert cache.get(cached_db.SessionStore.cache_key_prefix + key) is None  # read again
    assert cached_db.SessionStore(session_key=key).load() == {"_auth_user_id": "1"}


def test_the_async_save_keeps_the_same_order(cache, monkeypatch):
    from asgiref.sync import async_to_sync
    from django.contrib.sessions.backends import db as db_store

    key = cached_session()
    live = cached_db.SessionStore(session_key=key)
    assert live["_auth_user_id"] == "1"
    live["ets_last_seen"] = 1
    async_to_sync(live.asave)()

    assert cache.get(cached_db.SessionStore.cache_key_prefix + key)["ets_last_seen"] == 1
    assert db_store.SessionStore(session_key=key).load()["ets_last_seen"] == 1
