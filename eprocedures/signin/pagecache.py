"""The anonymous sign-in page, rendered once per process and filled in per request.

GET /connexion/ is the most requested page of the portal and, for an anonymous
visitor without messages, differs between requests only by its CSRF token; after a
refused attempt (wrong password, blocked account) it differs only by the token and
the address typed. Rendering it costs more CPU than the rest of a refused attempt, so
it is rendered once per language, address, tab and outcome with markers where the
token and the typed address go, and the markers are replaced by this request's
values (the address escaped as the template would). Everything else (signed-in
visitors, pages with messages or field errors) is rendered normally.

What keeps one visitor's page from reaching another:
- only anonymous requests without pending messages are served from here
  (``cacheable``), and the page is rendered with nothing of the first visitor but
  what is in the key: language, template, full path (the language switcher
  repeats it) and the context given, which holds no per-visitor value;
- the markers are random for each process, so that nothing a visitor sends (an
  address, a ``next``, a query string) can be taken for a marker and receive this
  request's CSRF token;
- the pages are forgotten when a setting changes (tests) or a source file changes
  (the development server's autoreloader); in production both need a restart.
"""

import re
import secrets
from collections import OrderedDict
from collections.abc import Callable
from threading import Lock

from django.contrib import messages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.template.loader import render_to_string
from django.utils import autoreload, translation
from django.utils.html import escape

CSRF_MARK = f"ets-csrf-{secrets.token_hex(16)}"
TYPED_MARK = f"ets-typed-{secrets.token_hex(16)}"
MAX_PAGES = 64
# A token as get_token() gives it: a mask and the masked secret, letters and digits only.
MASKED_TOKEN = re.compile(rf"[a-zA-Z0-9]{{{CSRF_TOKEN_LENGTH}}}")

_pages: OrderedDict = OrderedDict()
_lock = Lock()


def cacheable(request) -> bool:
    return not request.user.is_authenticated and len(messages.get_messages(request)) == 0


def render_anonymous(request, template: str, context: dict, make_form: Callable,
                     typed: str = "") -> HttpResponse:
    """Render ``template`` for an anonymous visitor, reusing the rendered page.

    ``context`` must hold only values that are the same for every visitor; they key
    the page. ``make_form()`` builds the form, carrying TYPED_MARK in place of what
    was typed, and is called only when the page is not yet rendered; ``typed``
    replaces TYPED_MARK.
    """
    key = (translation.get_language(), template, request.get_full_path(),
           tuple(sorted((k, str(v)) for k, v in context.items())))
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
    if page is None:
        page = render_to_string(
            template, {**context, "form": make_form(), "csrf_token": CSRF_MARK}, request)
        with _lock:
            _pages[key] = page
            while len(_pages) > MAX_PAGES:
                _pages.popitem(last=False)
    page = page.replace(CSRF_MARK, form_token(request))
    page = page.replace(TYPED_MARK, escape(typed))
    return HttpResponse(page)


def form_token(request) -> str:
    """The CSRF token of the page's form.

    A refused POST gives back the masked token it came with, which the CSRF middleware
    has just accepted: the visitor's own page holds it already, so nothing new is
    shown, and masking a fresh one (32 random characters drawn one at a time) costs
    more CPU than the rest of the refusal's page. Any other request gets a new one.
    """
    if request.method == "POST" and getattr(request, "csrf_processing_done", False):
        posted = request.POST.get("csrfmiddlewaretoken", "")
        if MASKED_TOKEN.fullmatch(posted):
            return posted
    return get_token(request)


def forget_pages() -> None:
    with _lock:
        _pages.clear()


@receiver(setting_changed)
def _forget_on_setting_change(**kwargs):
    forget_pages()


@receiver(autoreload.file_changed)
def _forget_on_file_change(**kwargs):
    # Returns None: whether the server restarts stays the other receivers' decision.
    forget_pages()
