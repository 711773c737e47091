"""Django in the benchmark's own process, on the test runner's settings
(``site_config.settings_test``: a small proof of work, views written at once), against the
database at ``database_url``. Shared by the benchmarks that measure the app without a server
(pages, search relevance and speed, support); ``_server`` starts real servers instead."""

import os

# Only the database search backend, in this process, tasks run at once, no Redis: what the
# benchmarks on the embedded search compare against.
DATABASE_SEARCH_ONLY = {
    "SEARCH_ENGINE": "database",
    "ELASTICSEARCH_URL": "",
    "OPENSEARCH_URL": "",
    "TASKS_BACKEND": "immediate",
    "REDIS_URL": "",
}


def setup(database_url: str, **environ: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.update(environ)
    os.environ["DJANGO_SETTINGS_MODULE"] = "site_config.settings_test"
    import django

    django.setup()


def migrate() -> None:
    """Migrate the benchmark's new database. On SQLite it starts from the migrated copy the
    test runner keeps (``tests/migrated.py``; 13 s of migrations become a copy), and a
    benchmark that migrates first keeps one in turn."""
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "sqlite":
        call_command("migrate", verbosity=0)
        return
    from tests import migrated

    connection.ensure_connection()
    restored = migrated.restore_sqlite(connection)
    call_command("migrate", verbosity=0)  # after a copy, nothing left to apply
    if not restored:
        migrated.keep_sqlite(connection)
    call_command("createcachetable", verbosity=0)
