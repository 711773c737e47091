"""The test runner's settings (pyproject's ``DJANGO_SETTINGS_MODULE`` for pytest; the
benchmarks that drive the app in their own process). Never a server's.

They are the development settings with what only tests may have: a fixed ``SECRET_KEY``,
the MD5 password hasher (a test signs in hundreds of times), a small proof of work, article
views written at once, DEBUG off so tests see what production users see. A variable in the
environment still wins where the development settings read one.

Servers refuse this module: ``site_config/wsgi.py`` and ``asgi.py`` (gunicorn, uvicorn) and
``manage.py runserver`` below. It cannot be switched on by an environment variable a
deployment might carry over (``DJANGO_ENV`` knows only development and production).
"""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

SERVER_COMMANDS = {"runserver", "runserver_plus", "testserver"}
_command = sys.argv[1] if os.path.basename(sys.argv[0]) == "manage.py" and sys.argv[1:] else ""
if _command in SERVER_COMMANDS:
    raise ImproperlyConfigured(
        "site_config.settings_test is the test runner's: serve with site_config.settings"
    )

# The development profile underneath, whatever the caller's DJANGO_ENV says.
os.environ["DJANGO_ENV"] = "development"

from site_config.settings import *  # noqa: E402, F403
from site_config.settings import _env, _env_int  # noqa: E402

DEBUG = False
SECRET_KEY = _env("SECRET_KEY") or "test-only-insecure-key-never-used-by-a-server"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PROOF_OF_WORK_MAX_NUMBER = _env_int("PROOF_OF_WORK_MAX_NUMBER", 1_000)
KB_VIEW_FLUSH_SECONDS = _env_int("KB_VIEW_FLUSH_SECONDS", 0)
# Test databases start from a kept migrated one instead of migrating (tests/migrated.py):
# on SQLite a copy (tests/sqlite_backend), on PostgreSQL a template (tests/postgresql_backend).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.postgresql_backend"  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.sqlite_backend"  # noqa: F405
    # In memory, as Django's SQLite tests are by default (said outright: pytest-django only
    # recognises that default under Django's own engine name, and would name a file).
    DATABASES["default"].setdefault("TEST", {})["NAME"] = ":memory:"  # noqa: F405
