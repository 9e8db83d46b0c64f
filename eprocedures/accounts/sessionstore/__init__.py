"""Session stores: Django's database (and cached database) sessions, written once per sign-in.

Django's stores, on sign-in (``cycle_key``), look for a free key with a SELECT, INSERT
the session at once in a savepoint, then UPDATE it with the signed-in data when the
response goes out: seven statements where one INSERT is enough. Here:

- a new key is 160 random bits (32 characters of base32, within Django's alphabet):
  a collision cannot be expected, and were one to happen the INSERT, made with
  ``must_create``, would fail instead of overwriting another session, so the SELECT
  that looked for a free key is not needed;
- ``cycle_key`` only takes the new key (and deletes the old session, if any); the
  session is INSERTed once, by the save that SessionMiddleware makes at the end, as
  one statement (Django wraps it in a transaction of its own: BEGIN and COMMIT are
  two more round trips) whose SQL is compiled once (lib/hotsql).

Everything else (loading, updates, expiry, deletion) is Django's.
"""

import base64
import secrets
from contextlib import nullcontext

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.db import IntegrityError, connections, router, transaction

from eprocedures.lib.hotsql import insert_row

KEY_CHARACTERS = frozenset(VALID_KEY_CHARS)


class WrittenOnceMixin:
    _pending_create = False

    def _validate_session_key(self, key):
        # Only keys that this store (or Django's) could have made are looked up: a cookie
        # holding anything else (a NUL, which PostgreSQL refuses in a query) is no session.
        return bool(key) and 8 <= len(key) <= 40 and KEY_CHARACTERS.issuperset(key)

    def _get_new_session_key(self):
        return base64.b32encode(secrets.token_bytes(20)).decode("ascii").lower()

    def cycle_key(self):
        data = self._session
        old_key = self.session_key
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._pending_create = True
        self.modified = True
        if old_key:
            self.delete(old_key)

    def save(self, must_create=False):
        if not self._pending_create:
            return super().save(must_create)
        row = self.create_model_instance(self._get_session(no_load=True))
        using = router.db_for_write(self.model, instance=row)
        # Within a transaction, a savepoint keeps a failed INSERT from aborting it.
        guard = transaction.atomic(using) if connections[using].in_atomic_block else nullcontext()
        try:
            with guard:
                # An INSERT fails rather than overwrite a session that has the same key.
                insert_row(row, using=using)
        except IntegrityError:
            raise CreateError from None
        self._pending_create = False
        self._saved()

    def _saved(self):
        """Called after the INSERT of a new session (the cached store keeps a copy)."""
