from django.conf import settings
from django.core.management.base import BaseCommand

from eprocedures.registration.flows import purge_unactivated


class Command(BaseCommand):
    help = (
        "Delete the registrations not activated within ETS_ACTIVATION_DAYS days of their last "
        "activation link. Run it daily from cron (see docs/operations.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true",
                            help="Only count the registrations that would be deleted.")

    def handle(self, *args, dry_run=False, **options):
        count = purge_unactivated(dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(
            f"{count} registration(s) not activated within "
            f"{settings.ETS_ACTIVATION_DAYS} days {verb}."
        )
