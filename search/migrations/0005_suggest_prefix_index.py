"""Suggestions through a full-text prefix index instead of a LIKE scan: every keystroke in
the search box asks for titles whose words start with what was typed. SQLite: an
external-content FTS5 table over ``title_words`` with prefix indexes, kept by triggers like
``search_fts``; PostgreSQL: a GIN index over the title words' tsvector, queried with
``:*`` prefixes. The narrow B-tree index it replaces still had to be scanned whole."""

from django.db import migrations

SQLITE = [
    """CREATE VIRTUAL TABLE search_suggest_fts USING fts5(
        title_words, content='search_searchdocument', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', prefix='2 3 4')""",
    """CREATE TRIGGER search_suggest_ai AFTER INSERT ON search_searchdocument BEGIN
        INSERT INTO search_suggest_fts(rowid, title_words) VALUES (new.id, new.title_words);
        END""",
    """CREATE TRIGGER search_suggest_ad AFTER DELETE ON search_searchdocument BEGIN
        INSERT INTO search_suggest_fts(search_suggest_fts, rowid, title_words)
        VALUES ('delete', old.id, old.title_words); END""",
    """CREATE TRIGGER search_suggest_au AFTER UPDATE ON search_searchdocument BEGIN
        INSERT INTO search_suggest_fts(search_suggest_fts, rowid, title_words)
        VALUES ('delete', old.id, old.title_words);
        INSERT INTO search_suggest_fts(rowid, title_words) VALUES (new.id, new.title_words);
        END""",
    "INSERT INTO search_suggest_fts(search_suggest_fts) VALUES ('rebuild')",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS search_suggest_au",
    "DROP TRIGGER IF EXISTS search_suggest_ad",
    "DROP TRIGGER IF EXISTS search_suggest_ai",
    "DROP TABLE IF EXISTS search_suggest_fts",
]
POSTGRES = [
    """CREATE INDEX search_doc_suggest_gin ON search_searchdocument
        USING GIN (to_tsvector('simple', title_words))""",
]
POSTGRES_REVERSE = ["DROP INDEX IF EXISTS search_doc_suggest_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0004_term_display"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="searchdocument",
            name="search_doc_suggest_idx",
        ),
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}),
        ),
    ]
