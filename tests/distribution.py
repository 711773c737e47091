"""Where a test runs: the marks that CI's runs and pytest-xdist's workers go by.

A plugin of its own (``tests/conftest.py`` names it) that imports nothing of the project, so
that ``tests/test_distribution.py`` can run it on a small suite of its own under xdist. Its
order classes follow pytest-django's ``pytest_collection_modifyitems``.
"""

import pytest

# What gives a test the database: pytest-django's mark, or a fixture that needs it
# (``item.fixturenames`` holds every fixture a test needs, directly or not).
_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_setup", "live_server"}
_TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server"}
_SHARED_SCOPES = {"module", "class", "package"}  # session: built once per worker anyway


def _database_order(item) -> int:
    """pytest-django's place for a test (its ``pytest_collection_modifyitems``): 0 database,
    1 transactional database, 2 none."""
    fixtures = set(getattr(item, "fixturenames", ()))
    cls = getattr(item, "cls", None)
    if cls is not None:
        from django.test import TestCase, TransactionTestCase

        if issubclass(cls, TransactionTestCase):  # TestCase is one too
            return 0 if issubclass(cls, TestCase) else 1
    mark = item.get_closest_marker("django_db")
    transactional = bool(_TRANSACTIONAL_FIXTURES & fixtures)
    if mark is not None:
        # django_db(transaction=False, reset_sequences=False, ...), by keyword or position
        positions = dict(zip(("transaction", "reset_sequences"), mark.args, strict=False))
        how = {**positions, **mark.kwargs}
        transactional = transactional or bool(how.get("transaction") or how.get("reset_sequences"))
    if transactional:
        return 1
    return 0 if mark is not None or "db" in fixtures else 2


def _shared_world(item) -> str:
    """Where the world the test shares is built once, or "" when it shares none: a module-
    or class-scoped fixture that writes to the database (it asks for ``django_db_blocker``,
    directly or through another fixture) is built once per module, a package-scoped one
    once for its package (its folder)."""
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})

    def needs_database(name, seen):
        if name in ("django_db_blocker", "django_db_setup"):
            return True
        if name in seen or name not in definitions:
            return False
        seen.add(name)
        return any(needs_database(arg, seen) for arg in definitions[name][-1].argnames)

    worlds = set()
    for name in getattr(item, "fixturenames", ()):
        if name not in definitions:
            continue
        fixture = definitions[name][-1]
        if fixture.scope not in _SHARED_SCOPES or fixture.func.__module__.startswith(
            "pytest_django"
        ):
            continue  # built once per worker anyway, or pytest-django's own
        if needs_database(name, set()):
            worlds.add(fixture.baseid if fixture.scope == "package" else "module")
    if not worlds:
        return ""
    # A package's world holds its modules' worlds too: the package names the group then.
    return min(worlds - {"module"}, default=item.nodeid.split("::", 1)[0], key=len)


def pytest_configure(config):
    # xdist registers its mark too, but not in a run without it (-p no:xdist).
    config.addinivalue_line("markers", "xdist_group(name): run on one xdist worker together")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Two marks, before pytest-django orders the tests and xdist names them.

    A test that can reach no database (no ``django_db`` mark, no database fixture; any query
    would fail it) is marked ``no_database``: its outcome is the same on every database, so
    CI's PostgreSQL run leaves it to the SQLite one.

    Tests that share a world built once for their module or package (the demo, the permission
    and XSS worlds) are one ``xdist_group``, so that ``--dist loadgroup`` builds that world on one
    worker instead of on each. The group is also named by pytest-django's place for the test,
    so that it never holds a transactional test together with tests that must run before it.
    """
    for item in items:
        if item.get_closest_marker("django_db") is None and not (
            _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
        ):
            item.add_marker(pytest.mark.no_database)
        world = _shared_world(item)
        if world:
            item.add_marker(pytest.mark.xdist_group(f"{world}:{_database_order(item)}"))
