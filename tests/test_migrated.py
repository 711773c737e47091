"""Kept migrated databases (``tests/migrated.py``): a test database started from the kept
copy (SQLite) or template (PostgreSQL) must be the database the migrations make, and a
change to what the migrations depend on must never reuse an old one."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import migrated


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
    kept = migrated.digest()
    assert migrated.digest() == kept
    settings.LANGUAGES = [*settings.LANGUAGES, ("fr", "Français")]
    assert migrated.digest() != kept
    settings.LANGUAGES = settings.LANGUAGES[:-1]
    assert migrated.digest() == kept

    # A migration file edited: another copy.
    from django.apps import apps

    app = apps.get_app_config("forum")
    folder = tmp_path / "forum"
    (folder / "migrations").mkdir(parents=True)
    for path in (migrated.Path(app.path) / "migrations").glob("*.py"):
        (folder / "migrations" / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(app, "path", str(folder))
    assert migrated.digest() == kept
    first = sorted((folder / "migrations").glob("0*.py"))[0]
    first.write_text(first.read_text() + "\n# edited\n")
    assert migrated.digest() != kept


@pytest.mark.django_db
def test_the_kept_copy_is_there_for_the_next_worker_and_run():
    if connection.vendor == "sqlite":
        assert migrated.sqlite_copy().is_file()
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [migrated.postgresql_template()]
            )
            assert cursor.fetchone()


def test_the_cache_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("HELPCENTER_CACHE", str(tmp_path / "mine"))
    assert migrated.cache_folder() == tmp_path / "mine" / "test-databases"
    monkeypatch.delenv("HELPCENTER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert migrated.cache_folder() == tmp_path / "xdg" / "helpcenter" / "test-databases"
