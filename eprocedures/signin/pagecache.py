"""The anonymous sign-in page, rendered once per process and filled in per request.

GET /connexion/ is the most requested page of the portal and, for an anonymous
visitor without messages, differs between requests only by its CSRF token; after a
refused attempt (wrong password, blocked account) it differs only by the token and
the address typed. Rendering it costs more CPU than the rest of a refused attempt, so
it is rendered once per language, address, tab and outcome with markers where the
token and the typed address go, and the markers are replaced by this request's
values (the address escaped as the template would). Everything else (signed-in
visitors, pages with messages or field errors) is rendered normally.
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
from django.utils.html import escape

CSRF_MARK = "ets-csrf-token-marker"
TYPED_MARK = "ets-typed-address-marker"
MAX_PAGES = 64

_pages: OrderedDict = OrderedDict()
_lock = Lock()


def cacheable(request) -> bool:
    return not request.user.is_authenticated and len(messages.get_messages(request)) == 0


def render_anonymous(request, template: str, context: dict, typed: str = "") -> HttpResponse:
    """Render ``template`` for an anonymous visitor, reusing the rendered page.

    ``context`` must hold only values that are the same for every visitor (the form
    carries TYPED_MARK in place of what was typed); ``typed`` replaces TYPED_MARK.
    """
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
    page = page.replace(CSRF_MARK, get_token(request))
    page = page.replace(TYPED_MARK, escape(typed))
    return HttpResponse(page)


@receiver(setting_changed)
def _forget_pages(**kwargs):
    with _lock:
        _pages.clear()
