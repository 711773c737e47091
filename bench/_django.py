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
