"""Database sessions (the embedded default and any instance without Redis)."""

from django.contrib.sessions.backends import db

from . import WrittenOnceMixin


class SessionStore(WrittenOnceMixin, db.SessionStore):
    pass
