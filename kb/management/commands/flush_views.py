from django.core.management.base import BaseCommand

from kb import view_counts


class Command(BaseCommand):
    help = (
        "Add the article views counted in the cache to the daily view table (the scheduler "
        "runs it every minute; views also flush themselves every KB_VIEW_FLUSH_SECONDS)."
    )

    def handle(self, *args, **options):
        added = view_counts.flush()
        if options["verbosity"] > 1:
            self.stdout.write(f"{added} views added")
