"""The embedded default: documents in a table of the project's own database, searched with
SQLite FTS5 or PostgreSQL full text over the pre-analysed text (migration 0002 keeps the
indexes with triggers). Ranking: title over question over body, answered threads a little
ahead. Two statements per search: the page of hits (filters and weights in SQL), and the
matches grouped by type, topic and "solved", from which the total and every facet are
counted (each facet under every filter but its own)."""

import logging

from django.db import DatabaseError, connection, transaction

from search.backends.base import BackendHit, BackendResults, Query, SearchBackend
from search.models import (
    SearchDocument,
    SearchTerm,
    filter_query,
    filter_terms,
    language_term,
)

logger = logging.getLogger(__name__)

# Editors' articles lead; a forum thread needs an official answer or a solution to come
# close (_WEIGHT below).
SUGGEST_KIND_ORDER = {"faq": 0, "video": 1, "policy": 2, "thread": 3}


# Every piece of SQL below is a constant; the visitor's words arrive only as parameters,
# already reduced to lemmas and quoted for the engine (_quote_fts, _quote_ts).
_WEIGHT = (
    "(CASE WHEN d.kind = 'thread' THEN 0.6 * (CASE WHEN d.official THEN 1.3 ELSE 1.0 END)"
    " * (CASE WHEN d.solved THEN 1.15 ELSE 1.0 END) ELSE 1.0 END)"
)
# How a search reads the index, per database. SQLite: the language and filters are terms
# of the full-text match itself (``filter_terms``, migration 0006), so the match alone says
# which documents count. PostgreSQL: the tsvector's GIN index, the language a term of the
# tsvector too (migration 0009), and GIN indexes over the title terms and question terms.
_TEXT_COLUMNS = "{title_terms question_terms body_terms}"
# PostgreSQL: q is the query's words, l the document language's term (search.models.
# language_term), part of each search_vector (migration 0009): one GIN index scan finds the
# matches in the language, with no list of the language's every row to intersect.
_PG_FROM = (
    "FROM search_searchdocument d, to_tsquery('simple', %s) q, to_tsquery('simple', %s) l "
    "WHERE {match}"
)
_PG_MATCH = "d.search_vector @@ (q && l)"
_FROM = {
    "sqlite": (
        "FROM search_fts CROSS JOIN search_searchdocument d ON d.id = search_fts.rowid "
        "WHERE search_fts MATCH %s"
    ),
    "postgresql": _PG_FROM.format(match=_PG_MATCH),
}
# Where the query's words are, tier by tier (PostgreSQL; SQLite says it in the match):
# all in the title; in the title and question together (not all in the title); elsewhere.
# The first two need only their own GIN index (a match there is a match of the whole
# document too) and check the language on the few rows found (a third parameter); the
# third is the whole document's match without the second's.
_PG_TITLE = "to_tsvector('simple', d.title_terms) @@ q"
_PG_QUESTION = "to_tsvector('simple', d.title_terms || ' ' || d.question_terms) @@ q"
_PG_TIERS = (
    _PG_FROM.format(match=f"{_PG_TITLE} AND d.language = %s"),
    _PG_FROM.format(match=f"{_PG_QUESTION} AND NOT {_PG_TITLE} AND d.language = %s"),
    _PG_FROM.format(match=f"{_PG_MATCH} AND NOT {_PG_QUESTION}"),
)
# Suggestions (``suggest``): the typed words as a phrase over the title, through the prefix
# index of migration 0005 (SQLite) or the stored title vector of 0008 (PostgreSQL), at most
# SUGGEST_CANDIDATES of them put in order.
SUGGEST_CANDIDATES = 1000
_SUGGEST_COLUMNS = (
    "d.id, d.key, d.kind, d.title, d.url, d.topic, d.topic_title, d.solved, d.official, d.date"
)
_SUGGEST_SQLITE = (
    f"SELECT {_SUGGEST_COLUMNS} FROM search_suggest_fts CROSS JOIN search_searchdocument d"  # noqa: S608
    " ON d.id = search_suggest_fts.rowid WHERE d.language = %s AND search_suggest_fts MATCH %s"
    " ORDER BY search_suggest_fts.rowid DESC LIMIT %s"
)
_SUGGEST_PG = (
    f"WITH c AS MATERIALIZED (SELECT {_SUGGEST_COLUMNS} FROM search_searchdocument d"  # noqa: S608
    " WHERE d.suggest_vector @@ (to_tsquery('simple', %s) && to_tsquery('simple', %s)))"
    " SELECT * FROM c LIMIT %s"
)
_SUGGEST_ORDER = (
    "CASE kind "
    + " ".join(f"WHEN '{kind}' THEN {n}" for kind, n in SUGGEST_KIND_ORDER.items())
    + " ELSE 9 END, length(title), date DESC, id"
)
# The GIN indexes of the documents, their pending lists merged (DatabaseBackend.rebuild).
_PG_MERGE_PENDING = (
    "SELECT gin_clean_pending_list(i.indexrelid::regclass) FROM pg_index i"
    " JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam"
    " WHERE i.indrelid = 'search_searchdocument'::regclass AND am.amname = 'gin'"
)
# A rebuild writes this many documents per statement.
REBUILD_BATCH = 500
# Counting stops here: a search with more matches says "1,000+", and its facet counts are
# lower bounds, counted over the first COUNT_LIMIT + 1 matches (never a guess shown as exact).
COUNT_LIMIT = 1000
# A search with more matches than COUNT_LIMIT is not ranked whole (a common word matches a
# third of the corpus, and ranking every match costs time in proportion to it). Its matches
# are taken in tiers, the query's words in the title, then in the title and question
# together, then anywhere, and at most WINDOW of each tier are ranked: the newest on
# SQLite, the first the index yields on PostgreSQL. Each tier ranks above the next;
# WINDOW covers every page a visitor can open (search.api: MAX_PAGE x PAGE_SIZE).
WINDOW = 500
# A title holding the query's neighbouring words side by side ranks up to (1 + PAIR_BOOST)
# times higher: in proportion to the pairs it holds.
PAIR_BOOST = 0.5
TERM_PAIR_WEIGHT = 0.5
# It is worked out for the best RESCORE_WINDOW matches only (the way Elasticsearch's
# rescore works) when every match is ranked, and for the whole window of a tier.
RESCORE_WINDOW = 100
_CONTAINS = {
    "sqlite": "(instr(' ' || w.{0} || ' ', %s) > 0)",
    "postgresql": "(strpos(' ' || w.{0} || ' ', %s) > 0)::int",
}
# Title, question, body weigh 10:4:1 (bm25; the filter terms 0) or A:B:C (ts_rank).
_BM25 = "-bm25(search_fts, 10.0, 4.0, 1.0, 0.0)"
_SCORE = {
    "sqlite": _BM25,
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


def _keep_better(best: dict, key, display: str) -> None:
    known = best.get(key)
    if known is None or (display != known and _display_rank(display) > _display_rank(known)):
        best[key] = display


def _batches(iterables, size: int):
    """Lists of at most ``size`` documents from a sequence of iterables (one per language)."""
    batch = []
    for documents in iterables:
        for document in documents:
            batch.append(document)
            if len(batch) == size:
                yield batch
                batch = []
    if batch:
        yield batch


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
                filter_terms=filter_terms(d.language, d.kind, d.topic, d.solved),
                fingerprint=d.fingerprint,
            )
            for d in documents
        ]

    @staticmethod
    def _spellings(documents, best: dict | None = None) -> dict[tuple[str, str], str]:
        """The documents' vocabulary, (language, term) → the best spelling any of them gave
        it (``_display_rank``), whatever order they come in: an article's "Größentabelle"
        wins over a post's "Grossentabelle". Adds to ``best`` when given."""
        best = {} if best is None else best
        for d in documents:
            for term, display in d.vocabulary.items():
                if len(term) > 2 and not term.isdigit():
                    _keep_better(best, (d.language, term[:100]), display[:100])
        return best

    @staticmethod
    def _store_spellings(best: dict[tuple[str, str], str], *, fresh: bool = False) -> None:
        """Add terms to the vocabulary, keeping the better of the stored spelling and the
        new one. ``fresh``: the vocabulary was emptied in this transaction (a rebuild), so
        there is nothing stored to compare with."""
        best = dict(best)
        changed = []
        by_language: dict[str, list[str]] = {}
        for language, term in [] if fresh else best:
            by_language.setdefault(language, []).append(term)
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
            [
                SearchTerm(language=lang, term=term, display=display)
                for (lang, term), display in best.items()
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )

    def _remember_terms(self, documents) -> None:
        self._store_spellings(self._spellings(documents))

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
        """Empty the index and fill it again in one transaction: searches meanwhile read the
        index as it was. The vocabulary is written once, at the end."""
        count, spellings = 0, {}
        with transaction.atomic():
            with connection.cursor() as cursor:  # no signals and no model instances
                for model in (SearchDocument, SearchTerm):
                    cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608
            for batch in _batches(documents_by_language, REBUILD_BATCH):
                rows = self._rows(batch)
                SearchDocument.objects.bulk_create(rows, batch_size=REBUILD_BATCH)
                self._spellings(batch, spellings)
                count += len(rows)
                if progress:
                    progress(len(rows))
            self._store_spellings(spellings, fresh=True)
            if connection.vendor == "postgresql":
                self._settle_postgresql()
        return count

    @staticmethod
    def _settle_postgresql() -> None:
        """After a rebuild, before its first search. The planner's statistics describe the
        new rows (autovacuum would catch up a minute later, after slow plans meanwhile). And
        the GIN indexes take their pending lists in: rows written in bulk wait in a list
        that every search reads from end to end (suggestions at 100,000 documents took 16
        ms instead of 8 until autovacuum merged it). Merging needs the table's owner; an
        account without that right leaves it to autovacuum."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_searchdocument")
            try:
                with transaction.atomic():
                    cursor.execute(_PG_MERGE_PENDING)
            except DatabaseError as error:
                logger.warning("GIN pending lists left to autovacuum: %s", error)

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
    def _filter_sql(query: Query, *, filtered: bool = True) -> tuple[str, list]:
        """The WHERE clause after the full-text condition, and its parameters. On SQLite
        the language and filters are terms of the match; on PostgreSQL, columns."""
        if connection.vendor == "sqlite":
            return "", []
        sql, params = "", []
        if filtered and query.kind:
            sql += " AND d.kind = %s"
            params.append(query.kind)
        if filtered and query.topic:
            sql += " AND d.topic = %s"
            params.append(query.topic)
        if filtered and query.solved is not None:
            sql += " AND d.kind = 'thread' AND d.solved = %s"
            params.append(query.solved)
        return sql, params

    def _match(self, query: Query, *, filtered: bool = True, tier: int | None = None) -> list:
        """The parameters of ``_FROM``: SQLite's one match expression (the query's words in
        the text columns, the language and filters in ``filter_terms``, and a tier's place
        of the words); PostgreSQL's tsquery and language."""
        expression = self._expression(query)
        if connection.vendor != "sqlite":
            params = [expression, language_term(query.language)]
            return [*params, query.language] if tier in (0, 1) else params
        filters = (
            filter_query(query.language, query.kind, query.topic, query.solved)
            if filtered
            else filter_query(query.language)
        )
        match = f"{_TEXT_COLUMNS} : ({expression}) AND {filters}"
        if tier == 0:
            match = f"{match} AND title_terms : ({expression})"
        elif tier == 1:
            lead = f"{{title_terms question_terms}} : ({expression})"
            match = f"({match} AND {lead}) NOT title_terms : ({expression})"
        elif tier == 2:
            match = f"({match}) NOT {{title_terms question_terms}} : ({expression})"
        return [match]

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
        """Three statements at most, whatever the corpus: the first COUNT_LIMIT + 1 matches'
        kinds and topics (the total and the facets), the filtered count when that was not
        all, and the page, ranked over every match when they are few and over bounded
        tiers when they are many (COUNT_LIMIT, WINDOW)."""
        empty = BackendResults(hits=[], total=0, facets={"kind": {}, "topic": {}, "solved": {}})
        if not self._expression(query):
            return empty
        where, params = self._filter_sql(query, filtered=False)
        sample_sql = self._first(
            "d.kind, d.topic, d.topic_title, d.solved", _FROM[connection.vendor] + where
        )
        with connection.cursor() as cursor:
            cursor.execute(sample_sql, [*self._match(query, filtered=False), COUNT_LIMIT + 1])
            sample = cursor.fetchall()
        complete = len(sample) <= COUNT_LIMIT
        total, facets, topic_titles = self._facets(query, sample)
        if not complete:
            total = (
                self._count(query)
                if query.kind or query.topic or query.solved is not None
                else COUNT_LIMIT + 1
            )
        total_exact = total <= COUNT_LIMIT
        if total_exact:
            page_ids = self._ranked_all(query)
        else:
            total = COUNT_LIMIT
            page_ids = self._ranked_tiers(query)
        documents = SearchDocument.objects.in_bulk(page_ids)
        hits = [self._hit(documents[pk]) for pk in page_ids if pk in documents]
        return BackendResults(
            hits=hits,
            total=total,
            facets=facets,
            topic_titles=topic_titles,
            total_exact=total_exact,
            facets_exact=complete,
        )

    @staticmethod
    def _first(columns: str, source: str) -> str:
        """At most ``%s`` rows of ``columns`` from ``source`` (FROM ... WHERE ...), read the
        cheap way on each database: SQLite from the newest row down; PostgreSQL through the
        indexes. Told of a LIMIT, PostgreSQL's planner would rather scan the table in the
        hope of meeting enough matches early, and it reads each row's tsvector out of TOAST
        on the way (25-55 ms at 100,000 documents, against 10-12 ms through the GIN index).
        A materialised CTE is planned as a whole and still read lazily: the LIMIT stops it."""
        if connection.vendor == "sqlite":
            return f"SELECT {columns} {source} ORDER BY search_fts.rowid DESC LIMIT %s"
        return (
            f"WITH m AS MATERIALIZED (SELECT {columns} {source})"  # noqa: S608 - constant SQL
            " SELECT * FROM m LIMIT %s"
        )

    def _count(self, query: Query) -> int:
        """Matches under the query's filters, counted up to COUNT_LIMIT + 1."""
        where, params = self._filter_sql(query)
        inner = self._first("d.id", _FROM[connection.vendor] + where)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT COUNT(*) FROM ({inner}) n",  # noqa: S608 - constant SQL
                [*self._match(query), *params, COUNT_LIMIT + 1],
            )
            return cursor.fetchone()[0]

    @staticmethod
    def _facets(query: Query, rows) -> tuple[int, dict, dict]:
        """The total and every facet (each under every filter but its own) from matches'
        (kind, topic, topic title, solved)."""

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
        for kind, topic, topic_title, solved in rows:
            if keep(kind, topic, solved):
                total += 1
            if keep(kind, topic, solved, skip="kind"):
                facets["kind"][kind] = facets["kind"].get(kind, 0) + 1
            if topic and keep(kind, topic, solved, skip="topic"):
                facets["topic"][topic] = facets["topic"].get(topic, 0) + 1
                topic_titles.setdefault(topic, topic_title)
            if kind == "thread" and keep(kind, topic, solved, skip="solved"):
                label = "yes" if solved else "no"
                facets["solved"][label] = facets["solved"].get(label, 0) + 1
        return total, facets, topic_titles

    def _ranked_all(self, query: Query) -> list[int]:
        """The page's ids, every match ranked (there are at most COUNT_LIMIT)."""
        vendor = connection.vendor
        pair_sql, pair_params = self._pair_sql(query)
        base, score = _FROM[vendor], f"{_SCORE[vendor]} * {_WEIGHT}"
        where, params = self._filter_sql(query)
        matches = [*self._match(query), *params]
        if pair_sql and query.offset + query.limit <= RESCORE_WINDOW:
            # Constant SQL; the visitor's words are parameters.
            window = (
                "SELECT d.id AS id, d.title_words AS title_words, d.title_terms AS title_terms,"
                f" {score} AS score {base}{where} ORDER BY score DESC, d.id LIMIT %s"
            )
            order = f"w.score{pair_sql} DESC, w.id"
            sql = f"SELECT w.id FROM ({window}) w ORDER BY {order} LIMIT %s OFFSET %s"  # noqa: S608
            sql_params = [*matches, RESCORE_WINDOW, *pair_params, query.limit, query.offset]
        else:
            sql = f"SELECT d.id {base}{where} ORDER BY {score} DESC, d.id LIMIT %s OFFSET %s"
            sql_params = [*matches, query.limit, query.offset]
        with connection.cursor() as cursor:
            cursor.execute(sql, sql_params)
            return [row[0] for row in cursor.fetchall()]

    def _ranked_tiers(self, query: Query) -> list[int]:
        """The page's ids when the matches are many: tier by tier (every word in the title;
        in the title and question together; elsewhere), each a window of at most WINDOW
        matches ranked, until the page is full. The tiers never overlap and miss nothing."""
        vendor = connection.vendor
        pair_sql, pair_params = self._pair_sql(query)
        where, params = self._filter_sql(query)
        if vendor == "sqlite":  # the tier is a part of the match expression
            window = (
                "SELECT d.id AS id, d.title_words, d.title_terms,"  # noqa: S608 - constant SQL
                f" f.rank * {_WEIGHT} AS score FROM (SELECT rowid AS id, {_BM25} AS rank"
                " FROM search_fts WHERE search_fts MATCH %s ORDER BY rowid DESC LIMIT %s) f"
                " CROSS JOIN search_searchdocument d ON d.id = f.id"
            )
            windows = [window] * len(_PG_TIERS)
        else:
            columns = (
                "d.id AS id, d.title_words AS title_words, d.title_terms AS title_terms,"
                f" {_SCORE[vendor]} * {_WEIGHT} AS score"
            )
            windows = [self._first(columns, source + where) for source in _PG_TIERS]
        scored: list[tuple[int, float, int]] = []
        with connection.cursor() as cursor:
            for tier, tier_window in enumerate(windows):
                sql = f"SELECT w.id, w.score{pair_sql} FROM ({tier_window}) w"  # noqa: S608
                tier_params = self._match(query, tier=tier)
                if vendor != "sqlite":
                    tier_params += params
                cursor.execute(sql, [*pair_params, *tier_params, WINDOW])  # in the order of the SQL
                scored += [(tier, score, pk) for pk, score in cursor.fetchall()]
                if len(scored) >= query.offset + query.limit:
                    break  # a later tier ranks below every match of this one
        scored.sort(key=lambda row: (row[0], -row[1], row[2]))
        return [row[2] for row in scored[query.offset : query.offset + query.limit]]

    @staticmethod
    def _hit(doc: SearchDocument) -> BackendHit:
        return BackendHit.of(doc, snippet_source=doc.body, date=doc.date)

    def suggest(self, prefix_words: list[str], language: str, limit: int) -> list[BackendHit]:
        """Documents whose title has the typed words in a row, the last one as a word start
        (the prefix indexes of migrations 0005 and 0008): articles first, then shorter
        (closer) titles, then newer. A common prefix matches thousands of titles, so the
        order is worked out over the first SUGGEST_CANDIDATES matches (the newest on SQLite,
        the first the index yields on PostgreSQL), not over all of them: one visit per
        candidate row is what a suggestion costs, whatever the corpus."""
        # Plain words are letters and digits only (search.analysis.plain_words): nothing
        # in them is query syntax for either engine, and each is quoted besides.
        prefix_words = [w.replace("'", "") for w in prefix_words if w.replace("'", "")]
        if not prefix_words:
            return []
        *whole, last = prefix_words
        if connection.vendor == "postgresql":
            phrase = " <-> ".join([*(f"'{w}'" for w in whole), f"'{last}':*"])
            source = _SUGGEST_PG
        else:
            phrase = " + ".join(_quote_fts(w) for w in [*whole, last]) + " *"
            source = _SUGGEST_SQLITE
        sql = f"SELECT * FROM ({source}) m ORDER BY {_SUGGEST_ORDER} LIMIT %s"  # noqa: S608
        if connection.vendor == "postgresql":  # the language is a term (migration 0008)
            language = language_term(language)
        documents = SearchDocument.objects.raw(sql, [language, phrase, SUGGEST_CANDIDATES, limit])
        return [BackendHit.of(d, date=d.date) for d in documents]
