import pytest
from django.core.cache import cache

from eprocedures.outbox.services import send_templated

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_cache_and_mail_queue(client):
    send_templated("outbox/email/test", "paul@example.fr", {"name": "Paul"})

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "cache": "ok",
        "mail_queue": {"pending": 1, "failed": 0, "oldest_pending_seconds": 0},
        "status": "ok",
    }
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_cache_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "set", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["cache"] == "error"
    assert response.json()["status"] == "error"


def test_healthz_says_how_long_the_oldest_pending_email_has_waited(client):
    from datetime import timedelta

    from django.utils import timezone

    from eprocedures.outbox.models import OutgoingEmail

    email = send_templated("outbox/email/test", "paul@example.fr", {"name": "Paul"})
    OutgoingEmail.objects.filter(pk=email.pk).update(
        created_at=timezone.now() - timedelta(minutes=42))

    queue = client.get("/healthz").json()["mail_queue"]

    assert 42 * 60 <= queue["oldest_pending_seconds"] < 43 * 60
