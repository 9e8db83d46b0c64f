"""Database sessions read through the shared cache (instances with Redis)."""

import logging

from django.contrib.sessions.backends import cached_db

from . import WrittenOnceMixin

log = logging.getLogger(__name__)


class SessionStore(WrittenOnceMixin, cached_db.SessionStore):
    def _saved(self):
        # As Django's cached_db does after writing the row: a cache failure is only logged.
        try:
            self._cache.set(self.cache_key, self._session, self.get_expiry_age())
        except Exception:
            log.exception("Error saving to cache (%s)", self._cache)
