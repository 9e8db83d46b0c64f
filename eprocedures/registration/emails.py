"""The e-mails of registration: one function per e-mail, queued in the caller's transaction."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from eprocedures.accounts.models import User
from eprocedures.accounts.tokens import make_activation_token
from eprocedures.outbox.services import send_templated


def activation_link(user: User) -> str:
    """The link of the activation e-mail, on the configured site address (never the Host header)."""
    path = reverse("registration:activate", kwargs={"token": make_activation_token(user)})
    return settings.ETS_SITE_URL + path


def send_activation(user: User):
    """The link to choose a password, valid ETS_ACTIVATION_DAYS days."""
    days = settings.ETS_ACTIVATION_DAYS
    return send_templated(
        "registration/email/activation",
        user.email,
        {
            "user": user,
            "link": activation_link(user),
            "days": days,
            "expires_at": timezone.now() + timedelta(days=days),
            "resend_url": settings.ETS_SITE_URL + reverse("registration:resend"),
        },
        language=user.language,
    )


def send_already_active(user: User):
    """Told to the owner of an active account when its address is registered again
    (or a fresh activation link is asked for): the page said nothing, the e-mail explains."""
    return send_templated(
        "registration/email/already_active",
        user.email,
        {
            "user": user,
            "login_url": settings.ETS_SITE_URL + reverse("signin:login"),
            "reset_url": settings.ETS_SITE_URL + reverse("signin:reset_request"),
        },
        language=user.language,
    )
