"""SQLite for the test runner (``site_config/settings_test.py`` uses it where the database
is SQLite): Django's own backend, except that a test database in memory is migrated once
and then copied.

Each test worker makes its own in-memory database, and running every migration of Django,
Wagtail and the apps costs it some 13 seconds. The first worker to migrate keeps a copy of
the migrated database on disk (``.cache/test-databases/``, named by a digest of every
migration file, the Django version and the settings the migrations read); every later
worker and run whose migrations are the same starts from that copy, with SQLite's own
backup (a fraction of a second). Any change to a migration, an upgrade or other language
settings gives another name: that run migrates again. A database on disk, a kept one
(``--reuse-db``) and PostgreSQL are left to Django.
"""

import hashlib
import os
import sqlite3
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db.backends.sqlite3 import base, creation

CACHE = Path(settings.BASE_DIR) / ".cache" / "test-databases"


def migrations_digest() -> str:
    """What the migrated database depends on."""
    digest = hashlib.sha256(django.get_version().encode())
    for setting in ("LANGUAGE_CODE", "LANGUAGES", "WAGTAIL_CONTENT_LANGUAGES", "AUTH_USER_MODEL"):
        digest.update(repr(getattr(settings, setting, None)).encode())
    for app in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            digest.update(f"{app.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = self._get_test_db_name()
        if keepdb or not self.is_in_memory_db(name):
            return super().create_test_db(verbosity, autoclobber, serialize, keepdb)
        copy = CACHE / f"migrated-{migrations_digest()}.sqlite3"
        if not copy.exists():
            name = super().create_test_db(verbosity, autoclobber, serialize, keepdb)
            self._keep(copy)
            return name
        if verbosity >= 1:
            self.log(f"Copying the migrated test database for alias {self.connection.alias!r}...")
        self._create_test_db(verbosity, autoclobber, keepdb)
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        source = sqlite3.connect(copy)
        try:
            source.backup(self.connection.connection)
        finally:
            source.close()
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        call_command("createcachetable", database=self.connection.alias)
        return name

    def _keep(self, copy: Path) -> None:
        """The migrated database, written beside its name and renamed into place, so that
        a worker never opens half a copy."""
        copy.parent.mkdir(parents=True, exist_ok=True)
        partial = copy.with_name(f"{copy.name}.{os.getpid()}.partial")
        target = sqlite3.connect(partial)
        try:
            self.connection.connection.backup(target)
        finally:
            target.close()
        os.replace(partial, copy)
        for old in CACHE.glob("migrated-*.sqlite3"):  # copies of migrations since changed
            if old != copy:
                old.unlink(missing_ok=True)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
