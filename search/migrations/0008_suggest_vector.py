"""Suggestions on PostgreSQL from a stored tsvector of the title words, with the language as
a term of it (``0lang0en``: digits around it, so no title word can be mistaken for it).
Before, every candidate row had its title parsed again to check the typed words' order (a
phrase is checked on the row, not in the index) and the language came from a second index
whose whole list of rows was read for each keystroke: at 100,000 documents a suggestion
took 8-16 ms, and takes 3-10 ms now (bench/search_speed.py). SQLite is unchanged (its FTS5
table stores the positions already)."""

from django.db import migrations

LANGUAGE_TERM = "'0lang0' || regexp_replace(lower({0}), '[^a-z0-9]', '', 'g')"
VECTOR = """CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('simple', coalesce(NEW.title_terms, '')), 'A') ||
            setweight(to_tsvector('simple', coalesce(NEW.question_terms, '')), 'B') ||
            setweight(to_tsvector('simple', coalesce(NEW.body_terms, '')), 'C');
        {suggest}
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""
SUGGEST = (
    "NEW.suggest_vector := to_tsvector('simple', "
    + LANGUAGE_TERM.format("NEW.language")
    + " || ' ' || coalesce(NEW.title_words, ''));"
)

POSTGRES = [
    "ALTER TABLE search_searchdocument ADD COLUMN suggest_vector tsvector",
    VECTOR.replace("{suggest}", SUGGEST),
    "UPDATE search_searchdocument SET suggest_vector = to_tsvector('simple', "
    + LANGUAGE_TERM.format("language")
    + " || ' ' || title_words)",
    "CREATE INDEX search_doc_suggest_vector_gin ON search_searchdocument"
    " USING GIN (suggest_vector)",
    "DROP INDEX IF EXISTS search_doc_suggest_gin",
]
POSTGRES_REVERSE = [
    """CREATE INDEX search_doc_suggest_gin ON search_searchdocument
        USING GIN (to_tsvector('simple', title_words))""",
    "DROP INDEX IF EXISTS search_doc_suggest_vector_gin",
    VECTOR.replace("{suggest}", ""),
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS suggest_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0007_query_log_key")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_REVERSE))]
