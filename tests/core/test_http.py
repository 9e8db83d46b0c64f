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
