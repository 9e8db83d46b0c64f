"""Request helpers shared by the flows."""

import ipaddress

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def peer_address(request) -> str:
    """The address of the connection's other end (REMOTE_ADDR).

    A direct IPv6 link-local peer comes with its zone ("fe80::1%eth0"): not an address
    PostgreSQL stores, nor one that tells anything beyond the host.
    """
    return request.META.get("REMOTE_ADDR", "").partition("%")[0]


def from_trusted_proxy(request) -> bool:
    """Whether the connection comes from ETS_TRUSTED_PROXIES, whose X-Forwarded-* are believed."""
    return peer_address(request) in settings.ETS_TRUSTED_PROXIES


def client_ip(request) -> str:
    """The client's address; X-Forwarded-For is believed only from a trusted proxy.

    The proxy appends the address it saw: the last hop is the one to trust. Some
    proxies add the client's port ("203.0.113.7:41234", "[2001:db8::1]:41234"); it is
    dropped. A last hop that is no address at all ("unknown", garbage) is not believed:
    the proxy's own address stands in, so that an audit row can still be written.
    """
    remote = peer_address(request)
    if from_trusted_proxy(request):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded_address(forwarded.rsplit(",", 1)[-1]) or remote
    return remote


def forwarded_address(hop: str) -> str | None:
    """The address of one X-Forwarded-For hop, without a port; None if there is none."""
    hop = hop.strip()
    if hop.startswith("["):  # [IPv6] or [IPv6]:port
        hop, closed, _port = hop[1:].partition("]")
        if not closed:
            return None
    elif hop.count(":") == 1:  # IPv4:port (an IPv6 address has at least two colons)
        hop = hop.partition(":")[0]
    try:
        address = ipaddress.ip_address(hop)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None  # "fe80::1%eth0": a zone means nothing here, and PostgreSQL's inet refuses it
    return str(address)


# One IPv6 subscriber holds at least a /64: the smallest block a network assigns.
IPV6_CLIENT_PREFIX = 64


def client_network(request) -> str:
    """The client as per-address limits count it: its IPv4 address, or its IPv6 /64.

    Counting IPv6 addresses one by one would let a single client rotate through the
    addresses of its /64 past any per-address limit. Audit rows keep the full address.
    """
    ip = client_ip(request)
    if ":" not in ip:
        return ip
    try:
        address = ipaddress.IPv6Address(ip)
    except ValueError:
        return ip
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.IPv6Network((address, IPV6_CLIENT_PREFIX), strict=False))


def user_agent(request) -> str:
    # NUL cannot be stored in a PostgreSQL text column: dropped, like anything past 300.
    return request.META.get("HTTP_USER_AGENT", "")[:300].replace("\x00", "")


def safe_next(request, candidate: str | None, default: str = "/") -> str:
    """Only same-site absolute paths are honoured as a redirect target.

    A path, not merely a relative URL: the card front glues it to ETS_SITE_URL, where
    "@evil.example/" or ".evil.example/" would change the host, and Django's redirect()
    would take "abc" for the name of a URL.
    """
    if (candidate and candidate.startswith("/") and not candidate.startswith(("//", "/\\"))
            and url_has_allowed_host_and_scheme(
                candidate, allowed_hosts=set(), require_https=request.is_secure())):
        return candidate
    return default
