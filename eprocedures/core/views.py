import logging
import sys

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.views import csrf, defaults
from django.views.decorators.cache import never_cache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from eprocedures.accounts.validators import PasswordHistoryValidator
from eprocedures.core.decorators import allow_get, method_not_allowed
from eprocedures.outbox.delivery import queue_depth

log = logging.getLogger(__name__)


def _by_language(name: str) -> str:
    # Long prose is kept as one document per language rather than in the catalogue.
    return f"core/{name}_{'en' if get_language() == 'en' else 'fr'}.html"


@allow_get
def help_page(request):
    hours = settings.ETS_HELPDESK_HOURS
    return render(request, _by_language("help"), {"helpdesk": {
        "name": settings.ETS_HELPDESK_NAME,
        "phone": settings.ETS_HELPDESK_PHONE,
        "phone_abroad": settings.ETS_HELPDESK_PHONE_ABROAD,
        "email": settings.ETS_HELPDESK_EMAIL,
        "hours": hours,
    }, "activation_days": settings.ETS_ACTIVATION_DAYS,
       "max_failed_logins": settings.ETS_MAX_FAILED_LOGINS,
       "smartcard_code_minutes": settings.ETS_SMARTCARD_CODE_MINUTES,
       "smartcard_open_to_all": settings.ETS_SMARTCARD_OPEN_TO_ALL,
       # The rule's own words, in the visitor's language: they follow the setting.
       "history_rule": PasswordHistoryValidator().get_help_text().rstrip(".")})


@allow_get
def terms_page(request):
    return render(request, _by_language("terms"))


@never_cache
@allow_get
def healthz(request):
    """Health for load balancers: 200 when the database and the cache answer."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        log.exception("health: database")
        checks["database"] = "error"
    try:
        cache.set("ets:healthz", "1", 10)
        checks["cache"] = "ok" if cache.get("ets:healthz") == "1" else "error"
    except Exception:
        log.exception("health: cache")
        checks["cache"] = "error"
    try:
        checks["mail_queue"] = queue_depth() if checks["database"] == "ok" else "unknown"
    except Exception:
        log.exception("health: mail queue")
        checks["mail_queue"] = "error"
    healthy = checks["database"] == "ok" and checks["cache"] == "ok"
    checks["status"] = "ok" if healthy else "error"
    return JsonResponse(checks, status=200 if healthy else 503)


# Errors that say the database or the cache cannot be reached now, not that the code is wrong.
UNAVAILABLE = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)


def server_error(request):
    """The 500 page, or a 503 one when the database or the cache is unreachable.

    Django calls it while handling the exception (from a view or a middleware), which
    sys.exc_info() gives. As Django's own, it renders without a request context: no
    user, no session, nothing that would need the database or the cache again.
    """
    # In the visitor's language even when the failure came after the language middleware
    # had switched it off (a session saved as the response goes out, say).
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        if isinstance(sys.exc_info()[1], UNAVAILABLE):
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
            response["Retry-After"] = "120"
            add_never_cache_headers(response)
            return response
        return defaults.server_error(request)


def csrf_failure(request, reason=""):
    """A form refused for its CSRF token (CSRF_FAILURE_VIEW).

    An unsafe method that the page does not take at all (a PUT on a GET page, sent
    without a token) gets the page "405" the view itself would have given.

    A sign-out refused that way (its page was older than a sign-in made in another tab)
    would leave the visitor signed in believing the opposite: that page says so and offers
    a fresh "Me déconnecter". Every other refusal gets Django's page with our template.
    """
    view = getattr(request.resolver_match, "func", None)
    allowed = getattr(view, "allowed_methods", None)
    if allowed and request.method not in allowed:
        # The page does not take this method at all: say that, not "form expired".
        return method_not_allowed(request, allowed)
    user = getattr(request, "user", None)
    if request.path == reverse("signin:logout") and user is not None and user.is_authenticated:
        return render(request, "core/csrf_signout.html", status=403)
    return csrf.csrf_failure(request, reason)
