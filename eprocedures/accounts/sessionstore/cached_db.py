"""Database sessions read through the shared cache (instances with Redis)."""

import logging

from django.contrib.sessions.backends import cached_db
from django.db import connections, router, transaction

from . import WrittenOnceMixin

log = logging.getLogger(__name__)


class SessionStore(WrittenOnceMixin, cached_db.SessionStore):
    def _saved(self):
        # As Django's cached_db does after writing the row: a cache failure is only logged.
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            log.exception("Error saving to cache (%s)", self._cache)

    def delete(self, session_key=None):
        key = session_key or self.session_key
        super().delete(session_key)
        using = router.db_for_write(self.model)
        if key and connections[using].in_atomic_block:
            # Until the DELETE commits, another request can still read the row and put it
            # back in the cache, where the ended session would live on: forget it again.
            transaction.on_commit(lambda: self._forget(key), using=using)

    def _forget(self, key):
        try:
            self._cache.delete(self.cache_key_prefix + key)
        except Exception:
            log.exception("Error deleting from cache (%s)", self._cache)
