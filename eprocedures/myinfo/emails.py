"""Security notices of "Mes informations": one function per e-mail.

Each is queued with the caller's transaction and rendered in the owner's
language. The notices say what changed and when, never the new secret, and
tell the owner what to do if they did not make the change.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from eprocedures.accounts.models import User
from eprocedures.outbox.services import send_templated


def _context(user: User, **extra) -> dict:
    return {
        "user": user,
        "name": user.get_full_name(),
        "when": timezone.localtime(),
        "helpdesk_name": settings.ETS_HELPDESK_NAME,
        "helpdesk_phone": settings.ETS_HELPDESK_PHONE,
        "helpdesk_email": settings.ETS_HELPDESK_EMAIL,
        "forgotten_password_url": settings.ETS_SITE_URL + reverse("signin:reset_request"),
        **extra,
    }


def send_contact_changed(user: User):
    return send_templated("myinfo/email/contact_changed", user.email, _context(user),
                          language=user.language)


def send_email_change_requested(user: User, new_email: str):
    """To the current address: a change towards ``new_email`` was asked for."""
    return send_templated("myinfo/email/email_change_requested", user.email,
                          _context(user, new_email=new_email), language=user.language)


def send_email_change_link(user: User, new_email: str, link: str):
    """To the new address: the link that makes the change."""
    return send_templated(
        "myinfo/email/email_change_link", new_email,
        # Not by name: this address is not confirmed yet (anyone could have typed it).
        _context(user, new_email=new_email, link=link, hours=settings.ETS_EMAIL_CHANGE_HOURS,
                 greet_by_name=False),
        language=user.language,
    )


def send_email_address_taken(user: User, new_email: str):
    """To the new address when it already has an account: no link, and why.

    In the language of the account that address belongs to: that is who reads it."""
    language = User.objects.filter(email__iexact=new_email).values_list(
        "language", flat=True).first() or user.language
    return send_templated("myinfo/email/email_address_taken", new_email,
                          _context(user, new_email=new_email, greet_by_name=False),
                          language=language)


def send_email_changed(user: User, old_email: str, new_email: str):
    """The change is made: both addresses are told."""
    context = _context(user, old_email=old_email, new_email=new_email)
    for address in (old_email, new_email):
        # At the old address a "forgotten password" link would no longer arrive: the
        # advice there is to call the help desk.
        send_templated("myinfo/email/email_changed", address,
                       {**context, "to_old_address": address == old_email},
                       language=user.language)


def send_mobile_changed(user: User):
    return send_templated("myinfo/email/mobile_changed", user.email, _context(user),
                          language=user.language)


def send_password_changed(user: User):
    return send_templated("myinfo/email/password_changed", user.email, _context(user),
                          language=user.language)


def send_secret_questions_changed(user: User):
    return send_templated("myinfo/email/secret_questions_changed", user.email, _context(user),
                          language=user.language)


def send_verification_locked(user: User):
    """Too many wrong secret answers or current passwords on the profile pages."""
    return send_templated(
        "myinfo/email/verification_locked", user.email,
        _context(user, minutes=settings.ETS_SECRET_ANSWER_WINDOW_MINUTES),
        language=user.language,
    )
