"""``manage.py support_due_warnings [--minutes N] [--dry-run]``: e-mail the team once about
each request whose first answer is due within N minutes (SUPPORT_DUE_WARNING_MINUTES) or
overdue (``support.due_warnings``). Run every minute by the scheduler; running it twice
warns nobody twice."""

from django.conf import settings
from django.core.management.base import BaseCommand

from support import due_warnings


class Command(BaseCommand):
    help = "Warn the support team about first answers nearly due or overdue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--minutes",
            type=int,
            default=None,
            help=f"warn this long before the due time (default: "
            f"SUPPORT_DUE_WARNING_MINUTES, {settings.SUPPORT_DUE_WARNING_MINUTES})",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only count the requests to warn about"
        )

    def handle(self, *args, minutes=None, dry_run=False, **options):
        if minutes is None:
            minutes = settings.SUPPORT_DUE_WARNING_MINUTES
        if dry_run:
            count = due_warnings.due_for_warning(minutes=minutes).count()
            self.stdout.write(f"support due warnings ({minutes} min), dry run: {count} requests")
            return
        count = due_warnings.warn_due(minutes=minutes)
        self.stdout.write(f"support due warnings ({minutes} min): {count} requests warned")
