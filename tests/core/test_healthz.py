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
        "mail_queue": {"pending": 1, "failed": 0},
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
