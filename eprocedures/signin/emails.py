"""E-mails of sign-in and forgotten password: one function per e-mail.

Each renders ``signin/email/<name>_subject.txt``, ``.txt`` and ``.html`` in the
recipient's language and queues it in the caller's transaction.
"""

from django.conf import settings
from django.urls import reverse

from eprocedures.accounts.tokens import make_reset_token
from eprocedures.outbox.services import send_templated


def absolute(path: str) -> str:
    """Links in e-mails come from ETS_SITE_URL, never from the request's Host header."""
    return f"{settings.ETS_SITE_URL}{path}"


def _context(user, **extra) -> dict:
    return {"user": user, "name": user.get_full_name() or user.email, **extra}


def send_blocked_notice(user):
    """The account was just blocked: the way out is the forgotten-password page."""
    return send_templated("signin/email/blocked", user.email, _context(
        user,
        max_failed_logins=settings.ETS_MAX_FAILED_LOGINS,
        reset_request_url=absolute(reverse("signin:reset_request")),
    ), language=user.language)


def send_reset_link(user):
    """The single-use link to /mot-de-passe-oublie/<token>/."""
    token = make_reset_token(user)
    return send_templated("signin/email/reset", user.email, _context(
        user,
        reset_url=absolute(reverse("signin:reset_confirm", args=[token])),
        reset_hours=settings.ETS_RESET_HOURS,
    ), language=user.language)


def send_password_changed(user):
    """Notice after a new password was set through the forgotten-password page."""
    return send_templated("signin/email/password_changed", user.email, _context(
        user,
        reset_request_url=absolute(reverse("signin:reset_request")),
        helpdesk_email=settings.ETS_HELPDESK_EMAIL,
        helpdesk_phone=settings.ETS_HELPDESK_PHONE,
    ), language=user.language)
