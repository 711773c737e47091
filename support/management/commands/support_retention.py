"""``manage.py support_retention [--dry-run]``: anonymise the support requests whose
retention period is over (Settings → Support hours; ``support.privacy`` says which requests
and what is kept). Run hourly by the scheduler; running it twice changes nothing."""

from django.core.management.base import BaseCommand
from django.db.models import Count, Q
from tqdm import tqdm

from support import privacy
from support.models import Attachment, Request


class Command(BaseCommand):
    help = "Anonymise support requests past their retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be anonymised"
        )

    def handle(self, *args, dry_run=False, **options):
        days = privacy.retention_days()
        due = privacy.retention_due(days=days)
        total = due.count()
        if dry_run:
            counts = due.aggregate(
                closed=Count("pk", filter=Q(status=Request.Status.CLOSED)),
                solved=Count("pk", filter=Q(status=Request.Status.SOLVED)),
                unconfirmed=Count(
                    "pk",
                    filter=Q(confirmed_at__isnull=True)
                    & ~Q(status__in=(Request.Status.CLOSED, Request.Status.SOLVED)),
                ),
            )
            files = Attachment.objects.filter(message__request__in=due).count()
            self.stdout.write(
                f"support retention ({days} days), dry run: {total} requests would be "
                f"anonymised ({counts['closed']} closed, {counts['solved']} solved, "
                f"{counts['unconfirmed']} never confirmed), {files} attachments deleted"
            )
            return
        with tqdm(total=total, desc="  anonymising", file=self.stdout, leave=False) as bar:
            done = privacy.retention_apply(on_batch=bar.update)
        self.stdout.write(f"support retention ({days} days): {done} requests anonymised")
