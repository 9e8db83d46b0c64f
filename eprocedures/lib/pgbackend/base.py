"""Django's PostgreSQL backend, with a cheaper check of persistent connections.

Connections are kept between requests (CONN_MAX_AGE) and checked before each request
uses one again (CONN_HEALTH_CHECKS), so that a connection the server has closed
(restart, fail-over, idle timeout, pg_terminate_backend) is replaced instead of
failing the request. Django checks with a "SELECT 1": one more round trip per request,
as much as the whole refusal of a blocked account costs otherwise. A connection at rest
receives nothing; a server that ends it sends its reason and closes the socket, which
makes the socket readable. So a connection is reused when its socket has nothing to
read, and replaced otherwise. After a database error Django still runs its SELECT 1
(``is_usable``), since the socket then says nothing of the session's state. A network path
cut without either end closing the connection is not seen at once by either check: Django's
SELECT 1 would wait for TCP's timeout and then reconnect, here the request's first query
waits as long and fails (the next request gets a new connection).
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done:
            return
        if not self.is_at_rest():
            self.close()
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
