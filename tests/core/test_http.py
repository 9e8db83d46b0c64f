import pytest
from django.test import RequestFactory

from eprocedures.lib.http import client_ip, forwarded_address


@pytest.mark.parametrize(("hop", "address"), [
    ("203.0.113.7", "203.0.113.7"),
    (" 203.0.113.7 ", "203.0.113.7"),
    ("203.0.113.7:41234", "203.0.113.7"),
    ("2001:db8::1", "2001:db8::1"),
    ("2001:DB8:0:0::1", "2001:db8::1"),
    ("[2001:db8::1]", "2001:db8::1"),
    ("[2001:db8::1]:41234", "2001:db8::1"),
    ("unknown", None),
    ("", None),
    ("203.0.113.7:80:81", None),
    ("[2001:db8::1", None),
    ("[not-an-address]:80", None),
    ("203.0.113.300", None),
    ("_hidden", None),
    ("fe80::1%eth0", None),
    ("[fe80::1%eth0]:443", None),
])
def test_forwarded_address(hop, address):
    assert forwarded_address(hop) == address


def request(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_the_last_hop_is_believed_from_a_trusted_proxy(settings):
    settings.ETS_TRUSTED_PROXIES = ["10.0.0.2"]
    # The client may send its own X-Forwarded-For: only what the proxy appended counts.
    assert client_ip(request("10.0.0.2", "198.51.100.1, 203.0.113.7:5555")) == "203.0.113.7"


def test_forwarded_for_is_ignored_from_anyone_else(settings):
    settings.ETS_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize("forwarded", ["", "unknown", "198.51.100.1, garbage"])
def test_a_useless_last_hop_gives_the_proxy_address(settings, forwarded):
    settings.ETS_TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(request("10.0.0.2", forwarded)) == "10.0.0.2"


def test_a_nul_in_the_user_agent_is_dropped():
    from eprocedures.lib.http import user_agent

    assert user_agent(RequestFactory().get("/", HTTP_USER_AGENT="Moz\x00illa")) == "Mozilla"


@pytest.mark.django_db
def test_odd_session_cookies_are_no_session_and_no_error(client):
    for cookie in ["abcdefgh\x00ijk", "ABCDEFGHIJKL", "a" * 41, "short"]:
        client.cookies["ets_session"] = cookie
        response = client.get("/connexion/")
        assert response.status_code == 200


@pytest.mark.django_db
def test_a_sign_in_with_a_nul_in_the_user_agent_is_audited_without_it(client):
    from eprocedures.audit.models import AuditEvent

    response = client.post("/connexion/", {"email": "x@example.fr", "password": "Faux;Mot2"},
                           HTTP_USER_AGENT="Moz\x00illa")

    assert response.status_code == 200
    assert AuditEvent.objects.get().user_agent == "Mozilla"


def test_a_zone_on_the_peer_address_is_dropped(settings):
    settings.ETS_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_ip(request("fe80::1%eth0")) == "fe80::1"


@pytest.mark.django_db
@pytest.mark.parametrize(("peer", "secure"), [("127.0.0.1", True), ("203.0.113.9", False)])
def test_forwarded_proto_is_believed_only_from_a_trusted_proxy(settings, peer, secure):
    from django.http import HttpResponse

    from eprocedures.core.middleware import UntrustedProxyHeadersMiddleware

    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ETS_TRUSTED_PROXIES = ["127.0.0.1"]
    seen = {}

    def view(request):
        seen["secure"] = request.is_secure()
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https")
    UntrustedProxyHeadersMiddleware(view)(request)

    assert seen["secure"] is secure
