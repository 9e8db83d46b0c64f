"""The anonymous sign-in page, rendered once per process and filled in per request.

GET /connexion/ is the most requested page of the portal and, for an anonymous
visitor without messages, differs between requests only by its CSRF token. Rendering
it costs more CPU than the rest of the request, so it is rendered once per
language, address and tab with a marker where the token goes, and the marker is
replaced by this request's token. Everything else (signed-in visitors, pages with
messages or errors) is rendered normally.
"""

from collections import OrderedDict
from threading import Lock

from django.contrib import messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import translation

CSRF_MARK = "ets-csrf-token-marker"
MAX_PAGES = 64

_pages: OrderedDict = OrderedDict()
_lock = Lock()


def cacheable(request) -> bool:
    return not request.user.is_authenticated and len(messages.get_messages(request)) == 0


def render_anonymous(request, template: str, context: dict) -> HttpResponse:
    """Render ``template`` for an anonymous visitor, reusing the rendered page."""
    key = (translation.get_language(), template, request.get_full_path(),
           tuple(sorted((k, str(v)) for k, v in context.items() if k != "form")))
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
    if page is None:
        page = render_to_string(template, {**context, "csrf_token": CSRF_MARK}, request)
        with _lock:
            _pages[key] = page
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    return HttpResponse(page.replace(CSRF_MARK, get_token(request)))


@receiver(setting_changed)
def _forget_pages(**kwargs):
    with _lock:
        _pages.clear()
