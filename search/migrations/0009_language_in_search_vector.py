"""PostgreSQL: a document's language becomes a term of its ``search_vector`` (``0lang0en``,
``search.models.language_term``, weight D, which no query asks for). A search then finds
its matches in its language with one GIN index scan; before, the planner intersected them
with the list of every row of the language from a B-tree index, 3-4 ms of each search at
100,000 documents (bench/search_speed.py). Every stored vector is computed again (about a
minute per 100,000 documents). SQLite already has the language in its match (0006)."""

from django.db import migrations

LANGUAGE_TERM = "'0lang0' || regexp_replace(lower({0}), '[^a-z0-9]', '', 'g')"
VECTOR = """CREATE OR REPLACE FUNCTION search_document_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('simple', coalesce(NEW.title_terms, '')), 'A') ||
            setweight(to_tsvector('simple', coalesce(NEW.question_terms, '')), 'B') ||
            setweight(to_tsvector('simple', coalesce(NEW.body_terms, '')), 'C'){language};
        NEW.suggest_vector := to_tsvector('simple', {term} || ' ' || coalesce(NEW.title_words, ''));
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""
TERM = LANGUAGE_TERM.format("NEW.language")
WITH_LANGUAGE = VECTOR.format(
    language=f" ||\n            setweight(to_tsvector('simple', {TERM}), 'D')", term=TERM
)
WITHOUT_LANGUAGE = VECTOR.format(language="", term=TERM)
# The trigger runs on UPDATE: setting a column to itself computes every vector again.
RECOMPUTE = "UPDATE search_searchdocument SET language = language"


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0008_suggest_vector")]

    operations = [
        migrations.RunPython(
            _run([WITH_LANGUAGE, RECOMPUTE]), _run([WITHOUT_LANGUAGE, RECOMPUTE])
        )
    ]
