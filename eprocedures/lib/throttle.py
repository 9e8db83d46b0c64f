"""Counters in the shared cache that limit attempts per window of time (fixed buckets).

With CACHE_URL=redis://… every instance sees the same counters; with the local
cache they are per process (a deploy check warns about it), never switched off.
"""

import contextlib
import hashlib
import time

from django.core.cache import cache


class Throttle:
    """At most ``limit`` hits per ``window`` seconds for one key (fixed buckets)."""

    def __init__(self, name: str, limit: int, window: int):
        self.name, self.limit, self.window = name, limit, window

    def _key(self, key: str) -> str:
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        bucket = int(time.time() // self.window)
        return f"ets:throttle:{self.name}:{digest}:{bucket}"

    def count(self, key: str) -> int:
        return int(cache.get(self._key(key), 0))

    def is_limited(self, key: str) -> bool:
        return self.count(key) >= self.limit

    def hit(self, key: str) -> int:
        """Count one attempt and return the new total (atomic with Redis)."""
        k = self._key(key)
        # Within a window the counter exists: one cache operation (Redis: EXISTS, INCR).
        try:
            return cache.incr(k)
        except ValueError:  # the window's first attempt
            pass
        if cache.add(k, 1, self.window):
            return 1
        try:  # another instance started the window meanwhile
            return cache.incr(k)
        except ValueError:  # and it expired already
            cache.set(k, 1, self.window)
            return 1

    def undo(self, key: str) -> None:
        """Take back one hit of this window (an attempt counted first that turned out right)."""
        with contextlib.suppress(ValueError):  # the window ended: nothing of it to undo
            cache.decr(self._key(key))

    def reset(self, key: str) -> None:
        cache.delete(self._key(key))
