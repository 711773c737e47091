"""Searches that stay fast at 100,000 documents (bench/search_speed.py).

SQLite: the full-text table gains a fourth column, ``filter_terms`` (language, kind, topic
and state as terms), so a search's language and filters are part of its full-text match:
counting, sampling and ranking never look a row up only to throw it away. PostgreSQL: GIN
indexes over the title terms and the question terms, so "documents with the query in their
title" (or question) is an index scan.
Both rebuilt from the rows already stored; the Python side fills ``filter_terms`` on write
(``search.models.filter_terms``), the same terms this migration computes in SQL."""

from django.db import migrations, models

FILL = """UPDATE search_searchdocument SET filter_terms =
    'lang' || replace(replace(lower(language), '-', ''), '_', '')
    || ' kind' || lower(kind)
    || CASE WHEN topic <> '' THEN ' topic' || lower(topic) ELSE '' END
    || CASE WHEN kind = 'thread' THEN CASE WHEN solved THEN ' solvedyes' ELSE ' solvedno' END
       ELSE '' END"""

COLUMNS = "title_terms, question_terms, body_terms, filter_terms"
OLD_COLUMNS = "title_terms, question_terms, body_terms"
TOKENIZE = "tokenize='unicode61 remove_diacritics 0'"


def _fts(table: str, short: str, columns: str, options: str = "") -> list[str]:
    """An external-content FTS5 table over ``columns`` of the documents, the triggers that
    keep it, and its rebuild from the rows."""
    new = ", ".join(f"new.{c.strip()}" for c in columns.split(","))
    old = ", ".join(f"old.{c.strip()}" for c in columns.split(","))
    return [
        f"DROP TRIGGER IF EXISTS {short}_au",
        f"DROP TRIGGER IF EXISTS {short}_ad",
        f"DROP TRIGGER IF EXISTS {short}_ai",
        f"DROP TABLE IF EXISTS {table}",
        f"""CREATE VIRTUAL TABLE {table} USING fts5(
            {columns},
            content='search_searchdocument', content_rowid='id', {TOKENIZE}{options})""",
        f"""CREATE TRIGGER {short}_ai AFTER INSERT ON search_searchdocument BEGIN
            INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {new}); END""",
        f"""CREATE TRIGGER {short}_ad AFTER DELETE ON search_searchdocument BEGIN
            INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', old.id, {old}); END""",
        f"""CREATE TRIGGER {short}_au AFTER UPDATE ON search_searchdocument BEGIN
            INSERT INTO {table}({table}, rowid, {columns}) VALUES ('delete', old.id, {old});
            INSERT INTO {table}(rowid, {columns}) VALUES (new.id, {new}); END""",
        f"INSERT INTO {table}({table}) VALUES ('rebuild')",
    ]


# Adding a column makes Django copy the SQLite table, which drops every trigger on it: both
# full-text tables (0002, 0005) are made again here, with their triggers.
def _sqlite(columns: str) -> list[str]:
    return [
        *_fts("search_fts", "search_fts", columns),
        *_fts("search_suggest_fts", "search_suggest", "title_words", ", prefix='2 3 4'"),
    ]


POSTGRES = [
    """CREATE INDEX search_doc_title_terms_gin ON search_searchdocument
        USING GIN (to_tsvector('simple', title_terms))""",
    """CREATE INDEX search_doc_question_terms_gin ON search_searchdocument
        USING GIN (to_tsvector('simple', title_terms || ' ' || question_terms))""",
]
POSTGRES_REVERSE = [
    "DROP INDEX IF EXISTS search_doc_question_terms_gin",
    "DROP INDEX IF EXISTS search_doc_title_terms_gin",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0005_suggest_prefix_index"),
    ]

    operations = [
        # Backwards, this runs last: the column is gone, and a table copy would have taken
        # the triggers with it.
        migrations.RunPython(migrations.RunPython.noop, _run({"sqlite": _sqlite(OLD_COLUMNS)})),
        migrations.AddField(
            model_name="searchdocument",
            name="filter_terms",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.RunPython(
            _run({"sqlite": [FILL, *_sqlite(COLUMNS)], "postgresql": [FILL, *POSTGRES]}),
            # Backwards: no trigger may name the column when it is dropped.
            _run({"sqlite": _sqlite(OLD_COLUMNS), "postgresql": POSTGRES_REVERSE}),
        ),
    ]
