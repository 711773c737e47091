"""Rows a fixture writes, recorded once per test process and written again, as recorded,
for every later test that asks for the same thing on the same database state.

The help center basics (``tests.conftest.load_help_center``: locales, the staff groups,
the administrator, three home pages with their revisions, translations and search entries)
cost some 300 queries through Wagtail and the ORM, and some 700 tests ask for them; the
search tests' small help center (``tests/search/conftest.py``) is replayed the same way. A
recording is what those queries changed, table by table (rows inserted, updated, deleted),
made once inside a transaction that is rolled back; a replay is a statement or two per
table. It is what Django's fixtures (``loaddata``) do, with the rows taken from the real
loader instead of a file that could drift from it.

A replay is used only where it gives exactly what the loader would: inside a transaction
(the tests that roll back, where every test starts from the same state), with the same
settings the loader reads, and when every table holds what it held when the recording was
made (a count and the highest key per table; a test that made a user first, or a worker
whose database a transactional test flushed, does not match, and gets a recording of its
own or the loader itself).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


def _written_by_triggers() -> set[str]:
    """Tables the database fills itself: on SQLite, Wagtail's full-text table follows its
    index entries through triggers (a replay writes the entries, the triggers the rest)."""
    if connection.vendor != "sqlite":
        return set()
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
    names = {model._meta.db_table for model in apps.get_models(include_auto_created=True)}
    return {
        name
        for own, sql in triggers
        for name in names
        if name != own and re.search(rf"\b(INTO|UPDATE|FROM)\s+\"?{re.escape(name)}\b", sql)
    }


def _tables() -> list[tuple[str, str, object]]:
    """(table, primary key column, model) of every table the models keep rows in."""
    seen, found = _written_by_triggers(), []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        found.append((meta.db_table, meta.pk.column, model))
    return sorted(found, key=lambda table: table[0])


def _state(tables) -> tuple:
    """How many rows each table holds and its highest key: one statement."""
    quote = connection.ops.quote_name
    parts = [
        f"SELECT {n}, COUNT(*), MAX(CAST({quote(pk)} AS TEXT)) FROM {quote(table)}"  # noqa: S608
        for n, (table, pk, _model) in enumerate(tables)
    ]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        rows = sorted(cursor.fetchall())
    return tuple((count, highest) for _n, count, highest in rows)


def _rows(table: str, pk: str) -> tuple[list[str], dict]:
    """A table's columns and rows by key. SQLite's full-text tables (Wagtail's search index)
    are keyed by a ``rowid`` that ``*`` leaves out: it is read first."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(table)} WHERE 1 = 0")  # noqa: S608 - a model's table
        columns = [column[0] for column in cursor.description]
        if pk not in columns:
            columns = [pk, *columns]
        listed = ", ".join(quote(column) for column in columns)
        cursor.execute(f"SELECT {listed} FROM {quote(table)}")  # noqa: S608
        key = columns.index(pk)
        return columns, {row[key]: row for row in cursor.fetchall()}


@dataclass
class _Change:
    table: str
    pk: str
    model: object
    columns: list[str]
    deleted: list
    updated: list[tuple]
    inserted: list[tuple]


class Recording:
    def __init__(self, changes: list[_Change]):
        self.changes = changes

    def replay(self) -> None:
        quote = connection.ops.quote_name
        with transaction.atomic(), connection.cursor() as cursor:
            for change in self.changes:
                table, pk = quote(change.table), quote(change.pk)
                if change.deleted:
                    marks = ", ".join(["%s"] * len(change.deleted))
                    cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({marks})", change.deleted)  # noqa: S608
                names = ", ".join(quote(column) for column in change.columns)
                if change.updated:
                    assignments = ", ".join(f"{quote(column)} = %s" for column in change.columns)
                    for row in change.updated:
                        key = row[change.columns.index(change.pk)]
                        cursor.execute(
                            f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                            [*row, key],
                        )
                if change.inserted:
                    marks = ", ".join(["%s"] * len(change.columns))
                    cursor.executemany(
                        f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608
                        change.inserted,
                    )
            # Keys written as recorded: PostgreSQL's sequences must continue after them
            # (SQLite's follow the highest key by themselves).
            models = [change.model for change in self.changes if change.inserted]
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


def record(build: Callable[[], object], tables) -> Recording:
    """What ``build()`` changes, table by table; the changes themselves are rolled back."""
    before = {table: _rows(table, pk) for table, pk, _model in tables}
    with transaction.atomic():
        build()
        changes = []
        for table, pk, model in tables:
            columns, old = before[table]
            _columns, new = _rows(table, pk)
            deleted = [key for key in old if key not in new]
            updated = [row for key, row in new.items() if key in old and old[key] != row]
            inserted = [row for key, row in new.items() if key not in old]
            if deleted or updated or inserted:
                changes.append(_Change(table, pk, model, columns, deleted, updated, inserted))
        transaction.set_rollback(True)
    return Recording(changes)


class Replayed:
    """``build`` run for real the first time for a given state and settings, and replayed
    from its recording after that; ``key()`` names the settings ``build`` reads."""

    def __init__(self, build: Callable[[], object], key: Callable[[], object]):
        self.build, self.key = build, key
        self.recordings: dict[tuple, Recording] = {}
        self._tables = None

    def __call__(self) -> None:
        if not connection.in_atomic_block:  # a transactional test: as it is
            self.build()
            return
        if self._tables is None:
            self._tables = _tables()
        where = (connection.vendor, connection.settings_dict["NAME"], repr(self.key()))
        state = (where, _state(self._tables))
        recording = self.recordings.get(state)
        if recording is None:
            recording = self.recordings[state] = record(self.build, self._tables)
        recording.replay()
