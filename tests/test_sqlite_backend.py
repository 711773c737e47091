"""The test runner's SQLite (``tests/sqlite_backend``): a test database copied from the
kept migrated one must be the database the migrations make, and a change to what the
migrations depend on must never reuse an old copy."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.sqlite_backend import base


@pytest.mark.django_db
def test_the_test_database_has_every_migration_applied_and_its_data():
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []
    # What data migrations and post_migrate made is there too.
    from django.contrib.auth.models import Permission
    from wagtail.models import Locale, Page

    assert Permission.objects.filter(codename="moderate_forum").exists()
    assert Locale.objects.filter(language_code="en").exists()
    assert Page.objects.filter(depth=1).exists()


def test_what_the_migrations_depend_on_names_the_copy(settings, tmp_path, monkeypatch):
    kept = base.migrations_digest()
    assert base.migrations_digest() == kept
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]
    assert base.migrations_digest() != kept
    settings.LANGUAGES = settings.LANGUAGES[:-1]
    assert base.migrations_digest() == kept

    # A migration file edited: another copy.
    from django.apps import apps

    app = apps.get_app_config("forum")
    folder = tmp_path / "forum"
    (folder / "migrations").mkdir(parents=True)
    for path in (base.Path(app.path) / "migrations").glob("*.py"):
        (folder / "migrations" / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(app, "path", str(folder))
    assert base.migrations_digest() == kept
    first = sorted((folder / "migrations").glob("0*.py"))[0]
    first.write_text(first.read_text() + "\n# edited\n")
    assert base.migrations_digest() != kept
