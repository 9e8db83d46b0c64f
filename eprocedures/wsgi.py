import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eprocedures.settings")
application = get_wsgi_application()


def _refuse_to_start_on_errors() -> None:
    """gunicorn never runs Django's system checks: run them here, once per process.

    A setting the checks find wrong (an ETS_SITE_URL without a scheme, an unreadable card
    CA bundle…) stops the start with its message, as `manage.py` commands do, instead of a
    portal that serves pages with wrong links or no Secure cookies.
    """
    from django.core import checks
    from django.core.exceptions import ImproperlyConfigured

    errors = [m for m in checks.run_checks() if m.is_serious() and not m.is_silenced()]
    if errors:
        raise ImproperlyConfigured("\n".join(str(e) for e in errors))


_refuse_to_start_on_errors()
