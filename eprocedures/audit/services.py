"""Recording of security events."""

from eprocedures.lib.hotsql import insert_row
from eprocedures.lib.http import client_ip, user_agent

from .models import AuditEvent


def record(request, event: str, *, user=None, success: bool = True, email: str = "", **detail):
    """Write one audit event for this request (in the caller's transaction)."""
    ip = client_ip(request) if request is not None else None
    # Every refused attempt writes one: the INSERT's SQL is compiled once (lib/hotsql).
    insert_row(AuditEvent(
        event=event,
        outcome=AuditEvent.Outcome.SUCCESS if success else AuditEvent.Outcome.FAILURE,
        user=user if user is not None and user.pk else None,
        # The account's address too: the row stays attributed if the account is deleted.
        email=(email or (user.email if user is not None and user.pk else ""))[:254],
        ip=ip or None,
        user_agent=user_agent(request) if request is not None else "",
        detail=detail,
    ))
