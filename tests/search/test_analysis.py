"""The one text analysis (search.analysis): pure functions, no database."""

import pytest

from search import analysis, planning


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("İADE", "tr", ["iade"]),
        ("iadeler", "tr", ["iade"]),
        ("iadesi", "tr", ["iade"]),
        ("GARANTİ SÜRESİ", "tr", ["garanti", "sure"]),
        ("Rücksendungen", "de", ["rucksendung"]),
        ("RÜCKSENDUNG", "de", ["rucksendung"]),
        ("Ruecksendung", "de", ["rucksendung"]),
        ("returned parcels", "en", ["return", "parcel"]),
        ("How do I return something?", "en", ["return"]),
    ],
)
def test_terms_are_lemmas_without_accents(text, language, expected):
    assert analysis.analyze(text, language) == expected


def test_turkish_dotted_and_dotless_i_are_folded_as_turkish_before_lemmas():
    # Python's lower() makes "İ" two code points and "I" a dotted "i": wrong for Turkish.
    assert analysis.fold("İADE IŞIK", "tr") == "iade ışık"
    assert analysis.fold("IŞIK", "en") == "işik"
    # The lemmatizer sees the Turkish letters; only the index term loses the accents.
    assert analysis.lemmas("IŞIKLAR", "tr") == analysis.lemmas("ışıklar", "tr")
    assert analysis.analyze("IŞIK", "tr") == analysis.analyze("ışık", "tr") == ["isik"]


def test_words_typed_without_accents_meet_the_accented_ones():
    for typed, written, language in [
        ("siparis", "sipariş", "tr"),
        ("hala", "hâlâ", "tr"),
        ("odeme", "ödeme", "tr"),
        ("rucksendung", "Rücksendung", "de"),
        ("Ruecksendung", "Rücksendung", "de"),
        ("STRASSE", "Straße", "de"),
        ("cafe", "café", "en"),
    ]:
        assert analysis.analyze(typed, language) == analysis.analyze(written, language), typed


def test_lemmas_keep_accents_for_display():
    assert analysis.lemmas("GARANTİ SÜRESİ", "tr") == ["garanti", "süre"]
    assert analysis.index_form("süre", "tr") == "sure"


def test_plain_words_keep_stop_words_and_drop_accents():
    assert analysis.plain_words("Wo ist mein Paket?", "de") == ["wo", "ist", "mein", "paket"]
    assert analysis.plain_words("Kargom nerede, İSTANBUL", "tr") == [
        "kargom",
        "nerede",
        "istanbul",
    ]


def test_a_query_of_stop_words_only_keeps_them():
    assert analysis.query_terms("how do I", "en") == ["how", "do", "i"]


def test_query_syntax_only_ever_becomes_words():
    terms = analysis.query_terms('title:"refund" OR (x*) ~2 AND -y', "en")
    assert all(term.isalnum() for term in terms)


def test_neighbouring_pairs_are_distinct_and_bounded():
    assert planning.pairs(["wo", "ist", "mein", "paket"]) == ["wo ist", "ist mein", "mein paket"]
    assert planning.pairs(["a", "b", "a", "b"]) == ["a b", "b a"]
    assert len(planning.pairs([str(n) for n in range(50)])) == planning.MAX_PAIRS
    assert planning.pairs(["one"]) == []


def test_compound_splits_try_the_longest_head_and_linking_elements():
    splits = planning.compound_splits("bestatigungsmail", "de")
    # The tail is a term of its own (its lemma); the head with and without the "s".
    assert ("bestatigungs", analysis.term("mail", "de")) in splits
    assert ("bestatigung", analysis.term("mail", "de")) in splits
    heads = [head for head, _tail in splits]
    assert heads.index("bestatigungs") < heads.index("bestat")
    assert all(len(head) >= 3 and len(tail) >= 3 for head, tail in splits)


def test_the_log_keeps_no_numbers_or_addresses():
    logged = analysis.normalise_for_log("Order 12345 for ana@example.com İADE", "tr")
    assert logged == "order for iade"


def test_gunicorn_warms_the_lemmatizer_before_forking(monkeypatch):
    import runpy
    from pathlib import Path

    config = runpy.run_path(str(Path(__file__).parents[2] / "deploy" / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    warmed = []
    monkeypatch.setattr(analysis, "warm", lambda: warmed.append(True))
    config["when_ready"](server=None)
    assert warmed == [True]


def test_warm_loads_every_language():
    analysis.warm()
    assert analysis.lemma("iadeler", "tr") == "iade"
