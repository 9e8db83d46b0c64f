from django.core.management.base import BaseCommand
from django.utils import timezone

from eprocedures.outbox.models import OutgoingEmail
from eprocedures.outbox.tasks import deliver_email


class Command(BaseCommand):
    help = (
        "Enqueue a delivery task for every pending e-mail that is due (for cron, e.g. hourly). "
        "Delivery is idempotent, so an e-mail that already has a task is not sent twice."
    )

    def handle(self, *args, **options):
        due = OutgoingEmail.objects.filter(
            status=OutgoingEmail.Status.PENDING, next_attempt_at__lte=timezone.now()
        ).values_list("pk", flat=True)
        count = 0
        for pk in due:
            deliver_email.enqueue(pk)
            count += 1
        self.stdout.write(f"{count} e-mail(s) queued for delivery")
