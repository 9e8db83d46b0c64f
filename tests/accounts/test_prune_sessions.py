from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from eprocedures.accounts.models import User, UserSession

pytestmark = pytest.mark.django_db


def test_expired_and_vanished_sessions_are_forgotten(client):
    user = User.objects.create_user("paul@example.fr", "Tr0mbone;Vert", first_name="Paul",
                                    last_name="Durand", is_active=True)
    client.force_login(user)
    live_key = client.session.session_key
    UserSession.objects.create(user=user, session_key="gone-long-ago")
    expired = Session.objects.create(session_key="expired-one", session_data="",
                                     expire_date=timezone.now() - timedelta(days=1))
    UserSession.objects.create(user=user, session_key=expired.session_key)
    # Tracked long enough ago (a sign-in tracks its session just before writing it).
    UserSession.objects.exclude(session_key=live_key).update(
        created_at=timezone.now() - timedelta(hours=2))
    out = StringIO()

    call_command("prune_user_sessions", stdout=out)

    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live_key]
    assert not Session.objects.filter(session_key="expired-one").exists()
    assert "2 tracked session(s) forgotten" in out.getvalue()


def test_a_session_tracked_but_not_written_yet_is_kept():
    user = User.objects.create_user("paul@example.fr", "Tr0mbone;Vert", first_name="Paul",
                                    last_name="Durand", is_active=True)
    # A sign-in between tracking its new session and writing it at the end of its response.
    UserSession.objects.create(user=user, session_key="about-to-be-written")

    call_command("prune_user_sessions", stdout=StringIO())

    assert UserSession.objects.filter(session_key="about-to-be-written").exists()
