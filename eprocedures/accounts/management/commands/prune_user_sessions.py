from datetime import timedelta

from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from eprocedures.accounts.models import UserSession

SETTLING = timedelta(hours=1)


class Command(BaseCommand):
    help = (
        "Delete expired sessions (Django's clearsessions) and forget the accounts' tracked "
        "sessions that no longer exist. Run daily from cron."
    )

    def handle(self, *args, **options):
        call_command("clearsessions")
        now = timezone.now()
        live = Session.objects.filter(expire_date__gt=now).values("session_key")
        # A sign-in tracks its session before the session's row is written, as the response
        # goes out: a tracking row that young may belong to a session about to exist.
        deleted, _ = (UserSession.objects.exclude(session_key__in=live)
                      .filter(created_at__lt=now - SETTLING).delete())
        self.stdout.write(f"{deleted} tracked session(s) forgotten")
