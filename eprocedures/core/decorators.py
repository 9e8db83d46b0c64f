"""View decorators shared by the apps."""

from functools import wraps

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response


def allow_methods(*methods: str):
    """Only these HTTP methods reach the view; HEAD is allowed wherever GET is.

    Replaces Django's ``require_http_methods``, which refuses HEAD on a GET page and
    answers a refused method with an empty body: here the refusal is the portal's
    page "405" in the visitor's language, with the ``Allow`` header, logged as Django
    logs it. A view that allows HEAD treats it as GET (the server drops the body).
    Unsafe methods (POST, PUT, PATCH, DELETE) without a valid CSRF token are refused
    before, by the CSRF middleware (403).
    """
    allowed = list(dict.fromkeys(methods))
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(allowed.index("GET") + 1, "HEAD")

    def decorator(view):
        @wraps(view)
        def inner(request, *args, **kwargs):
            if request.method in allowed:
                return view(request, *args, **kwargs)
            return method_not_allowed(request, allowed)
        # Read by the CSRF failure view: a PUT without a token gets this page too.
        inner.allowed_methods = allowed
        return inner
    return decorator


def method_not_allowed(request, allowed: list[str]):
    """The portal's page "405" in the visitor's language, with the ``Allow`` header."""
    response = render(request, "405.html", {"allowed": allowed}, status=405)
    response["Allow"] = ", ".join(allowed)
    add_never_cache_headers(response)  # the page's header may name the visitor
    log_response("Method Not Allowed (%s): %s", request.method, request.path,
                 response=response, request=request)
    return response


allow_get = allow_methods("GET")
allow_get_post = allow_methods("GET", "POST")
allow_post = allow_methods("POST")
