"""Delivery of queued e-mails, with retries and exponential back-off."""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone

from .models import OutgoingEmail

log = logging.getLogger(__name__)


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min… capped at 6 hours."""
    seconds = settings.ETS_MAIL_RETRY_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 6 * 3600))


# How long a claimed e-mail is left to the worker that claimed it: well above the SMTP
# timeout (EMAIL_TIMEOUT). A worker that died meanwhile leaves it due again afterwards.
CLAIM = timedelta(minutes=15)
NOT_DUE = "not_due"


def is_permanent(exc: Exception) -> bool:
    """A refusal that another try cannot change: the recipient or the message refused for
    good (5xx), an address that cannot be written. A server down, a 4xx, a login refused
    (the operator fixes the settings) are temporary."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _reply in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return isinstance(exc, ValueError)  # UnicodeError among them


def deliver(email_id: int) -> str:
    """Send one queued e-mail if it is due; return its new status. Raises nothing on SMTP errors.

    The e-mail is claimed in a short statement, sent outside any transaction, and the
    outcome recorded in another: no database lock is held while an SMTP server takes its
    time (with SQLite, a transaction held open would stop every other write). A second
    task for the same e-mail (the hourly outbox_requeue, a retry) finds it claimed or not
    yet due and returns NOT_DUE without sending: the back-off is kept, and the chain of
    retries stays one.
    """
    now = timezone.now()
    # A first attempt is always due: its time was set by the web server's clock, which
    # may run ahead of the worker's; its task is the only one a new e-mail gets.
    due = Q(attempts=0) | Q(next_attempt_at__lte=now)
    claimed = OutgoingEmail.objects.filter(
        due, pk=email_id, status=OutgoingEmail.Status.PENDING,
    ).update(next_attempt_at=now + CLAIM, attempts=F("attempts") + 1)
    email = OutgoingEmail.objects.filter(pk=email_id).first()
    if email is None:
        return "missing"
    if not claimed:
        return email.status if email.status != OutgoingEmail.Status.PENDING else NOT_DUE
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to],
        headers={"Auto-Submitted": "auto-generated", "Content-Language": email.language},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as exc:  # SMTP, DNS, socket
        email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        # An SMTP server down for a weekend must not cost the e-mails meanwhile: only a
        # permanent refusal counts the attempts; anything else is tried again (every 6 h
        # at most) until the e-mail is older than the longest-lived link it can carry.
        too_old = timezone.now() - email.created_at > timedelta(
            days=settings.ETS_MAIL_GIVE_UP_DAYS)
        if too_old or (is_permanent(exc) and email.attempts >= settings.ETS_MAIL_MAX_ATTEMPTS):
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
    email.save(update_fields=["status", "sent_at", "last_error", "next_attempt_at"])
    return email.status


def queue_depth() -> dict:
    """Counts for /healthz, and how long the oldest pending e-mail has waited (seconds):
    a figure that grows while no worker runs or SMTP refuses, for a monitor to alert on."""
    pending = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.PENDING)
    failed = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count()
    oldest = pending.order_by("created_at").values_list("created_at", flat=True).first()
    waited = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    return {"pending": pending.count(), "failed": failed, "oldest_pending_seconds": waited}
