"""The one text analysis of search, used at index time and at query time by every backend.

``analyze(text, language)`` turns text into the terms both backends index and query: case
folded the way the language folds (Turkish ``İ``→``i`` and ``I``→``ı``; German
``ß``→``ss``), split into words, stop words dropped, each word reduced to its dictionary
form by simplemma (``iadeler``, ``iadesi`` → ``iade``; ``Rücksendungen`` → ``rücksendung``;
``returned`` → ``return``), and only then written without accents (``index_form``:
``rücksendung`` → ``rucksendung``, ``süre`` → ``sure``), because customers on a phone or a
foreign keyboard type ``rucksendung``, ``hala`` and ``siparis``. The lemmatizer sees the
accents (it needs them); the index does not. Because the database backend and
Elasticsearch both index and query these terms, they agree, and Turkish inflection is
found where the engines' snowball stemmers miss it (snowball makes ``iade`` → ``ia`` but
``iadeler`` → ``iade``: the two never meet).

``VERSION`` names this analysis: documents carry it in their fingerprint, so after a change
here ``search_index reconcile`` re-indexes everything.

Nothing here knows a backend; nothing outside search/ needs to call it.
"""

import re
import unicodedata
from functools import lru_cache

import simplemma

VERSION = "2"
LANGUAGES = ("en", "tr", "de")
MAX_QUERY_CHARS = 200
MAX_QUERY_TERMS = 12

# Words that carry no meaning for search, per language (kept short: a lemma such as
# "kann" or "nasıl" is a stop word, a domain word never is).
# fmt: off
STOP_WORDS = {
    "en": frozenset({
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "do", "does", "for", "from",
        "how", "i", "if", "in", "is", "it", "its", "my", "of", "on", "or", "our", "so", "that",
        "the", "their", "there", "this", "to", "was", "we", "what", "when", "where", "which",
        "who", "why", "will", "with", "you", "your", "me", "have", "has", "had", "not", "no",
        "some", "something", "any", "anything", "many", "much"
    }),
    "tr": frozenset({
        "acaba", "ama", "bir", "bu", "da", "de", "daha", "diye", "en", "gibi", "hem", "her",
        "için", "ile", "ise", "ki", "mi", "mı", "mu", "mü", "na", "ne", "neden", "nasıl", "o",
        "olarak", "olan", "ve", "veya", "ya", "şu", "çok", "ben", "sen", "biz", "siz", "benim",
        "bana"
    }),
    "de": frozenset({
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer",
        "eines", "und", "oder", "aber", "ist", "sind", "war", "wie", "was", "wo", "wann",
        "warum", "ich", "du", "er", "sie", "es", "wir", "ihr", "mein", "meine", "dein", "deine",
        "kann", "können", "mit", "von", "zu", "zum", "zur", "im", "in", "am", "an", "auf",
        "für", "bei", "nicht", "noch", "auch", "so", "ob", "wenn", "nach", "man"
    }),
}
# fmt: on

_WORD = re.compile(r"\w+", re.UNICODE)


def fold(text: str, language: str) -> str:
    """Lower case as the language writes it, in composed form (NFC)."""
    text = unicodedata.normalize("NFC", text)
    if language == "tr":
        # Python's lower() turns "I" into "i" and "İ" into "i̇" (two code points): wrong
        # for Turkish, where I/ı and İ/i are two different letters.
        text = text.replace("I", "ı").replace("İ", "i")
    if language == "de":
        # "ß" and "ss" are one spelling difference (Straße, STRASSE): fold before the
        # lemmatizer, so both spellings reach the same lemma.
        return text.casefold()
    return text.lower()


def _final(word: str, language: str) -> str:
    # Lemmas are compared case-free: German "ß" and "ss" meet (Straße, STRASSE).
    return word if language == "tr" else word.casefold()


# Letters written without their accents. Turkish ı and i meet here, after the lemmatizer
# has told them apart; German ä/ö/ü and their ae/oe/ue spellings meet too.
_LETTERS = str.maketrans({"ı": "i", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l"})
_GERMAN_DIGRAPHS = re.compile(r"(?<=[aou])e")


@lru_cache(maxsize=200_000)
def index_form(word: str, language: str) -> str:
    """A folded word or lemma as the index keeps it: without accents (cached: a rebuild
    asks for every word of every document twice)."""
    if word.isascii():
        plain = word
    else:
        decomposed = unicodedata.normalize("NFD", word.translate(_LETTERS))
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    if language == "de" and "e" in plain:
        # "Ruecksendung" is how "Rücksendung" is typed without umlauts.
        plain = _GERMAN_DIGRAPHS.sub("", plain)
    return plain


def words(text: str) -> list[str]:
    """The words of (folded) text, in order: letters and digits, any script."""
    return [w for w in _WORD.findall(text) if not w.isdigit() or len(w) < 12]


def warm() -> None:
    """Load the lemmatizer's dictionaries now: the first lemma of each language otherwise
    costs a visitor 0.5-1.8 s. gunicorn calls this in its master process before it forks
    the workers (deploy/gunicorn.conf.py), so the workers share one copy."""
    for language in LANGUAGES:
        simplemma.lemmatize("warm", lang=language)


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """The dictionary form of a folded word; the word itself when unknown."""
    if language not in LANGUAGES or word.isdigit() or len(word) < 3:
        return _final(word, language)
    # simplemma answers German nouns capitalised; fold its answer again.
    return _final(fold(simplemma.lemmatize(word, lang=language), language), language)


def lemmas(text: str, language: str, *, keep_stop_words: bool = False) -> list[str]:
    """Lemmas of ``text`` in ``language``, in order, stop words removed, accents kept (the
    vocabulary that "did you mean" shows)."""
    stop = frozenset() if keep_stop_words else STOP_WORDS.get(language, frozenset())
    out = []
    for word in words(fold(text, language)):
        if word in stop or "_" in word:
            continue
        out.append(lemma(word, language))
    if stop:
        out = [w for w in out if w not in stop]
    return out


@lru_cache(maxsize=200_000)
def term(word: str, language: str) -> str:
    """The index term of one (unfolded) word: folded, lemmatised, without accents."""
    return index_form(lemma(fold(word, language), language), language)


@lru_cache(maxsize=200_000)
def forms(word: str, language: str) -> tuple[str, str]:
    """A word's index term and its plain form (folded, without accents): what a highlight
    compares with the query's terms, cached because snippets ask for every word."""
    return term(word, language), index_form(fold(word, language), language)


def analyze(text: str, language: str, *, keep_stop_words: bool = False) -> list[str]:
    """The index terms of ``text``: its lemmas, in order, without accents."""
    return [
        index_form(w, language) for w in lemmas(text, language, keep_stop_words=keep_stop_words)
    ]


def analyzed_text(text: str, language: str) -> str:
    """Terms joined by spaces: what the engines index (whitespace analyzer / 'simple')."""
    return " ".join(analyze(text, language))


def plain_words(text: str, language: str) -> list[str]:
    """The words of ``text`` as written (no lemmas, stop words kept), folded and without
    accents: what title completions and phrase matches compare."""
    return [index_form(w, language) for w in words(fold(text, language))]


def clean_query(raw: str) -> str:
    """What a visitor typed, made safe to echo and to analyse: printable characters only,
    whitespace collapsed, bounded. Query syntax (quotes, ``*``, ``OR``, ``:``) is not
    interpreted anywhere: it only ever becomes words."""
    printable = "".join(ch if ch.isprintable() else " " for ch in raw or "")
    return " ".join(printable.split())[:MAX_QUERY_CHARS]


def query_terms(query: str, language: str) -> list[str]:
    """The distinct lemmas a query searches for, in order, at most ``MAX_QUERY_TERMS``.
    A query made only of stop words ("how do I") keeps them, so it still finds something."""
    terms = analyze(query, language) or analyze(query, language, keep_stop_words=True)
    return list(dict.fromkeys(terms))[:MAX_QUERY_TERMS]


_EMAIL = re.compile(r"\S+@\S+")


def normalise_for_log(query: str, language: str) -> str:
    """The query as the log keeps it: folded words only, without what looks personal (an
    e-mail address, any word with a digit: order, phone and card numbers)."""
    text = _EMAIL.sub(" ", clean_query(query))
    kept = [w for w in words(fold(text, language)) if not any(c.isdigit() for c in w)]
    return " ".join(kept)[:MAX_QUERY_CHARS]


def log_key(logged: str, language: str) -> str:
    """What the log groups a query by: its logged words (``normalise_for_log``) compared
    the way search compares them, without accents and with Turkish ı and i as one letter.
    "İADE" is logged "iade" and "IADE" "ıade": two spellings, one key."""
    return " ".join(index_form(word, language) for word in logged.split())[:MAX_QUERY_CHARS]
