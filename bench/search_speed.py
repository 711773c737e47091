"""Search speed benchmark: 10,000 synthetic documents (en/tr/de text drawn from the demo
content, realistic kinds and lengths) written straight into the database backend, then:

* the full rebuild (``DatabaseBackend().rebuild``: analysis, rows, FTS triggers, vocabulary),
* median and p95 of 200 searches (``search.api.search``) and 200 suggests (``api.suggest``),
* the same 200 searches through Wagtail's own search (WAGTAILSEARCH_BACKENDS) over 10,000
  pages holding the same titles and text, as a ratio.

Goals: search p95 <= 50 ms and suggest p95 <= 15 ms at every size; rebuild <= 60 s up to
10,000 documents and <= 120 s at 100,000; search p95 at most 2.5 times the baseline's. The
machine may be shared and noisy: compare runs on one machine. With ``--documents N`` larger
than ``--baseline`` (10,000), both sizes are measured in the same run (the same queries) and
the growth reported as a ratio. SQLite in a temporary folder by default; with a PostgreSQL
``DATABASE_URL``, a fresh database beside it (``<name>_bench_speed``). Reports the peak
memory of the process. Writes ``bench/results/search_speed.json`` (``_postgresql.json``).

    .venv/bin/python bench/search_speed.py [--documents 100000] [--baseline 10000]
        [--no-wagtail] [--short]
"""

import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _django  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "search_speed.json"
JUDGMENTS = ROOT / "bench" / "search_judgments.json"
LANGUAGES = ("en", "tr", "de")
ROUNDS, WARMUP = 200, 20
GOALS = {"search_p95_ms": 50, "suggest_p95_ms": 15, "search_p95_growth": 2.5}


def rebuild_goal_s(documents: int) -> int:
    return 60 if documents <= 10_000 else 120


# kind: (share, words of question, words of body), like the demo: short FAQ answers, long
# policies and transcripts, threads with a few replies.
KINDS = {
    "faq": (0.55, (15, 35), (40, 180)),
    "thread": (0.30, (30, 120), (60, 600)),
    "video": (0.08, (15, 40), (300, 800)),
    "policy": (0.07, (30, 80), (600, 1600)),
}
SKIP_KEYS = {
    "key",
    "slug",
    "ago",
    "after",
    "author",
    "board",
    "language",
    "type",
    "tags",
    "translation_of",
    "effective_date",
    "seconds",
    "me_too",
    "held",
}


def corpus() -> dict[str, dict[str, list[str]]]:
    """Per language, the demo's titles and questions, and its running text as words."""
    found = {lang: {"titles": [], "words": []} for lang in LANGUAGES}

    def walk(node, lang, key):
        if isinstance(node, dict):
            lang = node.get("language", lang) if node.get("language") in LANGUAGES else lang
            for k, value in node.items():
                if k not in SKIP_KEYS:
                    walk(value, k if k in LANGUAGES else lang, k if k not in LANGUAGES else key)
        elif isinstance(node, list):
            for value in node:
                walk(value, lang, key)
        elif isinstance(node, str) and lang:
            if key in ("title", "question"):
                found[lang]["titles"].append(node)
            found[lang]["words"] += node.split()

    paths = [*sorted((ROOT / "kb" / "demo_content").glob("*.json"))]
    for path in [*paths, ROOT / "forum" / "demo_content" / "threads.json"]:
        walk(json.loads(path.read_text(encoding="utf-8")), None, "")
    return found


def text(rng: random.Random, words: list[str], length: int) -> str:
    """``length`` words made of runs of consecutive demo text (real phrases, real mix)."""
    out: list[str] = []
    while len(out) < length:
        run = rng.randint(8, 30)
        start = rng.randrange(len(words) - run)
        out += words[start : start + run]
    return " ".join(out[:length])


def documents(count: int, rng: random.Random):
    from django.utils import timezone

    from search.documents import Document

    source, now = corpus(), timezone.now()
    kinds, shares = list(KINDS), [share for share, _q, _b in KINDS.values()]
    topics = [(f"{n:032x}", name) for n, name in enumerate(["Orders", "Delivery", "Returns"])]
    for i in range(count):
        lang = LANGUAGES[i % len(LANGUAGES)]
        kind = rng.choices(kinds, shares)[0]
        _share, question, body = KINDS[kind]
        words = source[lang]["words"]
        title = rng.choice(source[lang]["titles"]).split()
        for _ in range(rng.randint(1, 3)):  # no two alike, still the demo's wording
            title[rng.randrange(len(title))] = rng.choice(words)
        topic, topic_title = rng.choice(topics)
        yield Document(
            key=f"bench:{i}",
            source=f"bench:{i}",
            language=lang,
            kind=kind,
            title=" ".join(title),
            url=f"/{lang}/bench/{i}/",
            question=text(rng, words, rng.randint(*question)),
            body=text(rng, words, rng.randint(*body)),
            topic=topic,
            topic_title=topic_title,
            solved=kind == "thread" and rng.random() < 0.5,
            official=kind == "thread" and rng.random() < 0.3,
            date=now - timedelta(days=rng.randint(0, 900)),
        )


def make_pages(docs) -> None:
    """Wagtail pages (topic pages: title + intro) holding the same text as ``docs``, made in
    bulk (tree paths computed here, as Wagtail's add_child would) and indexed by Wagtail."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    from kb.models import TopicPage

    locales = {code: Locale.objects.get_or_create(language_code=code)[0] for code in LANGUAGES}
    home = Page.get_first_root_node().add_child(instance=Page(title="Bench", slug="bench"))
    kind = ContentType.objects.get_for_model(TopicPage)
    pages = [
        Page(
            title=d.title,
            draft_title=d.title,
            slug=f"p{n}",
            content_type=kind,
            locale=locales[d.language],
            live=True,
            depth=home.depth + 1,
            numchild=0,
            path=Page._get_path(home.path, home.depth + 1, n + 1),
            url_path=f"{home.url_path}p{n}/",
        )
        for n, d in enumerate(docs)
    ]
    Page.objects.bulk_create(pages, batch_size=500)
    Page.objects.filter(pk=home.pk).update(numchild=len(pages))
    created = Page.objects.filter(depth=home.depth + 1, path__startswith=home.path)
    for page_id, d in zip(created.order_by("path").values_list("pk", flat=True), docs, strict=True):
        # Only the topic page's own row: as loaddata writes a multi-table child.
        TopicPage(page_ptr_id=page_id, intro=f"{d.question} {d.body}").save_base(raw=True)


def timed(call, inputs: list, warmup: int = WARMUP) -> dict:
    """Median and p95 of ``call(*item)`` over ``inputs`` (after a warm-up), and how many
    calls found something (``call`` returns a count)."""
    for item in inputs[:warmup]:
        call(*item)
    timings, answered = [], 0
    for item in inputs:
        start = time.perf_counter()
        answered += bool(call(*item))
        timings.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(timings, n=100, method="inclusive")[94]
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(p95, 2),
        "calls": len(inputs),
        "found_something": answered,
    }


def workload(rng: random.Random) -> tuple[list, list]:
    """200 queries as customers type them (the judged ones, then two or three words of a
    demo question, its filler words left out) and 200 suggest prefixes (a query cut while
    it is being typed)."""
    from search.analysis import STOP_WORDS

    judged = json.loads(JUDGMENTS.read_text(encoding="utf-8"))
    queries = [(item["query"], lang) for lang in LANGUAGES for item in judged[lang]]
    titles = corpus()
    while len(queries) < ROUNDS:
        lang = rng.choice(LANGUAGES)
        words = [w.strip('?.,:!()“”„"') for w in rng.choice(titles[lang]["titles"]).split()]
        words = [w.lower() for w in words if w and w.lower() not in STOP_WORDS[lang]]
        start = rng.randrange(max(1, len(words) - 1))
        queries.append((" ".join(words[start : start + rng.randint(2, 3)]), lang))
    rng.shuffle(queries)
    queries = queries[:ROUNDS]
    prefixes = [(q[: rng.randint(3, max(3, len(q)))], lang) for q, lang in queries]
    return queries, prefixes


def measure(docs: list, rng_seed: int, *, progress_label: str) -> dict:
    """Rebuild the database backend with ``docs`` and time the workload on it."""
    from tqdm import tqdm

    from search import analysis, api
    from search.backends.database import DatabaseBackend

    count = len(docs)
    for cached in (analysis.lemma, analysis.index_form, analysis.term, analysis.forms):
        cached.cache_clear()  # a cold rebuild, as `search_index rebuild` runs
    start = time.perf_counter()
    with tqdm(
        total=count, desc=f"  rebuild {progress_label}", unit="doc", leave=False, disable=None
    ) as bar:  # a bar on a terminal, nothing in a log
        indexed = DatabaseBackend().rebuild(
            (docs[n : n + 500] for n in range(0, count, 500)), progress=bar.update
        )
    rebuild_s = time.perf_counter() - start
    assert indexed == count, indexed
    # The same queries at every size.
    queries, prefixes = workload(random.Random(rng_seed))  # noqa: S311 - test data
    search = timed(lambda q, lang: api.search(q, lang).total, queries)
    suggest = timed(lambda q, lang: len(api.suggest(q, lang)), prefixes)
    return {
        "documents": count,
        "rebuild_s": round(rebuild_s, 2),
        "search": search,
        "suggest": suggest,
        "queries": queries,
    }


def peak_rss_mb() -> float:
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def arguments():
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "documents", nargs="?", type=int, default=None, help="(old form of --documents)"
    )
    parser.add_argument(
        "--documents",
        dest="size",
        type=int,
        default=10_000,
        metavar="N",
        help="the corpus to measure (default 10,000)",
    )
    parser.add_argument(
        "--baseline",
        type=int,
        default=10_000,
        metavar="N",
        help="when --documents is larger, also measure this many in the same run and report "
        "the ratio (default 10,000)",
    )
    parser.add_argument(
        "--no-wagtail", action="store_true", help="skip the comparison with Wagtail's search"
    )
    parser.add_argument(
        "--short", action="store_true", help="CI's quick mode: 1,000 and 3,000 documents"
    )
    args = parser.parse_args()
    if args.documents:
        args.size = args.documents
    if args.short:
        args.size, args.baseline = 3_000, 1_000
    return args


def _database_url(tmp: str) -> str:
    """SQLite in a temporary folder, or a fresh PostgreSQL database next to the one
    ``DATABASE_URL`` names (``<name>_bench_speed``), dropped and created here."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp}/speed.sqlite3"
    from urllib.parse import urlsplit, urlunsplit

    from bench import _server

    parts = urlsplit(url)
    bench_url = urlunsplit(parts._replace(path=f"{parts.path.rstrip('/')}_bench_speed"))
    _server.fresh_database(bench_url)
    return bench_url


def main() -> None:
    args = arguments()
    count = args.size
    started = time.perf_counter()
    rng = random.Random(2026)  # noqa: S311 - test data, not secrets
    with tempfile.TemporaryDirectory(prefix="bench-speed-") as tmp:
        _django.setup(_database_url(tmp), **_django.DATABASE_SEARCH_ONLY)
        from django.core.management import call_command
        from django.db import connection
        from wagtail.models import Locale, Page

        _django.migrate()
        vendor = connection.vendor
        docs = list(documents(max(count, args.baseline), rng))
        words = sum(len(f"{d.title} {d.question} {d.body}".split()) for d in docs)
        sizes = sorted({count, args.baseline} if args.baseline < count else {count})
        print(f"{vendor}: {len(docs)} synthetic documents, {words / len(docs):.0f} words each")

        runs = {}
        for size in sizes:  # the baseline first: the Wagtail comparison is made at it
            runs[size] = measure(docs[:size], 7, progress_label=f"{size}")
            print(
                f"  {size:>7} documents: rebuild {runs[size]['rebuild_s']} s, "
                f"search p95 {runs[size]['search']['p95_ms']} ms, "
                f"suggest p95 {runs[size]['suggest']['p95_ms']} ms"
            )
        queries = runs[sizes[0]].pop("queries")
        for run in runs.values():
            run.pop("queries", None)
        search, suggest = runs[count]["search"], runs[count]["suggest"]
        rebuild_s = runs[count]["rebuild_s"]

        wagtail, pages_s, wagtail_index_s = {}, 0.0, 0.0
        if not args.no_wagtail:
            base = docs[: sizes[0]]
            start = time.perf_counter()
            make_pages(base)
            pages_s = time.perf_counter() - start
            start = time.perf_counter()
            call_command("update_index", stdout=StringIO())
            wagtail_index_s = time.perf_counter() - start
            locales = {lang: Locale.objects.get(language_code=lang) for lang in LANGUAGES}

            def wagtail_search(query: str, lang: str) -> int:
                pages = Page.objects.live().public().filter(locale=locales[lang])
                return len(list(pages.search(query)[:10]))

            wagtail = timed(wagtail_search, queries, warmup=5)  # some take seconds

    result = {
        "database": vendor,
        "documents": count,
        "words_per_document": round(words / len(docs)),
        "rebuild_s": rebuild_s,
        "search": search,
        "suggest": suggest,
        "sizes": {str(size): run for size, run in runs.items()},
        "peak_rss_mb": peak_rss_mb(),
        "goals": {**GOALS, "rebuild_s": rebuild_goal_s(count)},
    }
    if len(sizes) > 1:
        small, large = runs[sizes[0]], runs[sizes[-1]]
        result["growth"] = {
            "documents": round(sizes[-1] / sizes[0], 1),
            "search_p95": round(large["search"]["p95_ms"] / small["search"]["p95_ms"], 2),
            "search_median": round(large["search"]["median_ms"] / small["search"]["median_ms"], 2),
            "suggest_p95": round(large["suggest"]["p95_ms"] / small["suggest"]["p95_ms"], 2),
            "rebuild": round(large["rebuild_s"] / max(small["rebuild_s"], 0.01), 2),
        }
    if wagtail:
        result.update(
            wagtail_search=wagtail,
            wagtail_pages=sizes[0],
            wagtail_pages_made_s=round(pages_s, 2),
            wagtail_update_index_s=round(wagtail_index_s, 2),
        )
        small = runs[sizes[0]]["search"]
        result["search_vs_wagtail"] = {
            k: round(small[k] / wagtail[k], 2) for k in ("median_ms", "p95_ms") if wagtail[k]
        }
    result["total_s"] = round(time.perf_counter() - started, 1)
    met = {
        "rebuild_s": rebuild_s <= rebuild_goal_s(count),
        "search_p95_ms": search["p95_ms"] <= GOALS["search_p95_ms"],
        "suggest_p95_ms": suggest["p95_ms"] <= GOALS["suggest_p95_ms"],
    }
    if "growth" in result:
        met["search_p95_growth"] = result["growth"]["search_p95"] <= GOALS["search_p95_growth"]
    result["goals_met"] = met
    ok = {True: "ok", False: "MISSED"}
    print(
        f"rebuild of {count} documents {rebuild_s:7.1f} s "
        f"(goal <= {rebuild_goal_s(count)} s: {ok[met['rebuild_s']]})"
    )
    shown = [("api.search", search, "search_p95_ms"), ("api.suggest", suggest, "suggest_p95_ms")]
    if wagtail:
        shown.append((f"wagtail@{sizes[0]}", wagtail, ""))
    for name, f, goal in shown:
        print(
            f"{name:<14} median {f['median_ms']:7.2f} ms   p95 {f['p95_ms']:7.2f} ms   found "
            f"something {f['found_something']}/{f['calls']}"
            + (goal and f"   (goal p95 <= {GOALS[goal]} ms: {ok[met[goal]]})")
        )
    if "growth" in result:
        g = result["growth"]
        print(
            f"{sizes[-1]} / {sizes[0]} documents (x{g['documents']}): "
            f"search p95 x{g['search_p95']}, median x{g['search_median']}, "
            f"suggest p95 x{g['suggest_p95']}, "
            f"rebuild x{g['rebuild']} (goal search p95 <= x{GOALS['search_p95_growth']}: "
            f"{ok[met['search_p95_growth']]})"
        )
    if wagtail:
        ratio = result["search_vs_wagtail"]
        print(
            f"api.search / wagtail at {sizes[0]}: median x{ratio.get('median_ms')}, "
            f"p95 x{ratio.get('p95_ms')} (ours also counts facets, spelling, hits)"
        )
    print(f"peak memory of this process {result['peak_rss_mb']} MB; total {result['total_s']} s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    out = RESULTS if vendor == "sqlite" else RESULTS.with_name(f"search_speed_{vendor}.json")
    out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
