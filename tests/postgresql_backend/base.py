"""PostgreSQL for the test runner (``site_config/settings_test.py`` uses it where the
database is PostgreSQL): Django's own backend, except that the test database is created
from the kept migrated template (``tests/migrated.py``) when the server has one for these
migrations, through Django's own ``TEST["TEMPLATE"]``; migrate then finds nothing to apply.
The first run without one migrates as usual and keeps its database as that template.
"""

import os
import time

from django.db.backends.postgresql import base, creation
from django.db.backends.postgresql.psycopg_any import errors

from tests import migrated


class DatabaseCreation(creation.DatabaseCreation):
    def create_test_db(self, verbosity=1, autoclobber=False, serialize=True, keepdb=False):
        test = self.connection.settings_dict["TEST"]
        if keepdb or test.get("TEMPLATE"):
            return super().create_test_db(verbosity, autoclobber, serialize, keepdb)
        template = migrated.postgresql_template()
        with self._nodb_cursor() as cursor:
            if self._database_exists(cursor, template):
                self._mark_used(cursor, template)
                test["TEMPLATE"] = template
        if test.get("TEMPLATE"):
            try:
                return super().create_test_db(verbosity, autoclobber, serialize, keepdb)
            finally:
                del test["TEMPLATE"]
        name = super().create_test_db(verbosity, autoclobber, serialize, keepdb)
        self._keep(name, template)
        return name

    def _keep(self, name: str, template: str) -> None:
        """Copy the migrated test database to a name of this process's, then rename it into
        place: another worker never starts from half a template, and the first of two
        workers that migrated at once keeps its copy."""
        self.connection.close()  # CREATE DATABASE ... TEMPLATE needs its source unused
        partial = f"{template}_{os.getpid()}"
        quote = self._quote_name
        with self._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(partial)}")
            cursor.execute(f"CREATE DATABASE {quote(partial)} TEMPLATE {quote(name)}")
            try:
                cursor.execute(f"ALTER DATABASE {quote(partial)} RENAME TO {quote(template)}")
            except Exception as exc:
                if not isinstance(exc.__cause__, errors.DuplicateDatabase):
                    raise
                cursor.execute(f"DROP DATABASE {quote(partial)}")
            self._mark_used(cursor, template)
            self._drop_unused(cursor, template)

    def _mark_used(self, cursor, template: str) -> None:
        cursor.execute(f"COMMENT ON DATABASE {self._quote_name(template)} IS '{int(time.time())}'")

    def _drop_unused(self, cursor, template: str) -> None:
        """Templates of other migrations, not used for a week."""
        cursor.execute(
            "SELECT datname, shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE datname LIKE %s AND datname <> %s",
            [migrated.TEMPLATE_PREFIX.replace("_", r"\_") + "%", template],
        )
        for name, used in cursor.fetchall():
            if not (used or "").isdigit() or time.time() - int(used) > migrated.UNUSED_FOR:
                cursor.execute(f"DROP DATABASE IF EXISTS {self._quote_name(name)}")


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
