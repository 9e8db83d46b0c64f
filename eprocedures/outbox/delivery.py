"""Delivery of queued e-mails, with retries and exponential back-off."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from .models import OutgoingEmail

log = logging.getLogger(__name__)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… capped at 6 hours."""
    seconds = settings.ETS_MAIL_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 6 * 3600))


def deliver(email_id: int) -> str:
    """Send one queued e-mail; return its new status. Raises nothing on SMTP errors."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        )
        if email is None or email.status != OutgoingEmail.Status.PENDING:
            return email.status if email else "missing"
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.body_text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[email.to],
            headers={"Auto-Submitted": "auto-generated", "Content-Language": email.language},
        )
        if email.body_html:
            message.attach_alternative(email.body_html, "text/html")
        email.attempts += 1
        try:
            message.send()
        except Exception as exc:  # SMTP, DNS, socket: all are worth a retry
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= settings.ETS_MAIL_MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
                log.error("giving up e-mail %s after %s attempts", email.pk, email.attempts)
            else:
                email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
                log.warning("e-mail %s not sent (%s), retry at %s", email.pk, exc,
                            email.next_attempt_at)
        else:
            email.status = OutgoingEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
        email.save()
        return email.status


def queue_depth() -> dict:
    pending = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING).count()
    failed = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count()
    return {"pending": pending, "failed": failed}
