"""What to ask a backend for a visitor's query, and what to ask next.

``plan_query()`` adds to the query's terms everything that widens or ranks them: the
editors' synonyms, the two indexed words a German compound is made of, the query's
neighbouring word pairs. ``carry_out()`` asks: every word first (any word from
``ANY_WORD_FROM`` words on), then any word when nothing has them all; then, when nothing
was found or the backend matches typos by itself (``SearchBackend.fuzzy``), the
vocabulary's spelling of the misspelt words, kept only when it finds something.

Backends differ here only by what they say they do (``fuzzy``), never by name; the
vocabulary (``SearchTerm``) is the database's, written beside every backend.
"""

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.core.cache import cache
from django.db.models.functions import Length

from search import analysis
from search.backends.base import BackendResults, Query
from search.models import SearchTerm, Synonym

ANY_WORD_FROM = 3
MAX_CORRECTIONS = 3
MAX_WORD_FOR_CORRECTION = 20
MAX_PAIRS = 8
# German writes compounds as one word ("Bestätigungsmail") that the articles may spell
# apart ("Bestätigungs-E-Mail") or differently ("Ratenkauf" / "Kauf auf Raten").
COMPOUND_LANGUAGES = frozenset({"de"})
MIN_COMPOUND = 8
COMPOUND_LINKS = ("", "s", "es", "n", "en")  # Fugenelemente: Bestätigung|s|mail


@dataclass(frozen=True)
class Plan:
    """One search, analysed once: ``query(words)`` is what a backend is asked."""

    text: str
    language: str
    terms: list[str]
    synonyms: dict[str, list[str]]
    parts: dict[str, list[str]]
    title_pairs: list[str]
    term_pairs: list[str]
    filters: dict
    offset: int
    limit: int

    def query(self, words: list[str]) -> Query:
        return Query(
            language=self.language,
            terms=words,
            synonyms=self.synonyms,
            parts={t: p for t, p in self.parts.items() if t in words},
            kind=self.filters["kind"],
            topic=self.filters["topic"],
            solved=self.filters["solved"],
            offset=self.offset,
            limit=self.limit,
            # Customers write whole sentences ("iade etmek istiyorum nasıl yapacağım"):
            # with this many words, one the answer does not use must not hide it. Ranking
            # still puts the documents with the most words first.
            match_any=len(words) >= ANY_WORD_FROM,
            title_pairs=self.title_pairs,
            term_pairs=self.term_pairs,
        )

    def highlighted(self, terms: list[str]) -> set[str]:
        """The words to mark in the hits: the terms, their synonyms' words, their parts."""
        found = set(terms) | {s for t in terms for p in self.synonyms.get(t, []) for s in p.split()}
        return found | {p for t in terms for p in self.parts.get(t, [])}


def plan_query(
    text: str, language: str, terms: list[str], filters: dict, *, offset: int, limit: int
) -> Plan:
    """The plan for a cleaned query, its terms (``analysis.query_terms``) and its filters."""
    return Plan(
        text=text,
        language=language,
        terms=terms,
        synonyms=synonyms(language),
        parts=compound_parts(terms, language),
        title_pairs=pairs(analysis.plain_words(text, language)),
        term_pairs=pairs(analysis.analyze(text, language)),
        filters=filters,
        offset=offset,
        limit=limit,
    )


def find(search: Callable[[Query], BackendResults], query: Query) -> BackendResults:
    """``search(query)``, then, when nothing has every word, what has the most of them."""
    results = search(query)
    if not results.total and len(query.terms) > 1 and not query.match_any:
        query.match_any = True
        results = search(query)
    return results


@dataclass
class Outcome:
    found: BackendResults
    terms: list[str]
    # "Did you mean": the query with its misspelt words corrected, when the hits are for it.
    suggestion: str = ""
    corrected: bool = False


class Asker(Protocol):
    """Who answers for ``carry_out``: ``find(words)``, the results for the plan's query of
    these words (through ``find`` above); ``fuzzy``, whether that backend matches typos."""

    fuzzy: bool

    def find(self, words: list[str]) -> BackendResults: ...


def carry_out(plan: Plan, asker: Asker) -> Outcome:
    """Ask for the plan's terms; then for the vocabulary's spelling of the misspelt ones."""
    outcome = Outcome(found=asker.find(plan.terms), terms=plan.terms)
    # A fuzzy engine finds "Rücksendnug" on its own; the visitor is still told the right
    # spelling, and gets the results for it, as on the database backend (which finds
    # nothing for a misspelt word and asks the vocabulary then).
    if outcome.found.total and not asker.fuzzy:
        return outcome
    fixes = {
        typed: (term, display)
        for typed, (term, display) in zip(
            plan.terms, spelling(plan.terms, plan.language), strict=True
        )
        if term != typed
    }
    # The vocabulary may still hold a word whose only document was hidden or edited since
    # (it is pruned on reconcile): a correction is kept only if its word alone finds a
    # visible document, so no word of hidden text is ever shown.
    fixes = {typed: fix for typed, fix in fixes.items() if asker.find([fix[0]]).total}
    if fixes:
        better = [fixes[t][0] if t in fixes else t for t in plan.terms]
        corrected = asker.find(better)
        if corrected.total:
            outcome = Outcome(
                found=corrected,
                terms=better,
                suggestion=corrected_text(plan.text, plan.language, fixes),
                corrected=True,
            )
    return outcome


# --- what the plan is made of ----------------------------------------------------------


def synonyms(language: str) -> dict[str, list[str]]:
    """Lemma → the other phrases (as lemmas) editors say mean the same, cached briefly."""
    key = f"search:synonyms:{language}"
    mapping = cache.get(key)
    if mapping is None:
        mapping = {}
        for row in Synonym.objects.filter(language=language).values_list("terms", flat=True):
            phrases = [analysis.analyzed_text(p, language) for p in row.split(",")]
            phrases = [p for p in phrases if p]
            for phrase in phrases:
                if " " not in phrase:
                    others = [p for p in phrases if p != phrase]
                    mapping.setdefault(phrase, [])
                    mapping[phrase] += [o for o in others if o not in mapping[phrase]]
        cache.set(key, mapping, 300)
    return mapping


def forget_synonyms(language: str) -> None:
    cache.delete(f"search:synonyms:{language}")


def compound_splits(term: str, language: str) -> list[tuple[str, str]]:
    """Ways to read ``term`` as head + tail, longest head first; the tail as a term of its
    own (its lemma: "mail" → "mailen"), the head with and without a linking element."""
    splits = []
    for cut in range(len(term) - 3, 2, -1):
        head, tail = term[:cut], analysis.term(term[cut:], language)
        for link in COMPOUND_LINKS:
            if head.endswith(link) and len(head) - len(link) >= 3:
                splits.append((head[: len(head) - len(link)], tail))
    return splits


def compound_parts(terms: list[str], language: str) -> dict[str, list[str]]:
    """The two indexed words each long word of the query is made of ("bestatigungsmail" →
    "bestatigungs" + "mailen"), so a document that spells the compound apart is found. One
    query for the vocabulary of a whole search, the answer cached per word."""
    if language not in COMPOUND_LANGUAGES:
        return {}
    long = [t for t in terms if len(t) >= MIN_COMPOUND and t.isalpha()]
    if not long:
        return {}
    keys = {t: f"search:split:{analysis.VERSION}:{language}:{t}" for t in long}
    found = cache.get_many(list(keys.values()))
    todo = [t for t in long if keys[t] not in found]
    if todo:
        splits = {t: compound_splits(t, language) for t in todo}
        wanted = {part for pairs in splits.values() for pair in pairs for part in pair}
        known = set(
            SearchTerm.objects.filter(language=language, term__in=wanted).values_list(
                "term", flat=True
            )
        )
        for t in todo:
            found[keys[t]] = next(([h, tl] for h, tl in splits[t] if {h, tl} <= known), [])
        cache.set_many({keys[t]: found[keys[t]] for t in todo}, 600)
    return {t: found[keys[t]] for t in long if found.get(keys[t])}


def pairs(words: list[str]) -> list[str]:
    return list(dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)))[
        :MAX_PAIRS
    ]


def spelling(terms: list[str], language: str) -> list[tuple[str, str]]:
    """Unknown terms replaced by the closest indexed ones, each as (term, the lemma as
    written, or "" when it is the term). Asked only when a search found nothing, for at
    most ``MAX_CORRECTIONS`` words, against candidates of about the same length (and
    cached), so a query made to be expensive stays cheap."""
    corrected, tried = [], 0
    for term in terms:
        if len(term) < 4 or len(term) > MAX_WORD_FOR_CORRECTION or term.isdigit():
            corrected.append((term, ""))
            continue
        key = f"search:spelling:{analysis.VERSION}:{language}:{term}"
        better = cache.get(key)
        if better is None and tried < MAX_CORRECTIONS:
            tried += 1
            if SearchTerm.objects.filter(language=language, term=term).exists():
                better = (term, "")
            else:
                candidates = dict(
                    SearchTerm.objects.annotate(size=Length("term"))
                    .filter(
                        language=language,
                        term__startswith=term[0],
                        size__gte=len(term) - 2,
                        size__lte=len(term) + 2,
                    )
                    .values_list("term", "display")[:5000]
                )
                close = difflib.get_close_matches(term, list(candidates), n=1, cutoff=0.75)
                better = (close[0], candidates[close[0]]) if close else (term, "")
            cache.set(key, better, 600)
        corrected.append(tuple(better) if better else (term, ""))
    return corrected


def corrected_text(text: str, language: str, fixes: dict[str, tuple[str, str]]) -> str:
    """The query as the visitor typed it (folded), with only the misspelt words replaced by
    the spelling the indexed text uses: "Wo ist mein Pakte" → "wo ist mein paket",
    "süt iadr" → "süt iade" (never the accent-free index form "sut")."""
    out = []
    for word in analysis.words(analysis.fold(text, language)):
        fix = fixes.get(analysis.term(word, language))
        out.append((fix[1] or fix[0]) if fix else word)
    return " ".join(out)
