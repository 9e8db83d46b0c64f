"""Idle expiry of sessions opened without "Rester identifié"."""

import time

from django.conf import settings
from django.contrib import auth, messages
from django.utils.translation import gettext as _

from eprocedures.audit.services import record

from .flows import LAST_SEEN, REMEMBER

# The last-seen time is written at most once a minute, not at every request.
TOUCH_SECONDS = 60


class IdleTimeoutMiddleware:
    """Signs a session out after ETS_IDLE_MINUTES without a request.

    Sessions with "Rester identifié" last ETS_REMEMBER_ME_DAYS instead (set at sign-in).
    Placed after MessageMiddleware so that the next page can say why.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and auth.SESSION_KEY in session and not session.get(REMEMBER):
            now = int(time.time())
            last = session.get(LAST_SEEN)
            if last is not None and now - last > settings.ETS_IDLE_MINUTES * 60:
                user = request.user
                record(request, "session.expired", user=user, email=user.email,
                       idle_minutes=settings.ETS_IDLE_MINUTES)
                auth.logout(request)
                messages.info(request, _(
                    "Votre session a expiré après %(minutes)d minutes d'inactivité. "
                    "Connectez-vous de nouveau."
                ) % {"minutes": settings.ETS_IDLE_MINUTES})
            elif last is None or now - last >= TOUCH_SECONDS:
                session[LAST_SEEN] = now
        return self.get_response(request)
