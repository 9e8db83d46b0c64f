import pytest

from eprocedures.audit.models import AuditEvent

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "Mauvais;42Mot"


def test_failures_from_one_address_get_the_429_page(client, user, settings):
    settings.ETS_SIGNIN_FAILURES_PER_IP = 3
    settings.ETS_SIGNIN_THROTTLE_MINUTES = 15
    for n in range(3):  # spraying: a different account each time
        client.post("/connexion/", {"email": f"cible{n}@example.fr", "password": WRONG},
                    REMOTE_ADDR="203.0.113.7")

    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    html = response.content.decode()
    assert "<h1>Trop de tentatives</h1>" in html
    assert "Par sécurité, réessayez dans 15 minutes." in html
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(event="signin.throttled").count() == 1


def test_another_address_is_not_throttled(client, user, settings):
    settings.ETS_SIGNIN_FAILURES_PER_IP = 2
    for _ in range(2):
        client.post("/connexion/", {"email": "x@example.fr", "password": WRONG},
                    REMOTE_ADDR="203.0.113.7")

    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.8")

    assert response.status_code == 302


def test_addresses_of_one_ipv6_64_count_as_one_client(client, user, settings):
    settings.ETS_SIGNIN_FAILURES_PER_IP = 3
    for n in range(3):  # rotating through the addresses of one /64
        client.post("/connexion/", {"email": f"cible{n}@example.fr", "password": WRONG},
                    REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}")

    same_64 = client.post("/connexion/", {"email": user.email, "password": PASSWORD},
                          REMOTE_ADDR="2001:db8:1:2:ffff:ffff:ffff:ffff")
    other_64 = client.post("/connexion/", {"email": user.email, "password": PASSWORD},
                           REMOTE_ADDR="2001:db8:1:3::1")

    assert same_64.status_code == 429
    assert other_64.status_code == 302
    # The audit keeps the full address, not the block.
    assert AuditEvent.objects.filter(event="signin.throttled").get().ip == (
        "2001:db8:1:2:ffff:ffff:ffff:ffff")


def test_an_ipv4_mapped_address_counts_as_the_ipv4_one(client, user, settings):
    settings.ETS_SIGNIN_FAILURES_PER_IP = 2
    for address in ("203.0.113.7", "::ffff:203.0.113.7"):
        client.post("/connexion/", {"email": "x@example.fr", "password": WRONG},
                    REMOTE_ADDR=address)

    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 429


def test_successes_do_not_count(client, user, settings):
    settings.ETS_SIGNIN_FAILURES_PER_IP = 2
    for _ in range(4):
        response = client.post("/connexion/", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        client.post("/deconnexion/")


def test_throttled_page_is_translated(client, settings):
    settings.ETS_SIGNIN_FAILURES_PER_IP = 1
    client.post("/connexion/", {"email": "x@example.fr", "password": WRONG})
    client.cookies["ets_language"] = "en"
    response = client.post("/connexion/", {"email": "x@example.fr", "password": WRONG})
    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in response.content.decode()


def test_reset_requests_are_throttled_per_address(client, settings):
    settings.ETS_RESET_REQUESTS_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/mot-de-passe-oublie/", {"email": "x@example.fr"}).status_code == 302
    response = client.post("/mot-de-passe-oublie/", {"email": "x@example.fr"})
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"


def test_counters_are_shared_through_redis(client, settings):
    import os

    url = os.environ.get("ETS_TEST_REDIS_URL")
    if not url:
        pytest.skip("ETS_TEST_REDIS_URL is not set")
    from django.core.cache import caches

    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    settings.ETS_SIGNIN_FAILURES_PER_IP = 2
    caches["default"].clear()
    try:
        for _ in range(2):
            client.post("/connexion/", {"email": "x@example.fr", "password": WRONG})
        # The counter lives in Redis, where every instance of the portal reads it.
        from eprocedures.signin.flows import failure_throttle

        assert failure_throttle().count("127.0.0.1") == 2
        response = client.post("/connexion/", {"email": "x@example.fr", "password": WRONG})
        assert response.status_code == 429
    finally:
        caches["default"].clear()


def test_ports_a_trusted_proxy_adds_do_not_make_new_clients(client, user, settings):
    # A proxy that writes "address:port" would otherwise give every connection its own count.
    settings.ETS_TRUSTED_PROXIES = ["127.0.0.1"]
    settings.ETS_SIGNIN_FAILURES_PER_IP = 3
    for port in (41001, 41002, 41003):
        client.post("/connexion/", {"email": "x@example.fr", "password": WRONG},
                    REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=f"203.0.113.7:{port}")

    response = client.post("/connexion/", {"email": user.email, "password": PASSWORD},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7:41004")

    assert response.status_code == 429
    assert set(AuditEvent.objects.values_list("ip", flat=True)) == {"203.0.113.7"}


def test_a_forwarded_hop_that_is_no_address_is_recorded_as_the_proxy(client, user, settings):
    settings.ETS_TRUSTED_PROXIES = ["127.0.0.1"]

    response = client.post("/connexion/", {"email": user.email, "password": WRONG},
                           REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="unknown")

    assert response.status_code == 200
    assert AuditEvent.objects.get(event="signin.failure").ip == "127.0.0.1"
