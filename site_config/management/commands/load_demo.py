import importlib

from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

# Each app that has demo content gives a ``demo.py`` with ``load(command)``; they run in
# this order (later steps build on earlier ones) and each is idempotent.
DEMO_APPS = ["site_config", "kb", "forum", "search"]


class Command(BaseCommand):
    help = "Load the demo help center (languages, admin user, pages, threads). Safe to rerun."

    def handle(self, *args, **options):
        modules = []
        for app in DEMO_APPS:
            try:
                modules.append(importlib.import_module(f"{app}.demo"))
            except ModuleNotFoundError as exc:
                if exc.name != f"{app}.demo":
                    raise
        # The demo members' addresses are @example.com: the forum's notifications to them
        # (dozens, as demo threads are answered) are kept in memory, not printed or sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for module in modules:
                # Long steps (articles, threads) show their own progress bar.
                self.stdout.write(f"Demo content: {module.__name__.split('.')[0]}")
                with transaction.atomic():
                    module.load(self)
        analyze()
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))


def analyze() -> None:
    """Fresh statistics after a bulk load, on PostgreSQL: its planner otherwise goes by what
    it last saw (a table vacuumed while empty counts as empty) and joins thousands of rows
    as if there were one; seconds per query instead of milliseconds. Allowed inside a
    transaction, where it counts that transaction's own rows (the tests' demo).

    The project's tables only, by name: a bare ANALYZE also samples the system catalogs,
    which a test database's many rolled-back transactions bloat; it took up to 19 s there,
    against 0.02 s for the tables the planner needs."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
            names = ", ".join(connection.ops.quote_name(table) for table in tables)
            cursor.execute(f"ANALYZE {names}")
