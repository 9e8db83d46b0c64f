"""Request helpers shared by the flows."""

from django.conf import settings
from django.utils.http import url_has_allowed_host_and_scheme


def client_ip(request) -> str:
    """The client's address; X-Forwarded-For is believed only from a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in settings.ETS_TRUSTED_PROXIES:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # The proxy appends the address it saw: the last hop is the one to trust.
            return forwarded.split(",")[-1].strip() or remote
    return remote


def user_agent(request) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def safe_next(request, candidate: str | None, default: str = "/") -> str:
    """Only same-site paths are honoured as a redirect target."""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts=set(), require_https=request.is_secure()
    ):
        return candidate
    return default
