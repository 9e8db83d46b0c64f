from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from eprocedures.accounts.models import UserSession


class Command(BaseCommand):
    help = (
        "Delete expired sessions (Django's clearsessions) and forget the accounts' tracked "
        "sessions that no longer exist. Run daily from cron."
    )

    def handle(self, *args, **options):
        call_command("clearsessions")
        live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        deleted, _ = UserSession.objects.exclude(session_key__in=live).delete()
        self.stdout.write(f"{deleted} tracked session(s) forgotten")
