"""The embedded default: documents in a table of the project's own database, searched with
SQLite FTS5 or PostgreSQL full text over the pre-analysed text (migration 0002 keeps the
indexes with triggers). Ranking: title over question over body, answered threads a little
ahead. Two statements per search: the page of hits (filters and weights in SQL), and the
matches grouped by type, topic and "solved", from which the total and every facet are
counted (each facet under every filter but its own)."""

from django.db import connection, transaction

from search.backends.base import BackendHit, BackendResults, Query, SearchBackend
from search.models import SearchDocument, SearchTerm

# Editors' articles lead; a forum thread needs an official answer or a solution to come
# close (_WEIGHT below).
SUGGEST_KIND_ORDER = {"faq": 0, "video": 1, "policy": 2, "thread": 3}


# Every piece of SQL below is a constant; the visitor's words arrive only as parameters,
# already reduced to lemmas and quoted for the engine (_quote_fts, _quote_ts).
_WEIGHT = (
    "(CASE WHEN d.kind = 'thread' THEN 0.6 * (CASE WHEN d.official THEN 1.3 ELSE 1.0 END)"
    " * (CASE WHEN d.solved THEN 1.15 ELSE 1.0 END) ELSE 1.0 END)"
)
_FROM = {
    "sqlite": (
        "FROM search_fts JOIN search_searchdocument d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH %s AND d.language = %s"
    ),
    "postgresql": (
        "FROM search_searchdocument d, to_tsquery('simple', %s) q "
        "WHERE d.search_vector @@ q AND d.language = %s"
    ),
}
# A title holding the query's neighbouring words side by side ranks up to (1 + PAIR_BOOST)
# times higher: in proportion to the pairs it holds.
PAIR_BOOST = 0.5
TERM_PAIR_WEIGHT = 0.5
# It is worked out for the best RESCORE_WINDOW matches only (the way Elasticsearch's
# rescore works): a sentence-long query can match thousands of documents, and the bonus is
# only meant to reorder the closest ones.
RESCORE_WINDOW = 100
_CONTAINS = {
    "sqlite": "(instr(' ' || w.{0} || ' ', %s) > 0)",
    "postgresql": "(strpos(' ' || w.{0} || ' ', %s) > 0)::int",
}
# Title, question, body weigh 10:4:1 (bm25) or A:B:C (ts_rank).
_SCORE = {
    "sqlite": "-bm25(search_fts, 10.0, 4.0, 1.0)",
    "postgresql": "ts_rank('{0.05, 0.1, 0.4, 1.0}', d.search_vector, q, 1)",
}


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
        if parts := [quote(p) for p in query.parts.get(term, []) if p]:
            alternatives.append("(" + f" {all_op} ".join(parts) + ")")
        if alternatives:
            groups.append("(" + f" {any_op} ".join(alternatives) + ")")
    joiner = f" {any_op} " if query.match_any else f" {all_op} "
    return joiner.join(groups)


def _display_rank(display: str) -> tuple[int, int]:
    """How good a spelling is to show: written with its accents ("größe" over "grosse",
    "süre" over "sure"), then present at all."""
    return (sum(not c.isascii() for c in display), bool(display))


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

    @staticmethod
    def _remember_terms(documents) -> None:
        """Add the documents' words to the vocabulary. Each term keeps the best spelling any
        document gave it (``_display_rank``), whatever order they were indexed in: an
        article's "Größentabelle" wins over a post's "Grossentabelle"."""
        best: dict[tuple[str, str], str] = {}
        for d in documents:
            for term, display in d.vocabulary.items():
                if len(term) > 2 and not term.isdigit():
                    key, display = (d.language, term[:100]), display[:100]
                    if _display_rank(display) > _display_rank(best.get(key, "")):
                        best[key] = display
        by_language: dict[str, list[str]] = {}
        for language, term in best:
            by_language.setdefault(language, []).append(term)
        changed = []
        for language, terms in by_language.items():
            for start in range(0, len(terms), 1000):
                for row in SearchTerm.objects.filter(
                    language=language, term__in=terms[start : start + 1000]
                ):
                    display = best.pop((language, row.term))
                    if _display_rank(display) > _display_rank(row.display):
                        row.display = display
                        changed.append(row)
        SearchTerm.objects.bulk_update(changed, ["display"], batch_size=1000)
        SearchTerm.objects.bulk_create(
            [SearchTerm(language=lang, term=term, display=display)
             for (lang, term), display in best.items()],
            ignore_conflicts=True,
            batch_size=1000,
        )  # fmt: skip

    @staticmethod
    def prune_vocabulary() -> int:
        """Forget the terms no indexed document uses any more (text edited, a post hidden,
        a page unpublished), so "did you mean" never offers them; returns how many."""
        used: set[tuple[str, str]] = set()
        rows = SearchDocument.objects.values_list(
            "language", "title_terms", "question_terms", "body_terms"
        )
        for language, *fields in rows.iterator(chunk_size=500):
            used.update((language, t[:100]) for text in fields for t in text.split())
        gone = [
            pk
            for pk, language, term in SearchTerm.objects.values_list("pk", "language", "term")
            if (language, term) not in used
        ]
        for start in range(0, len(gone), 1000):
            SearchTerm.objects.filter(pk__in=gone[start : start + 1000]).delete()
        return len(gone)

    def index(self, documents) -> None:
        documents = list(documents)
        rows = self._rows(documents)
        with transaction.atomic():
            SearchDocument.objects.filter(key__in=[r.key for r in rows]).delete()
            SearchDocument.objects.bulk_create(rows)
            self._remember_terms(documents)

    def delete_source(self, source: str) -> None:
        SearchDocument.objects.filter(source=source).delete()

    def replace_source(self, source: str, documents) -> None:
        documents = list(documents)
        rows = self._rows(documents)
        with transaction.atomic():
            SearchDocument.objects.filter(source=source).delete()
            SearchDocument.objects.bulk_create(rows)
            self._remember_terms(documents)

    def rebuild(self, documents_by_language, progress=None) -> int:
        count = 0
        with transaction.atomic():
            SearchDocument.objects.all().delete()
            SearchTerm.objects.all().delete()
            for batch in documents_by_language:
                batch = list(batch)
                rows = self._rows(batch)
                SearchDocument.objects.bulk_create(rows, batch_size=500)
                self._remember_terms(batch)
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

    @staticmethod
    def _expression(query: Query) -> str:
        vendor = connection.vendor
        if vendor == "sqlite":
            return _expression(query, _quote_fts, "OR", "AND")
        if vendor == "postgresql":
            return _expression(query, _quote_ts, "|", "&")
        raise NotImplementedError(f"no full-text search for {vendor}")  # pragma: no cover

    @staticmethod
    def _filter_sql(query: Query) -> tuple[str, list]:
        sql, params = "", []
        if query.kind:
            sql += " AND d.kind = %s"
            params.append(query.kind)
        if query.topic:
            sql += " AND d.topic = %s"
            params.append(query.topic)
        if query.solved is not None:
            sql += " AND d.kind = 'thread' AND d.solved = %s"
            params.append(query.solved)
        return sql, params

    @staticmethod
    def _pair_sql(query: Query) -> tuple[str, list]:
        """The pair bonus: a constant expression over the title columns; the pairs arrive
        as parameters. Pairs as written count fully, pairs of terms (which may have had
        stop words between them) count ``TERM_PAIR_WEIGHT``."""
        checks = [("title_words", p, 1.0) for p in query.title_pairs]
        checks += [("title_terms", p, TERM_PAIR_WEIGHT) for p in query.term_pairs]
        if not checks:
            return "", []
        contains = _CONTAINS[connection.vendor]
        found = " + ".join(f"{weight} * {contains.format(column)}" for column, _p, weight in checks)
        most = sum(weight for _c, _p, weight in checks)
        sql = f" * (1.0 + {PAIR_BOOST} * ({found}) / {most})"
        return sql, [f" {pair} " for _column, pair, _weight in checks]

    def search(self, query: Query) -> BackendResults:
        empty = BackendResults(hits=[], total=0, facets={"kind": {}, "topic": {}, "solved": {}})
        expression = self._expression(query)
        if not expression:
            return empty
        vendor = connection.vendor
        pair_sql, pair_params = self._pair_sql(query)
        base, score = _FROM[vendor], f"{_SCORE[vendor]} * {_WEIGHT}"
        where, params = self._filter_sql(query)
        matches = [expression, query.language, *params]
        if pair_sql and query.offset + query.limit <= RESCORE_WINDOW:
            # Constant SQL; the visitor's words are parameters.
            window = (
                "SELECT d.id AS id, d.title_words AS title_words, d.title_terms AS title_terms,"
                f" {score} AS score {base}{where} ORDER BY score DESC, d.id LIMIT %s"
            )
            order = f"w.score{pair_sql} DESC, w.id"
            hits_sql = f"SELECT w.id FROM ({window}) w ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
            hits_params = [*matches, RESCORE_WINDOW, *pair_params, query.limit, query.offset]
        else:
            hits_sql = f"SELECT d.id {base}{where} ORDER BY {score} DESC, d.id LIMIT %s OFFSET %s"
            hits_params = [*matches, query.limit, query.offset]
        groups_sql = (
            f"SELECT d.kind, d.topic, d.topic_title, d.solved, COUNT(*) {base} "
            "GROUP BY d.kind, d.topic, d.topic_title, d.solved"
        )
        with connection.cursor() as cursor:
            cursor.execute(hits_sql, hits_params)
            page_ids = [row[0] for row in cursor.fetchall()]
            cursor.execute(groups_sql, [expression, query.language])
            groups = cursor.fetchall()

        def keep(kind, topic, solved, *, skip="") -> bool:
            return (
                (skip == "kind" or not query.kind or kind == query.kind)
                and (skip == "topic" or not query.topic or topic == query.topic)
                and (
                    skip == "solved"
                    or query.solved is None
                    or (kind == "thread" and bool(solved) == query.solved)
                )
            )

        facets: dict[str, dict[str, int]] = {"kind": {}, "topic": {}, "solved": {}}
        topic_titles: dict[str, str] = {}
        total = 0
        for kind, topic, topic_title, solved, count in groups:
            if keep(kind, topic, solved):
                total += count
            if keep(kind, topic, solved, skip="kind"):
                facets["kind"][kind] = facets["kind"].get(kind, 0) + count
            if topic and keep(kind, topic, solved, skip="topic"):
                facets["topic"][topic] = facets["topic"].get(topic, 0) + count
                topic_titles.setdefault(topic, topic_title)
            if kind == "thread" and keep(kind, topic, solved, skip="solved"):
                label = "yes" if solved else "no"
                facets["solved"][label] = facets["solved"].get(label, 0) + count
        documents = SearchDocument.objects.in_bulk(page_ids)
        hits = [self._hit(documents[pk]) for pk in page_ids if pk in documents]
        return BackendResults(hits=hits, total=total, facets=facets, topic_titles=topic_titles)

    @staticmethod
    def _hit(doc: SearchDocument) -> BackendHit:
        return BackendHit.of(doc, snippet_source=doc.body, date=doc.date)

    @staticmethod
    def _prefix_match(prefix_words: list[str]):
        """Documents whose title has the typed words in a row, the last one as a word
        start, through the prefix index of migration 0005."""
        from django.db.models import BooleanField
        from django.db.models.expressions import RawSQL

        *whole, last = [w for w in prefix_words if w]
        if connection.vendor == "postgresql":
            words = [f"'{w}'" for w in whole] + [f"'{last}':*"]
            sql = "to_tsvector('simple', title_words) @@ to_tsquery('simple', %s)"
            # noqa below: constant SQL; the words (letters and digits) are a parameter.
            matched = RawSQL(sql, [" <-> ".join(words)], output_field=BooleanField())  # noqa: S611
            return SearchDocument.objects.alias(matched=matched).filter(matched=True)
        phrase = " + ".join(_quote_fts(w) for w in whole + [last]) + " *"
        rows = RawSQL(
            "SELECT rowid FROM search_suggest_fts WHERE search_suggest_fts MATCH %s", [phrase]
        )
        return SearchDocument.objects.filter(id__in=rows)

    def suggest(self, prefix_words: list[str], language: str, limit: int) -> list[BackendHit]:
        # Plain words are letters and digits only (search.analysis.plain_words): nothing
        # in them is query syntax for either engine, and each is quoted besides.
        prefix_words = [w.replace("'", "") for w in prefix_words if w.replace("'", "")]
        if not prefix_words:
            return []
        from django.db.models import Case, IntegerField, Value, When
        from django.db.models.functions import Length

        # Articles first, then threads; shorter (closer) titles first within each.
        kind_order = Case(
            *[When(kind=k, then=Value(n)) for k, n in SUGGEST_KIND_ORDER.items()],
            default=Value(9),
            output_field=IntegerField(),
        )
        docs = list(
            self._prefix_match(prefix_words)
            .filter(language=language)
            .only(
                "key", "kind", "title", "url", "topic", "topic_title", "solved", "official", "date"
            )
            .annotate(kind_order=kind_order, title_length=Length("title"))
            .order_by("kind_order", "title_length", "-date")[:limit]
        )
        return [BackendHit.of(d, date=d.date) for d in docs[:limit]]
