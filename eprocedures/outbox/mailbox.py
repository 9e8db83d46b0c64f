"""The local mailbox: the e-mail backend of the embedded defaults.

Each message is written as an .eml file in ETS_DATA_DIR/mailbox, where the
page /boite-locale/ lists it, so that a newcomer running `make run` can follow
the activation link without any SMTP server.
"""

import email
import email.policy
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_NAME = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{32}\.eml$")


def mailbox_dir() -> Path:
    return Path(settings.ETS_MAILBOX_DIR)


class MailboxBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            name = f"{timezone.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
        return len(email_messages)


@dataclass
class StoredMessage:
    name: str
    to: str
    subject: str
    date: datetime
    text: str
    html: str


def _read(path: Path) -> StoredMessage:
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    text = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    return StoredMessage(
        name=path.name,
        to=str(msg["To"]),
        subject=str(msg["Subject"]),
        date=datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.get_current_timezone()),
        text=text.get_content() if text else "",
        html=html.get_content() if html else "",
    )


def list_messages() -> list[StoredMessage]:
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    paths = sorted((p for p in folder.iterdir() if _NAME.match(p.name)), reverse=True)
    return [_read(p) for p in paths[:200]]


def get_message(name: str) -> StoredMessage | None:
    # The name is matched against the pattern first: no path can escape the folder.
    if not _NAME.match(name):
        return None
    path = mailbox_dir() / name
    return _read(path) if path.is_file() else None
