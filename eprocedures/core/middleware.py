from urllib.parse import urlsplit

from django.conf import settings
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

from eprocedures.lib.http import from_trusted_proxy


class LanguageCookieMiddleware:
    """French unless the visitor chose English with the switcher (remembered in a cookie).

    The browser's Accept-Language is deliberately not followed: the contract makes
    French the default, and the same URL always answers in the chosen language.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class ContentSecurityPolicyMiddleware:
    """A Content-Security-Policy on every response (ASVS 14.4.3).

    Scripts, styles and everything else come from the portal itself: no inline script or
    style attribute is served (the e-mails' inline styles are never shown as pages). Forms
    may post to the portal and to the card front, its other host; nothing may frame it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy(
                settings.ETS_SITE_URL, settings.ETS_SMARTCARD_URL)
        return response


_policies: dict[tuple, str] = {}


def policy(site_url: str, card_url: str) -> str:
    key = (site_url, card_url)
    if key not in _policies:
        origins = sorted({_origin(site_url), _origin(card_url)} - {""})
        _policies[key] = "; ".join([
            "default-src 'self'", "script-src 'self'", "style-src 'self'",
            "img-src 'self' data:", "object-src 'none'", "base-uri 'none'",
            "frame-ancestors 'none'", " ".join(["form-action 'self'", *origins]),
        ])
    return _policies[key]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class PrivatePagesMiddleware:
    """No cache may keep a page answered to a signed-in visitor (ASVS 8.2.1).

    Every such page greets the visitor by name in its header, and many show personal
    details: without this, a shared proxy ignoring ``Vary: Cookie`` or the browser's
    history could show them after sign-out. A view that chose its own Cache-Control
    (a download, the 503 page) keeps it. Placed after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response


class UntrustedProxyHeadersMiddleware:
    """X-Forwarded-Proto is believed only from ETS_TRUSTED_PROXIES, as X-Forwarded-For is.

    Django's SECURE_PROXY_SSL_HEADER believes it from any peer: a client reaching gunicorn
    directly could then pass for https. First in the list, before SecurityMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)
