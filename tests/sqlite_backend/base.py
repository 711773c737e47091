"""SQLite for the test runner (``site_config/settings_test.py`` uses it where the database
is SQLite): Django's own backend, except that a test database in memory starts from the
kept migrated database (``tests/migrated.py``) instead of running every migration.

Each test worker makes its own in-memory database, and migrating it costs some 13 seconds.
The first worker to migrate keeps a copy; every later worker and run whose migrations are
the same fills its database from that copy with SQLite's own backup (a fraction of a
second). A database on disk, a kept one (``--reuse-db``) and PostgreSQL are left to Django.
"""

from django.conf import settings
from django.core.management import call_command
from django.db.backends.sqlite3 import base, creation

from tests import migrated


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        name = self._get_test_db_name()
        if keepdb or not self.is_in_memory_db(name):
            return super().create_test_db(verbosity, autoclobber, serialize, keepdb)
        self._create_test_db(verbosity, autoclobber, keepdb)
        self.connection.close()
        settings.DATABASES[self.connection.alias]["NAME"] = name
        self.connection.settings_dict["NAME"] = name
        self.connection.ensure_connection()
        if not migrated.restore_sqlite(self.connection):
            name = super().create_test_db(verbosity, autoclobber, serialize, keepdb)
            migrated.keep_sqlite(self.connection)
            return name
        if verbosity >= 1:
            self.log(f"Copied the migrated test database for alias {self.connection.alias!r}")
        if serialize:
            self.connection._test_serialized_contents = self.serialize_db_to_string()
        call_command("createcachetable", database=self.connection.alias)
        return name


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
