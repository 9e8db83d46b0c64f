"""Queue e-mails durably and deliver them.

``send_templated`` is the one entry point of every e-mail of the portal: it
renders ``<template>_subject.txt``, ``<template>.txt`` and ``<template>.html`` in
the recipient's language and stores the result with a delivery task, inside the
caller's transaction. Nothing leaves before that transaction commits, and
nothing is lost if the SMTP server is down: the task retries with back-off.
"""

from django.conf import settings
from django.db import transaction
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from .models import OutgoingEmail
from .tasks import deliver_email


def render_email(template: str, context: dict, language: str) -> tuple[str, str, str]:
    with translation.override(language):
        ctx = {
            "office_name": settings.ETS_OFFICE_NAME,
            "site_url": settings.ETS_SITE_URL,
            "LANGUAGE_CODE": language,
            **context,
        }
        subject = " ".join(_render_plain(f"{template}_subject.txt", ctx).split())
        text = _render_plain(f"{template}.txt", ctx)
        html = render_to_string(f"{template}.html", ctx)
    return subject, text, html


def _render_plain(name: str, context: dict) -> str:
    """A subject or plain-text body: no HTML escaping ("L'Office & Cie", not "L&#x27;Office")."""
    return get_template(name).template.render(Context(context, autoescape=False))


def send_templated(template: str, to: str, context: dict, language: str = "fr") -> OutgoingEmail:
    """Render an e-mail and queue it in the current transaction."""
    subject, text, html = render_email(template, context, language)
    with transaction.atomic():
        email = OutgoingEmail.objects.create(
            kind=template.rsplit("/", 1)[-1],
            to=to,
            subject=subject,
            body_text=text,
            body_html=html,
            language=language,
        )
        # The task row is written in the same transaction as the e-mail row.
        deliver_email.enqueue(email.pk)
    return email
