"""The e-mails of card enrolment: one function per e-mail, queued in the caller's transaction."""

from django.conf import settings

from eprocedures.outbox.services import send_templated


def send_activation_code(user, activation_url: str, code: str):
    """The "Activer" link and the activation code (the only place the code is ever shown)."""
    return send_templated(
        "smartcard/email/activation_code", user.email,
        {"user": user, "activation_url": activation_url, "code": code,
         "minutes": settings.ETS_SMARTCARD_CODE_MINUTES},
        language=user.language,
    )


def send_card_added(user, card):
    """Security notice: a card was added to the account."""
    return send_templated(
        "smartcard/email/card_added", user.email, {"user": user, "card": card},
        language=user.language,
    )


def send_card_removed(user, card):
    """Security notice: a card was removed from the account."""
    return send_templated(
        "smartcard/email/card_removed", user.email, {"user": user, "card": card},
        language=user.language,
    )


def send_expiry_reminder(user, card):
    """The card's certificate expires soon."""
    return send_templated(
        "smartcard/email/expiry_reminder", user.email, {"user": user, "card": card},
        language=user.language,
    )
