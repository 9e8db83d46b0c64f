"""Django's PostgreSQL backend, with a cheaper check of busy persistent connections.

Connections are kept between requests (CONN_MAX_AGE) and checked before each request
uses one again (CONN_HEALTH_CHECKS), so that a connection the server has closed
(restart, fail-over, idle timeout, pg_terminate_backend) is replaced instead of
failing the request. Django checks with a "SELECT 1": one more round trip per request,
as much as the whole refusal of a blocked account costs otherwise.

A connection at rest receives nothing; a server that ends it sends its reason and
closes the socket, which makes the socket readable. So a connection that served a
request within the last ``RECENT_SECONDS`` is reused when its socket has nothing to
read, and replaced otherwise: under load, no round trip. A connection that rested
longer also gets Django's SELECT 1, the only way to see a peer that forgot the
connection without closing it (a database host that rebooted, a virtual address that
moved): the SELECT 1 gets the reset and Django reconnects before the request's own
queries. (A path that silently drops packets is caught by the TCP timeouts that
lib/env sets by default: tcp_user_timeout, keepalives, connect_timeout.) After a
database error Django's SELECT 1 runs too (``close_if_unusable_or_obsolete``).
"""

import select
import time

from django.db.backends.postgresql import base

# A connection used this recently is trusted on its socket alone.
RECENT_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    _checked_at = float("-inf")

    def connect(self):
        super().connect()
        self._checked_at = time.monotonic()

    def close_if_health_check_failed(self):
        if self.pool:
            return  # the pool only hands out healthy connections
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        now = time.monotonic()
        recent = now - self._checked_at < RECENT_SECONDS
        if not (self.is_at_rest() and (recent or self.is_usable())):
            self.close()
        self._checked_at = now
        self.health_check_done = True

    def is_at_rest(self) -> bool:
        """Open, and nothing waiting on the socket (a closed one reads as end of file)."""
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        # poll(), not select(): no limit on the descriptor's number.
        poller = select.poll()
        try:
            poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)
            return not poller.poll(0)  # errors and hang-ups are always reported
        except (OSError, ValueError):
            return False
