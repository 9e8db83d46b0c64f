"""Sessions of an account: when and how it signed in, and ending the other ones.

Sign-in by password and by smartcard both call mark_authenticated(); pages that
need a recent sign-in (card enrolment) ask recently_authenticated(); a password
change or reset calls end_other_sessions().
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from eprocedures.lib.hotsql import insert_row

from .models import UserSession

AUTH_AT = "ets_auth_at"
AUTH_METHOD = "ets_auth_method"
AUTH_CARD = "ets_auth_card"  # the fingerprint of the card that signed this session in


def mark_authenticated(request, method: str, card_fingerprint: str | None = None) -> None:
    """Remember when and how this session signed in ("password", "smartcard" and which card)."""
    request.session[AUTH_AT] = int(time.time())
    request.session[AUTH_METHOD] = method
    if card_fingerprint:
        # Kept through a later password entry: the session stays one that this card opened.
        request.session[AUTH_CARD] = card_fingerprint


def recently_authenticated(request, minutes: int) -> bool:
    at = request.session.get(AUTH_AT)
    return at is not None and time.time() - at <= minutes * 60


# Set on a user whose sign-in already wrote last_login (in the password flow, with the
# UPDATE that resets the failure count): the receiver below then does not write it again.
_LAST_LOGIN_SAVED = "_ets_last_login_saved"


def mark_last_login_saved(user) -> None:
    setattr(user, _LAST_LOGIN_SAVED, True)


def record_last_login(sender, user, **kwargs):
    """Django's update_last_login (connected in its place), unless already written."""
    if getattr(user, _LAST_LOGIN_SAVED, False):
        return
    update_last_login(sender, user, **kwargs)


@receiver(user_logged_in)
def _track_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    # One INSERT … ON CONFLICT DO NOTHING (a re-sign-in may keep its session key).
    insert_row(UserSession(user=user, session_key=request.session.session_key),
               ignore_conflicts=True)


def end_other_sessions(user, keep_session_key: str | None = None, *, only=None) -> int:
    """Sign the account out everywhere except the session keep_session_key.

    ``only(session)``, when given, picks the sessions to end among the others.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for tracked in UserSession.objects.filter(user=user).exclude(session_key=keep_session_key):
        session = store(session_key=tracked.session_key)
        if only is None or only(session):
            session.delete()
            tracked.delete()
            ended += 1
    return ended


def end_card_sessions(user, fingerprint: str, keep_session_key: str | None = None) -> int:
    """Sign out the account's sessions that this card signed in (the card was removed)."""
    return end_other_sessions(user, keep_session_key,
                              only=lambda session: session.get(AUTH_CARD) == fingerprint)


def keep_this_session(request, user) -> None:
    """After a password change: this session stays signed in, under a new key, still tracked."""
    old_key = request.session.session_key
    update_session_auth_hash(request, user)
    UserSession.objects.filter(user=user, session_key=old_key).update(
        session_key=request.session.session_key)
