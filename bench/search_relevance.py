"""Search relevance benchmark: the judged queries of ``bench/search_judgments.json`` against
the demo content, for our search (``search.api``, database backend; Elasticsearch too with
``--elasticsearch URL`` or ``--with-emulator``) and for Wagtail's built-in page search.

For each query: the rank (1-10) of the expected document; per language hit@1, hit@5 and
MRR@10. Wagtail finds pages, not single FAQ questions, so a Wagtail hit counts when the
expected URL starts with the page's URL (an easier, page-level task); our results are also
scored that way ("page level") to compare like with like. Forum threads are not Wagtail
pages: Wagtail can never find those. Writes ``bench/results/search_relevance.json``.

    .venv/bin/python bench/search_relevance.py [--with-emulator | --elasticsearch URL]
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
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
            common = {"query": item["query"], "expected": item["expected"], "top": urls[:3],
                      "total": results.total, "fell_back": results.fell_back}  # fmt: skip
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
            out[lang].append({"query": item["query"], "expected": item["expected"],
                              "top": urls[:3], "rank": rank})  # fmt: skip
    return out


def start_emulator(data: Path) -> tuple[subprocess.Popen, str]:
    """noida-db's Elasticsearch on a free loopback port, in its own process group."""
    executable = shutil.which("noida-db") or str(Path(sys.executable).parent / "noida-db")
    if not os.path.exists(executable):
        raise SystemExit("--with-emulator: noida-db is not installed (requirements/dev.txt)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = open(data / "server.log", "w")  # noqa: SIM115 - open for the server's lifetime
    process = subprocess.Popen(  # noqa: S603 - our own pinned executable, fixed arguments
        [executable, "start", "--only", "elasticsearch", "--host", "127.0.0.1",
         "--elasticsearch-port", str(port), "--data-dir", str(data)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - loopback only
                return process, url
        except OSError:
            if process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.2)
                continue
        os.killpg(process.pid, signal.SIGKILL)
        raise SystemExit("noida-db did not start: " + (data / "server.log").read_text())


def run_elasticsearch(url: str, judged: dict, full: dict) -> dict:
    """Index the demo into Elasticsearch (under a prefix of its own) and search it."""
    from django.conf import settings
    from django.core.management import call_command

    from search import api

    prefix = f"bench-{uuid.uuid4().hex[:10]}"
    settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_INDEX_PREFIX = url, prefix
    settings.ELASTICSEARCH_TIMEOUT = 10
    api.reset_backend()
    try:
        call_command("search_index", "rebuild", stdout=StringIO())
        rows = run_ours(judged, full)[0]
        if any(r["fell_back"] for by_lang in rows.values() for r in by_lang):
            raise SystemExit(f"{url} did not answer every query: the database fell back")
        return rows
    finally:  # remove our indexes, by name (Elasticsearch 8 refuses wildcard deletes)
        backend = api.get_backend()
        for alias in map(backend.alias, LANGUAGES):
            if backend.client.indices.exists_alias(name=alias):
                names = backend.client.indices.get_alias(name=alias)
                backend.client.indices.delete(index=",".join(names))
        settings.ELASTICSEARCH_URL = ""
        api.reset_backend()


def report(engines: dict, notes: list[str]) -> None:
    print(f"\n{'engine':<28}{'lang':<6}{'n':>4}{'hit@1':>8}{'hit@5':>8}{'MRR@10':>8}")
    for name, by_lang in engines.items():
        for lang, rows in by_lang.items():
            s = scores(rows)
            print(f"{name:<28}{lang:<6}{s['queries']:>4}"
                  f"{s['hit@1']:>8.2f}{s['hit@5']:>8.2f}{s['mrr@10']:>8.2f}")  # fmt: skip
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
    args = parser.parse_args()
    started = time.perf_counter()
    timings = {}
    judged = json.loads(JUDGMENTS.read_text(encoding="utf-8"))
    judged = {lang: judged[lang] for lang in LANGUAGES}
    with tempfile.TemporaryDirectory(prefix="bench-relevance-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/relevance.sqlite3"
        # The demo is indexed by the database backend only, in this process, in memory.
        os.environ.update(ELASTICSEARCH_URL="", TASKS_BACKEND="immediate", REDIS_URL="")
        os.environ.setdefault("DJANGO_ENV", "test")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "site_config.settings")
        import django

        django.setup()
        from django.core.management import call_command

        mark = time.perf_counter()
        call_command("migrate", verbosity=0)
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
        mark = time.perf_counter()
        engines["wagtail (page level)"] = run_wagtail(judged, full)
        engines["wagtail OR (page level)"] = run_wagtail(judged, full, operator="or")
        timings["wagtail_s"] = time.perf_counter() - mark

        url, emulator = args.elasticsearch, None
        if args.with_emulator and not url:
            (Path(tmp) / "noida").mkdir()
            emulator, url = start_emulator(Path(tmp) / "noida")
        try:
            if url:
                mark = time.perf_counter()
                name = "elasticsearch (emulator)" if emulator else "elasticsearch"
                engines[name] = run_elasticsearch(url, judged, full)
                timings["elasticsearch_s"] = time.perf_counter() - mark
        finally:
            if emulator:  # the whole group: the launcher leaves its server running otherwise
                os.killpg(emulator.pid, signal.SIGTERM)
                try:
                    emulator.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.killpg(emulator.pid, signal.SIGKILL)

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
