"""Card e-mails in English: no French spacing, dates that cannot be read the wrong way."""

from datetime import UTC, datetime

import pytest

from eprocedures.outbox.models import OutgoingEmail
from eprocedures.smartcard import emails
from eprocedures.smartcard.models import Smartcard
from tests.factories import person

pytestmark = pytest.mark.django_db


def test_the_activation_line_in_english_has_no_french_spacing():
    user = person("paul.durand@example.fr", language="en")

    emails.send_activation_code(user, "https://card.example/carte-a-puce/activer/x/", "12345678")

    body = OutgoingEmail.objects.get().body_text
    assert "Activate: https://card.example/carte-a-puce/activer/x/" in body
    assert "Activate :" not in body


def test_card_dates_are_written_out_in_english():
    user = person("paul.durand@example.fr", language="en")
    card = Smartcard.objects.create(
        user=user, fingerprint="b" * 64, subject="CN=Paul", holder="Paul Durand",
        issuer="CN=CA", serial="2", not_before=datetime(2026, 1, 1, tzinfo=UTC),
        not_after=datetime(2026, 8, 12, 12, tzinfo=UTC))

    emails.send_card_added(user, card)

    body = OutgoingEmail.objects.get().body_text
    assert "Aug. 12, 2026" in body and "12/08/2026" not in body and "08/12/2026" not in body
