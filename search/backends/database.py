"""The embedded default: documents in a table of the project's own database, searched with
SQLite FTS5 or PostgreSQL full text over the pre-analysed text (migration 0002 keeps the
indexes with triggers). Ranking: title over question over body, answered threads a little
ahead. Facets are counted over the matches (at most ``MAX_MATCHES``)."""

from django.db import connection, transaction

from search.backends.base import BackendHit, BackendResults, Query, SearchBackend
from search.models import SearchDocument, SearchTerm

MAX_MATCHES = 1000
# Editors' articles lead; a forum thread needs an official answer or a solution to
# come close (the same weights as the Elasticsearch backend's function score).
THREAD_WEIGHT, OFFICIAL_BOOST, SOLVED_BOOST = 0.7, 1.3, 1.15
SUGGEST_KIND_ORDER = {"faq": 0, "video": 1, "policy": 2, "thread": 3}


# bm25 weights: title, question, body (SQLITE_WEIGHTS); constants, never user input.
_SQLITE_MATCH = (
    "SELECT d.id, d.kind, d.topic, d.topic_title, d.solved, d.official, "
    "-bm25(search_fts, 10.0, 4.0, 1.0) AS score "
    "FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid "
    "WHERE search_fts MATCH %s AND d.language = %s "
    "ORDER BY score DESC LIMIT %s"
)


def _weight(kind: str, solved: bool, official: bool) -> float:
    if kind != "thread":
        return 1.0
    return THREAD_WEIGHT * (OFFICIAL_BOOST if official else 1) * (SOLVED_BOOST if solved else 1)


def _quote_fts(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _quote_ts(term: str) -> str:
    words = [w.replace("'", "''").replace("\\", "") for w in term.split()]
    return " <-> ".join(f"'{w}'" for w in words if w)


def _expression(query: Query, quote, any_op: str, all_op: str) -> str:
    groups = []
    for term in query.terms:
        alternatives = [quote(t) for t in [term, *query.synonyms.get(term, [])] if t]
        alternatives = [a for a in alternatives if a]
        if alternatives:
            groups.append("(" + f" {any_op} ".join(alternatives) + ")")
    joiner = f" {any_op} " if query.match_any else f" {all_op} "
    return joiner.join(groups)


class DatabaseBackend(SearchBackend):
    name = "database"

    # --- writing ---------------------------------------------------------------------------

    def _rows(self, documents):
        return [
            SearchDocument(
                key=d.key,
                source=d.source,
                language=d.language,
                kind=d.kind,
                title=d.title[:300],
                body=d.snippet_text,
                url=d.url[:500],
                topic=d.topic,
                topic_title=d.topic_title[:255],
                solved=d.solved,
                official=d.official,
                date=d.date,
                title_terms=d.title_terms,
                question_terms=d.question_terms,
                body_terms=d.body_terms,
                title_words=d.title_words[:400],
                fingerprint=d.fingerprint,
            )
            for d in documents
        ]

    def _remember_terms(self, rows) -> None:
        terms = {
            (row.language, term[:100])
            for row in rows
            for text in (row.title_terms, row.question_terms, row.body_terms)
            for term in text.split()
            if len(term) > 2 and not term.isdigit()
        }
        SearchTerm.objects.bulk_create(
            [SearchTerm(language=lang, term=term) for lang, term in terms],
            ignore_conflicts=True,
            batch_size=1000,
        )

    def index(self, documents) -> None:
        rows = self._rows(documents)
        with transaction.atomic():
            SearchDocument.objects.filter(key__in=[r.key for r in rows]).delete()
            SearchDocument.objects.bulk_create(rows)
            self._remember_terms(rows)

    def delete_source(self, source: str) -> None:
        SearchDocument.objects.filter(source=source).delete()

    def replace_source(self, source: str, documents) -> None:
        rows = self._rows(documents)
        with transaction.atomic():
            SearchDocument.objects.filter(source=source).delete()
            SearchDocument.objects.bulk_create(rows)
            self._remember_terms(rows)

    def rebuild(self, documents_by_language, progress=None) -> int:
        count = 0
        with transaction.atomic():
            SearchDocument.objects.all().delete()
            SearchTerm.objects.all().delete()
            for batch in documents_by_language:
                rows = self._rows(batch)
                SearchDocument.objects.bulk_create(rows, batch_size=500)
                self._remember_terms(rows)
                count += len(rows)
                if progress:
                    progress(len(rows))
        return count

    def sources(self) -> dict[str, str]:
        found: dict[str, list[str]] = {}
        for source, key, fingerprint in SearchDocument.objects.values_list(
            "source", "key", "fingerprint"
        ):
            found.setdefault(source, []).append(f"{key}:{fingerprint}")
        return {source: "|".join(sorted(parts)) for source, parts in found.items()}

    def counts(self) -> dict[str, int]:
        from django.db.models import Count

        rows = SearchDocument.objects.values("language").annotate(n=Count("pk"))
        return {row["language"]: row["n"] for row in rows}

    def ping(self) -> bool:
        return True

    # --- reading ---------------------------------------------------------------------------

    def _matches(self, query: Query) -> list[tuple]:
        """(id, kind, topic, topic_title, solved, official, score) best first."""
        vendor = connection.vendor
        if vendor == "sqlite":
            expression = _expression(query, _quote_fts, "OR", "AND")
            if not expression:
                return []
            sql = _SQLITE_MATCH
        elif vendor == "postgresql":
            expression = _expression(query, _quote_ts, "|", "&")
            if not expression:
                return []
            sql = (
                "SELECT d.id, d.kind, d.topic, d.topic_title, d.solved, d.official, "
                "ts_rank('{0.05, 0.1, 0.4, 1.0}', d.search_vector, q, 1) AS score "
                "FROM search_searchdocument d, to_tsquery('simple', %s) q "
                "WHERE d.search_vector @@ q AND d.language = %s "
                "ORDER BY score DESC LIMIT %s"
            )
        else:  # pragma: no cover - the project supports SQLite and PostgreSQL
            raise NotImplementedError(f"no full-text search for {vendor}")
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, query.language, MAX_MATCHES])
            rows = cursor.fetchall()
        boosted = [(*row[:6], row[6] * _weight(row[1], row[4], row[5])) for row in rows]
        boosted.sort(key=lambda row: row[6], reverse=True)
        return boosted

    def search(self, query: Query) -> BackendResults:
        rows = self._matches(query)

        def keep(row, *, kind=True, topic=True, solved=True) -> bool:
            return (
                (not kind or not query.kind or row[1] == query.kind)
                and (not topic or not query.topic or row[2] == query.topic)
                and (
                    not solved
                    or query.solved is None
                    or (row[1] == "thread" and row[4] == query.solved)
                )
            )

        facets: dict[str, dict[str, int]] = {"kind": {}, "topic": {}, "solved": {}}
        topic_titles: dict[str, str] = {}
        for row in rows:
            if keep(row, kind=False):
                facets["kind"][row[1]] = facets["kind"].get(row[1], 0) + 1
            if keep(row, topic=False) and row[2]:
                facets["topic"][row[2]] = facets["topic"].get(row[2], 0) + 1
                topic_titles.setdefault(row[2], row[3])
            if keep(row, solved=False) and row[1] == "thread":
                label = "yes" if row[4] else "no"
                facets["solved"][label] = facets["solved"].get(label, 0) + 1
        selected = [row for row in rows if keep(row)]
        page_ids = [row[0] for row in selected[query.offset : query.offset + query.limit]]
        documents = SearchDocument.objects.in_bulk(page_ids)
        hits = [self._hit(documents[pk]) for pk in page_ids if pk in documents]
        return BackendResults(
            hits=hits, total=len(selected), facets=facets, topic_titles=topic_titles
        )

    @staticmethod
    def _hit(doc: SearchDocument) -> BackendHit:
        return BackendHit(
            key=doc.key,
            kind=doc.kind,
            title=doc.title,
            url=doc.url,
            snippet_source=doc.body,
            topic=doc.topic,
            topic_title=doc.topic_title,
            solved=doc.solved,
            official=doc.official,
            date=doc.date,
        )

    def suggest(self, prefix_words: list[str], language: str, limit: int) -> list[BackendHit]:
        if not prefix_words:
            return []
        needle = " " + " ".join(prefix_words)
        docs = list(
            SearchDocument.objects.filter(language=language, title_words__contains=needle)
            .only(
                "key", "kind", "title", "url", "topic", "topic_title", "solved", "official", "date"
            )
            .order_by("-date")[: limit * 4]
        )
        docs.sort(key=lambda d: (SUGGEST_KIND_ORDER.get(d.kind, 9), len(d.title)))
        return [
            BackendHit(
                key=d.key,
                kind=d.kind,
                title=d.title,
                url=d.url,
                snippet_source="",
                topic=d.topic,
                topic_title=d.topic_title,
                solved=d.solved,
                official=d.official,
                date=d.date,
            )  # fmt: skip
            for d in docs[:limit]
        ]
