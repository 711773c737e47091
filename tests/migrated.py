"""Migrated databases kept between runs, for the test runner and the benchmarks.

Running every migration of Django, Wagtail and the apps costs a new database 13 s on SQLite
and 20 s on PostgreSQL, and each test worker, each PostgreSQL test run and each benchmark
makes one. The first to migrate keeps the result; later ones start from it:

- SQLite: a file in the machine's cache folder (``$HELPCENTER_CACHE``, else
  ``$XDG_CACHE_HOME/helpcenter`` or ``~/.cache/helpcenter``), copied in with SQLite's
  backup (``tests/sqlite_backend``, ``bench/_django.migrate``).
- PostgreSQL: a template database on the server, from which Django's test database is
  created (``tests/postgresql_backend``); migrate then finds nothing left to apply.

Both are named by a digest of what the migrated database depends on: every migration file,
the Django version and the settings migrations read. A changed migration, an upgrade or
other languages name another copy, which the next run makes; copies unused for a week are
removed. Like pip's cache, it lives outside the clone, so a fresh clone of unchanged
migrations on the same machine starts from it too.
"""

import hashlib
import os
import sqlite3
import time
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings

UNUSED_FOR = 7 * 24 * 3600
TEMPLATE_PREFIX = "helpcenter_migrated_"


def cache_folder() -> Path:
    configured = os.environ.get("HELPCENTER_CACHE", "").strip()
    if configured:
        return Path(configured) / "test-databases"
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or Path.home() / ".cache"
    return Path(base) / "helpcenter" / "test-databases"


def digest() -> str:
    """What the migrated database depends on."""
    found = hashlib.sha256(django.get_version().encode())
    for setting in ("LANGUAGE_CODE", "LANGUAGES", "WAGTAIL_CONTENT_LANGUAGES", "AUTH_USER_MODEL"):
        found.update(repr(getattr(settings, setting, None)).encode())
    for app in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(app.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else ():
            found.update(f"{app.label}/{path.name}".encode())
            found.update(path.read_bytes())
    return found.hexdigest()[:20]


# SQLite: a file in the cache folder.


def sqlite_copy() -> Path:
    return cache_folder() / f"migrated-{digest()}.sqlite3"


def restore_sqlite(connection) -> bool:
    """Fill the (empty) database ``connection`` is open on from the kept copy; False when
    there is none for these migrations."""
    copy = sqlite_copy()
    try:
        source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    except sqlite3.OperationalError:
        return False
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    os.utime(copy)  # used: kept another week
    return True


def keep_sqlite(connection) -> None:
    """Keep the migrated database ``connection`` is open on, written beside its name and
    renamed into place, so that no one ever opens half a copy."""
    copy = sqlite_copy()
    copy.parent.mkdir(parents=True, exist_ok=True)
    partial = copy.with_name(f"{copy.name}.{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(partial, copy)
    for old in copy.parent.glob("migrated-*.sqlite3*"):
        if old != copy and time.time() - old.stat().st_mtime > UNUSED_FOR:
            old.unlink(missing_ok=True)


# PostgreSQL: a template database on the server.


def postgresql_template() -> str:
    return f"{TEMPLATE_PREFIX}{digest()}"
