"""Database sessions read through the shared cache (instances with Redis).

An ended session leaves a marker in the cache (``ENDED``) instead of nothing, and a
session read from the database goes into the cache only where the cache holds
nothing (``add``, not ``set``). Otherwise a request that read the row just before it
was deleted (another account's sign-in over it, a password reset ending every other
session) could write it back into the cache just after, and the ended session would
live on there until its expiry, up to ETS_REMEMBER_ME_DAYS.
"""

import logging

from asgiref.sync import sync_to_async
from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router, transaction

from . import WrittenOnceMixin

log = logging.getLogger(__name__)

# What the cache holds for an ended session. Session keys are never reused; the marker
# only has to outlast any request that read the row before its deletion (gunicorn
# stops a request after 30 s).
ENDED = "ets-session-ended"
ENDED_SECONDS = 3600


class SessionStore(WrittenOnceMixin, cached_db.SessionStore):
    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:  # as Django's: an unusable cache key resets the session
            data = None
        if data == ENDED:
            self._session_key = None
            return {}
        if data is None:
            row = self._get_session_from_db()  # forgets the key if there is no row
            if not row:
                return {}
            data = self.decode(row.session_data)
            self._remember(data, self.get_expiry_age(expiry=row.expire_date))
        return data

    # The async methods run the sync ones (thread-sensitive): one set of rules, the
    # database statements in a transaction where needed (not async in Django yet).
    async def aload(self):
        return await sync_to_async(self.load)()

    def _remember(self, data, age):
        # add: a marker left by a deletion meanwhile stays (module docstring).
        try:
            self._cache.add(self.cache_key, data, age)
        except Exception:
            log.exception("Error saving to cache (%s)", self._cache)

    def exists(self, session_key):
        if not session_key:
            return False
        try:
            cached = self._cache.get(self.cache_key_prefix + session_key)
        except Exception:
            cached = None
        if cached == ENDED:
            return False
        return cached is not None or super(cached_db.SessionStore, self).exists(session_key)

    async def aexists(self, session_key):
        return await sync_to_async(self.exists)(session_key)

    def save(self, must_create=False):
        if must_create or self._pending_create or self.session_key is None:
            return super().save(must_create)  # a new session: written once (WrittenOnceMixin)
        # An update: the cache first, then the row. Written the other way (Django's), a
        # deletion committed between the two would see its "ended" marker overwritten with
        # the live data. This way, a row deleted meanwhile makes the UPDATE fail, and the
        # marker is set again before the failure goes up (Django answers it as an
        # interrupted session).
        key = self.session_key
        row = self.create_model_instance(self._get_session())  # a value no row can hold fails here
        using = router.db_for_write(self.model, instance=row)
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            log.exception("Error saving to cache (%s)", self._cache)
        try:
            with transaction.atomic(using=using):
                row.save(force_update=True, using=using)
        except DatabaseError:
            # Ended only if the row is really gone; any other failure (a lost connection, a
            # lock timeout) leaves the session alive, read again from its row next time.
            try:
                gone = not self.model.objects.using(using).filter(session_key=key).exists()
            except DatabaseError:
                gone = False
            (self._end if gone else self._forget)(key)
            raise UpdateError from None  # as Django's store: an interrupted session
        except BaseException:
            self._forget(key)
            raise

    async def asave(self, must_create=False):
        return await sync_to_async(self.save)(must_create)

    def _saved(self):
        # As Django's cached_db does after writing the row: a cache failure is only logged.
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            log.exception("Error saving to cache (%s)", self._cache)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        if not key:
            return
        super(cached_db.SessionStore, self).delete(key)  # the row
        self._end(key)
        using = router.db_for_write(self.model)
        if connections[using].in_atomic_block:
            # Until the DELETE commits, another request can still read the row: mark it
            # again once the deletion is visible to all.
            transaction.on_commit(lambda: self._end(key), using=using)

    async def adelete(self, session_key=None):
        return await sync_to_async(self.delete)(session_key)

    def _forget(self, key):
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            log.exception("Error deleting from cache (%s)", self._cache)

    def _end(self, key):
        try:
            self._cache.set(self.cache_key_prefix + key, ENDED, ENDED_SECONDS)
        except Exception:
            log.exception("Error marking an ended session in the cache (%s)", self._cache)
