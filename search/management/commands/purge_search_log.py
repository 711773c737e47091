"""``manage.py purge_search_log [--days N]``: delete search log entries older than the
retention (``SEARCH_LOG_RETENTION_DAYS``, 90 by default). The log holds no personal data,
but there is no reason to keep it longer than the reports look back."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from search.models import QueryLog


class Command(BaseCommand):
    help = "Delete search log entries older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="keep this many days")

    def handle(self, *args, days=None, **options):
        days = settings.SEARCH_LOG_RETENTION_DAYS if days is None else days
        if days < 0:
            raise CommandError("--days must be 0 (delete everything) or more")
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = QueryLog.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"search log: {deleted} entries older than {days} days deleted")
