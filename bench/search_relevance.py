"""Search relevance benchmark: the judged queries of ``bench/search_judgments.json`` against
the demo content, for our search (``search.api``, database backend; Elasticsearch too with
``--elasticsearch URL`` or ``--with-emulator``; OpenSearch with ``--opensearch URL`` or
``--with-opensearch``, a real node) and for Wagtail's built-in page search.

For each query: the rank (1-10) of the expected document; per language hit@1, hit@5 and
MRR@10. Wagtail finds pages, not single FAQ questions, so a Wagtail hit counts when the
expected URL starts with the page's URL (an easier, page-level task); our results are also
scored that way ("page level") to compare like with like. Forum threads are not Wagtail
pages: Wagtail can never find those. Writes ``bench/results/search_relevance.json``.

    .venv/bin/python bench/search_relevance.py [--with-emulator | --elasticsearch URL]
        [--with-opensearch | --opensearch URL]
"""

import argparse
import contextlib
import json
import sys
import tempfile
import time
import uuid
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _django  # noqa: E402
from tests import engines as test_engines  # noqa: E402

JUDGMENTS = ROOT / "bench" / "search_judgments.json"
RESULTS = ROOT / "bench" / "results" / "search_relevance.json"
LANGUAGES = ("en", "tr", "de")
DEPTH = 10


def scores(rows: list[dict]) -> dict:
    n, ranks = len(rows), [r["rank"] or 99 for r in rows]
    hits = {f"hit@{k}": round(sum(r <= k for r in ranks) / n, 3) for k in (1, 5)}
    return {"queries": n, **hits, "mrr@10": round(sum(1 / r for r in ranks if r <= 10) / n, 3)}


def rank_of(urls: list[str], target: str, *, page_level: bool = False) -> int | None:
    """Position of the target in the results; page level: of a page holding it."""
    for n, url in enumerate(urls, 1):
        if url == target or (page_level and target.startswith(url.split("#")[0])):
            return n
    return None


def targets(judged: dict) -> dict:
    """Each expected URL substring → the one indexed document URL it names (checked)."""
    from search.models import SearchDocument

    found, problems = {}, []
    for lang, items in judged.items():
        urls = list(SearchDocument.objects.filter(language=lang).values_list("url", flat=True))
        for item in items:
            matches = [u for u in urls if item["expected"] in u]
            if len(matches) == 1:
                found[(lang, item["expected"])] = matches[0]
            else:
                problems.append(f"[{lang}] {item['expected']!r} matches {len(matches)} documents")
    if problems:
        raise SystemExit("Judgments do not name one indexed document each:\n" + "\n".join(problems))
    return found


def run_ours(judged: dict, full: dict) -> tuple[dict, dict]:
    """Our search through the public door: document level and page level."""
    from search import api

    exact, page = {}, {}
    for lang, items in judged.items():
        exact[lang], page[lang] = [], []
        for item in items:
            results = api.search(item["query"], lang)
            urls = [hit.url for hit in results.hits]
            target = full[(lang, item["expected"])]
            common = {
                "query": item["query"],
                "expected": item["expected"],
                "top": urls[:3],
                "total": results.total,
                "fell_back": results.fell_back,
            }
            exact[lang].append({**common, "rank": rank_of(urls, target)})
            page[lang].append({**common, "rank": rank_of(urls, target, page_level=True)})
    return exact, page


def run_wagtail(judged: dict, full: dict, operator: str | None = None) -> dict:
    """Wagtail's own search (WAGTAILSEARCH_BACKENDS) over the same article pages; its
    SQLite backend wants every word (AND) unless told ``operator="or"``."""
    from wagtail.models import Locale, Page

    from kb.models import ARTICLE_MODELS

    out = {}
    for lang, items in judged.items():
        locale = Locale.objects.get(language_code=lang)
        pages = Page.objects.live().public().filter(locale=locale).type(*ARTICLE_MODELS)
        out[lang] = []
        for item in items:
            urls = [p.get_url() for p in pages.search(item["query"], operator=operator)[:DEPTH]]
            rank = rank_of(urls, full[(lang, item["expected"])], page_level=True)
            out[lang].append(
                {
                    "query": item["query"],
                    "expected": item["expected"],
                    "top": urls[:3],
                    "rank": rank,
                }
            )
    return out


def run_engine(engine: str, url: str, judged: dict, full: dict) -> dict:
    """Index the demo into the engine (under a prefix of its own) and search it."""
    from django.conf import settings
    from django.core.management import call_command

    from search import api

    settings.SEARCH_ENGINE = engine
    setattr(settings, f"{engine.upper()}_URL", url)
    settings.SEARCH_INDEX_PREFIX = f"bench-{uuid.uuid4().hex[:10]}"
    settings.SEARCH_TIMEOUT = 10
    api.reset_backend()
    try:
        call_command("search_index", "rebuild", stdout=StringIO())
        rows = run_ours(judged, full)[0]
        if any(r["fell_back"] for by_lang in rows.values() for r in by_lang):
            raise SystemExit(f"{url} did not answer every query: the database fell back")
        return rows
    finally:  # remove our indexes, by name (Elasticsearch 8 refuses wildcard deletes)
        backend = api.get_backend()
        for name in backend.versions():
            backend.writer.indices.delete(index=name)
        settings.SEARCH_ENGINE = "database"
        api.reset_backend()


def report(engines: dict, notes: list[str]) -> None:
    print(f"\n{'engine':<34}{'lang':<6}{'n':>4}{'hit@1':>8}{'hit@5':>8}{'MRR@10':>8}")
    for name, by_lang in engines.items():
        for lang, rows in by_lang.items():
            s = scores(rows)
            print(
                f"{name:<34}{lang:<6}{s['queries']:>4}"
                f"{s['hit@1']:>8.2f}{s['hit@5']:>8.2f}{s['mrr@10']:>8.2f}"
            )
    for note in notes:
        print(f"note: {note}")
    for name, by_lang in engines.items():
        if "page level" in name:  # Wagtail's misses are in the JSON
            continue
        misses = [(lang, r) for lang, rows in by_lang.items() for r in rows if r["rank"] != 1]
        print(f"\n{name}: {len(misses)} queries without the expected document first")
        for lang, r in misses:
            first = r["top"][0] if r["top"] else "(nothing)"
            print(f"  [{lang}] {r['query']!r}: rank {r['rank'] or '>10'}; first {first}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elasticsearch", metavar="URL", help="also run against this server")
    parser.add_argument("--with-emulator", action="store_true", help="also run on noida-db")
    parser.add_argument("--opensearch", metavar="URL", help="also run against this server")
    parser.add_argument(
        "--with-opensearch",
        action="store_true",
        help="also run on a real OpenSearch node (make search-engines builds it)",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    timings = {}
    judged = json.loads(JUDGMENTS.read_text(encoding="utf-8"))
    judged = {lang: judged[lang] for lang in LANGUAGES}
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        # The demo is indexed by the database backend only, in this process, in memory.
        _django.setup(f"sqlite:///{tmp}/relevance.sqlite3", **_django.DATABASE_SEARCH_ONLY)
        from django.core.management import call_command

        mark = time.perf_counter()
        _django.migrate()
        call_command("load_demo", stdout=StringIO())
        timings["demo_load_s"] = time.perf_counter() - mark
        mark = time.perf_counter()
        call_command("search_index", "rebuild", stdout=StringIO())
        call_command("update_index", stdout=StringIO())  # Wagtail's own index
        timings["indexing_s"] = time.perf_counter() - mark
        full = targets(judged)

        mark = time.perf_counter()
        exact, page = run_ours(judged, full)
        engines = {"database": exact, "database (page level)": page}
        timings["database_s"] = time.perf_counter() - mark
        # The same queries as a large corpus answers them: counting stopped at once, so
        # every search is ranked in tiers (title, question, text; backends.database).
        from search.backends import database

        every_match = database.COUNT_LIMIT
        database.COUNT_LIMIT = 1  # (a bounded total still says "more than 1")
        try:
            engines["database (tiers, as past 1,000 matches)"] = run_ours(judged, full)[0]
        finally:
            database.COUNT_LIMIT = every_match
        mark = time.perf_counter()
        engines["wagtail (page level)"] = run_wagtail(judged, full)
        engines["wagtail OR (page level)"] = run_wagtail(judged, full, operator="or")
        timings["wagtail_s"] = time.perf_counter() - mark

        servers = []
        if args.elasticsearch:
            servers.append(("elasticsearch", "elasticsearch", args.elasticsearch, None))
        elif args.with_emulator:
            noida = test_engines.emulator(Path(tmp) / "noida")
            servers.append(("elasticsearch (emulator)", "elasticsearch", noida.url, noida))
        if args.opensearch:
            servers.append(("opensearch", "opensearch", args.opensearch, None))
        elif args.with_opensearch:
            if reason := test_engines.opensearch_missing():
                raise SystemExit(f"--with-opensearch: {reason}")
            node = test_engines.opensearch(Path(tmp) / "opensearch")
            name = f"opensearch {test_engines.opensearch_version()} (real node)"
            servers.append((name, "opensearch", node.url, node))
        for name, engine, url, service in servers:
            mark = time.perf_counter()
            with test_engines.running(service) if service else contextlib.nullcontext():
                engines[name] = run_engine(engine, url, judged, full)
            timings[f"{engine}_s"] = time.perf_counter() - mark

    threads = sum(item["expected"].startswith("-") for items in judged.values() for item in items)
    notes = [
        "MRR@10: a document not in the first 10 results counts 0.",
        "page level: a result counts when the expected URL starts with its page URL (an FAQ "
        "page stands for all its questions). Wagtail finds pages, not questions, so it is "
        "only scored that way; Wagtail searches the article pages of the language "
        "(Page.objects.live().public().filter(locale).type(*ARTICLE_MODELS).search(q)); "
        "'wagtail' is its default (AND for SQLite), 'wagtail OR' passes operator='or'.",
        f"{threads} judged queries expect a forum thread: not a Wagtail page, so Wagtail "
        "cannot find them.",
    ]
    report(engines, notes)
    timings["total_s"] = time.perf_counter() - started
    print("\n" + "   ".join(f"{k} {v:.1f}" for k, v in timings.items()))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    summary = {n: {lang: scores(rows) for lang, rows in e.items()} for n, e in engines.items()}
    payload = {"summary": summary, "notes": notes, "timings": timings, "queries": engines}
    RESULTS.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"written: {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
