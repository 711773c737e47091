"""Fault run (``make faults``): what happens to the app, served as in production, when the
things it depends on fail, each fault with its outcome checked.

Setup: a fresh PostgreSQL database (``helpcenter_faults`` unless told otherwise) with the
demo (a copy of the template ``make load`` keeps, when built from the same code), a real
OpenSearch node (``tests/engines``, built by ``make search-engines``; ``--engine emulator``
runs the Elasticsearch backend on noida-db instead) with the demo indexed, gunicorn with
production settings and Redis, and a real ``manage.py db_worker`` for the tasks (see
``bench/_server.py``). Then, in order:

1. **Search server stops mid-run.** Searches run continuously while the engine is killed;
   a member replies meanwhile. Checked: no 5xx or failed request, every search still shows
   results, the engine answered them before the kill and each one started after it says
   "reduced mode" (the database backend answered), ``/readyz`` is 200 and reports search
   unreachable, answered by the database.
   The engine comes back (same data folder), ``/readyz`` says so, and ``search_index
   reconcile`` brings it level: afterwards both indexes hold the same documents with the
   same fingerprints, ``search_index status`` counts agree, and the reply made during the
   outage is found through the engine.
2. **Task worker down.** With the worker stopped, members reply over HTTP. Checked: every
   save succeeds, its index tasks wait (``DBTaskResult`` READY) and the new words are not
   searchable yet; once the worker is back the backlog drains within ``--drain-timeout``
   seconds, no task fails, and every new reply is found.
3. **Concurrent votes and official marks.** 20 members vote the same reply helpful and two
   support staff mark two different replies official, all released at once (and checked to
   have been under way together; gunicorn runs enough threads). Checked: every request
   succeeds, the helpful count is exact (the earlier count plus 20, equal to the
   vote rows), the thread has one official answer, the one the later mark chose (each mark
   saw the one before it), and its page shows exactly one.

Prints each fault's outcome, writes ``bench/results/faults.json``, exits 1 if any check
failed. Servers are stopped and the temporary folder removed however the run ends.

    .venv/bin/python bench/faults.py [--voters 20] [--drain-timeout 60] [--engine emulator]
"""

import argparse
import json
import os
import re
import secrets
import string
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _server  # noqa: E402
from tests import engines  # noqa: E402

RESULT_FILE = _server.RESULTS / "faults.json"
REDUCED_MODE = '<p class="notice" role="status">'  # the search page's fallback notice
HIT = re.compile(r'<a class="result__title" href="([^"]+)"')
OFFICIAL_POST = re.compile(r'<article class="post[^"]*post--official')
SUPPORT_STAFF = "Support staff"


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=20, help="members voting at once")
    parser.add_argument(
        "--drain-timeout", type=float, default=60, help="seconds the task backlog may take"
    )
    parser.add_argument(
        "--engine",
        choices=["opensearch", "emulator"],
        default="opensearch",
        help="the search engine killed and brought back: a real OpenSearch node (make "
        "search-engines), or the Elasticsearch backend on the noida-db emulator",
    )
    _server.add_service_arguments(parser, name="faults", redis_db=6)
    return parser.parse_args()


class Fault:
    """One fault's checks and figures."""

    def __init__(self, name: str):
        self.name = name
        self.failures: list[str] = []
        self.figures: dict = {}

    def expect(self, condition: bool, message: str) -> bool:
        if not condition:
            self.failures.append(message)
        return condition

    @property
    def ok(self) -> bool:
        return not self.failures


class Run:
    """The servers of the run, the members, and the requests the checks make."""

    def __init__(self, env: dict, workdir: Path, search_server: engines.Service):
        self.env, self.workdir, self.search_server = env, workdir, search_server
        self.engine = env["SEARCH_ENGINE"]
        self.base_url = env["BASE_URL"]
        self.app = _server.gunicorn(env, workdir / "gunicorn.log")
        self.worker = _server.task_worker(env, workdir / "worker.log")
        self.members: dict[str, list] = {}
        self.password = ""
        self._addresses = iter(range(1, 60_000))
        self._address_lock = threading.Lock()

    def services(self) -> list:
        return [self.worker, self.app, self.search_server]

    def browser(self):
        with self._address_lock:
            n = next(self._addresses)
        return _server.Browser(self.base_url, _server.visitor_address(n))

    def signed_in(self, user):
        browser = self.browser()
        browser.sign_in(user.email, self.password)
        return browser

    def start_search_server(self) -> None:
        self.search_server.start()
        self.search_server.wait_until_answering()

    def readyz(self) -> tuple[int, dict]:
        response = self.browser().get("/readyz")
        return response.status_code, response.json()

    def search(self, query: str, lang: str = "en") -> tuple[int, list[str], bool]:
        """Status, hit addresses and whether the page says it is in reduced mode."""
        response = self.browser().get(f"/{lang}/search/?{urlencode({'q': query})}")
        return response.status_code, HIT.findall(response.text), REDUCED_MODE in response.text

    def reply(self, member, thread, body: str) -> int:
        form = f"/{thread.language}/forum/t/{thread.pk}/reply/"
        page = member.get(form)
        token = member.csrf_token(page.text)
        data = {"csrfmiddlewaretoken": token, "body": body}
        return member.post(form, data, form_page=form).status_code


def unique_word() -> str:
    """A made-up word no document uses, so finding it means finding the new reply."""
    return "zq" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))


def open_threads(count: int, language: str | None = "en") -> list:
    """Threads anyone may answer (in ``language``, or any), oldest first."""
    from forum.models import Thread
    from forum.models.threads import Visibility

    threads = Thread.objects.filter(
        visibility=Visibility.VISIBLE, merged_into=None, is_locked=False
    )
    if language:
        threads = threads.filter(language=language)
    return list(threads.order_by("pk")[:count])


def index_difference() -> dict:
    """Per index, how many sources differ from the database backend's table (missing, stale
    or extra), and documents per language."""
    from search.tasks import backends

    database, engine = backends()
    wanted, actual = database.sources(), engine.sources()
    differing = {s for s in wanted.keys() | actual.keys() if wanted.get(s) != actual.get(s)}
    return {
        "differing_sources": len(differing),
        "database": database.counts(),
        engine.name: engine.counts(),
    }


# --- 1. the search server stops ----------------------------------------------------------


def search_outage(run: Run) -> Fault:
    fault = Fault("search server stops mid-run, comes back, reconcile")
    judged = json.loads((ROOT / "bench" / "search_judgments.json").read_text(encoding="utf-8"))
    queries = [(lang, item["query"]) for lang in ("en", "tr", "de") for item in judged[lang]]
    seen: list[dict] = []
    stop = threading.Event()

    def searcher(offset: int) -> None:
        n = offset
        while not stop.is_set():
            lang, query = queries[n % len(queries)]
            n += 2
            started = time.monotonic()
            try:
                status, hits, reduced = run.search(query, lang)
                ended = time.monotonic()
                suggest = (
                    run.browser()
                    .get(f"/{lang}/search/suggest/?{urlencode({'q': query[:4]})}")
                    .status_code
                )
            except Exception as exc:  # noqa: BLE001 - a failed request is an outcome
                status, hits, reduced, suggest = exc.__class__.__name__, [], False, None
                ended = time.monotonic()
            seen.append(
                {
                    "at": started,
                    "ended": ended,
                    "query": query,
                    "status": status,
                    "hits": len(hits),
                    "reduced": reduced,
                    "suggest": suggest,
                    "ms": round((ended - started) * 1000),
                }
            )

    searchers = [threading.Thread(target=searcher, args=(n,)) for n in range(2)]
    for thread in searchers:
        thread.start()
    try:
        time.sleep(3)
        killing = time.monotonic()
        run.search_server.stop(kill=True)
        killed = time.monotonic()
        word = unique_word()
        thread = open_threads(1)[0]
        status = run.reply(run.members["writers"][0], thread, f"Found it: {word} helped.")
        replied = time.monotonic()
        fault.expect(status == 302, f"a reply during the outage answered {status}")
        time.sleep(4)
        _server.wait_until(
            lambda: not run.readyz()[1]["search"]["reachable"],
            timeout=15,
            what="/readyz to report the search server down",
        )
        code, ready = run.readyz()
        fault.figures["readyz_during_outage"] = ready
        fault.figures["readyz_noticed_after_s"] = round(time.monotonic() - killed, 1)
        fault.expect(code == 200, f"/readyz answered {code} with search down (must stay 200)")
        fault.expect(
            ready["search"] == {"backend": run.engine, "reachable": False, "answering": "database"},
            f"/readyz search during the outage: {ready['search']}",
        )
        restarted = time.monotonic()
        run.start_search_server()
        _server.wait_until(
            lambda: run.readyz()[1]["search"]["reachable"],
            timeout=20,
            what="/readyz to report the search server back",
        )
        fault.figures["back_after_s"] = round(time.monotonic() - restarted, 1)
        time.sleep(2)
    finally:
        stop.set()
        for searcher_thread in searchers:
            searcher_thread.join()

    # A search under way at the kill may have been answered either way.
    before = [s for s in seen if s["ended"] < killing]
    during = [s for s in seen if killed < s["at"] < restarted]
    failed = [s for s in seen if s["status"] != 200 or s["suggest"] != 200]
    empty = [s for s in seen if s["status"] == 200 and not s["hits"]]
    answered_by_engine = sum(not s["reduced"] for s in before)
    fault.figures.update(
        searches=len(seen),
        answered_by_engine_before_kill=answered_by_engine,
        before_kill=len(before),
        during_outage=len(during),
        failed=len(failed),
        without_results=len(empty),
        slowest_during_outage_ms=max((s["ms"] for s in during), default=None),
    )
    fault.expect(not failed, f"{len(failed)} searches failed, e.g. {failed[:3]}")
    fault.expect(not empty, f"{len(empty)} searches showed no results, e.g. {empty[:3]}")
    fault.expect(
        # The engine answered before (a slow answer may fall back: the machine is shared).
        answered_by_engine >= 0.9 * len(before) > 0,
        f"before the kill, {run.engine} answered {answered_by_engine} of {len(before)} searches",
    )
    fault.expect(
        during and all(s["reduced"] for s in during),
        "during the outage, not every search said results may be incomplete",
    )

    from search.tasks import RETRY_DELAYS

    stale = index_difference()
    fault.figures["before_reconcile"] = stale
    if time.monotonic() - replied < RETRY_DELAYS[0]:
        # The outage's reply reached the database's index only; the task's own retry (which
        # would also fix it) is not due yet, so this difference is reconcile's to fix.
        fault.expect(
            stale["differing_sources"] >= 1,
            f"the reply made during the outage is already in {run.engine}: nothing to reconcile",
        )
    output = _server.manage(run.env, "search_index", "reconcile", log=run.workdir / "run.log")
    fault.figures["reconcile"] = [line for line in output.splitlines() if "already right" in line]
    level = index_difference()
    fault.figures["after_reconcile"] = level
    fault.expect(
        level["differing_sources"] == 0,
        f"after reconcile {level['differing_sources']} sources still differ",
    )
    status_lines = _server.manage(run.env, "search_index", "status", log=run.workdir / "run.log")
    counts = dict(re.findall(rf"^\s+(database|{run.engine}): (.+)$", status_lines, re.M))
    fault.figures["status"] = counts
    fault.expect(
        counts.get("database") and counts.get("database") == counts.get(run.engine),
        f"search_index status counts differ: {counts}",
    )
    code, hits, reduced = run.search(word)
    fault.expect(
        code == 200 and thread.get_absolute_url() in hits and not reduced,
        f"the reply made during the outage is not found through {run.engine} "
        f"({code}, {hits}, reduced={reduced})",
    )
    return fault


# --- 2. the task worker is down ----------------------------------------------------------


def worker_down(run: Run, drain_timeout: float) -> Fault:
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    fault = Fault("task worker down, then back")
    run.worker.stop()
    since = timezone.now()
    threads = open_threads(4)[1:]
    words = {}
    for member, thread in zip(run.members["writers"][1:], threads, strict=True):
        word = unique_word()
        status = run.reply(member, thread, f"What worked for me: {word}.")
        fault.expect(status == 302, f"a reply with the worker down answered {status}")
        words[word] = thread.get_absolute_url()
    time.sleep(2)  # nothing may pick them up
    queued = DBTaskResult.objects.filter(enqueued_at__gte=since)
    waiting = queued.ready().count()
    indexing = queued.ready().filter(task_path="search.tasks.update_source").count()
    fault.figures.update(saves=len(words), tasks_waiting=waiting, index_tasks_waiting=indexing)
    fault.expect(indexing >= len(words), f"{indexing} index tasks waiting for {len(words)} saves")
    for word, url in words.items():
        code, hits, _reduced = run.search(word)
        fault.expect(
            code == 200 and url not in hits, f"{word} was searchable before the worker ran ({code})"
        )

    restarted = time.monotonic()
    run.worker.start()

    def drained() -> bool:
        return not (queued.ready().exists() or queued.running().exists())

    try:
        _server.wait_until(
            drained, timeout=drain_timeout, what="the task backlog to drain", service=run.worker
        )
    except SystemExit as exc:
        fault.expect(False, str(exc).splitlines()[0])
    fault.figures["drained_in_s"] = round(time.monotonic() - restarted, 1)
    failed = list(queued.failed().values_list("task_path", "exception_class_path"))
    fault.figures["failed_tasks"] = len(failed)
    fault.expect(not failed, f"tasks failed: {failed[:3]}")
    for word, url in words.items():
        code, hits, _reduced = run.search(word)
        fault.expect(code == 200 and url in hits, f"{word} not found after the backlog drained")
    return fault


# --- 3. concurrent voters and staff ------------------------------------------------------


def concurrent_marks(run: Run) -> Fault:
    from forum.models import ModerationLog, Post, Thread, Vote
    from forum.models.threads import Visibility

    fault = Fault(f"{len(run.members['voters'])} voters and 2 staff at once")
    # The thread with the most answers; the staff race to mark two that are not official yet.
    thread = max(open_threads(100, language=None), key=lambda t: t.reply_count)
    first, second = (
        thread.posts.filter(is_question=False, visibility=Visibility.VISIBLE)
        .exclude(pk=thread.official_answer_id or 0)
        .order_by("pk")[:2]
    )
    previous_official = thread.official_answer_id
    helpful_before = first.helpful_count
    logged_before = ModerationLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    path = thread.get_absolute_url()
    lang = thread.language

    with ThreadPoolExecutor(4) as pool:  # a sign-in hashes a password: a few at a time
        voters = list(pool.map(run.signed_in, run.members["voters"]))
        staff = list(pool.map(run.signed_in, run.members["staff"]))
    actions = [(b, f"/{lang}/forum/p/{first.pk}/vote/", {"value": "helpful"}) for b in voters]
    actions += [
        (staff[0], f"/{lang}/forum/p/{first.pk}/official/", {}),
        (staff[1], f"/{lang}/forum/p/{second.pk}/official/", {}),
    ]
    tokens = [b.csrf_token(b.get(path).text) for b, _url, _data in actions]  # as the page gives
    barrier = threading.Barrier(len(actions))

    spans: list[tuple[float, float]] = []

    def act(n: int):
        browser, url, data = actions[n]
        barrier.wait()
        started = time.monotonic()
        try:
            return browser.post(url, {**data, "csrfmiddlewaretoken": tokens[n]}, form_page=path)
        except Exception as exc:  # noqa: BLE001 - a failed request is an outcome
            return exc
        finally:
            spans.append((started, time.monotonic()))

    with ThreadPoolExecutor(len(actions)) as pool:
        responses = list(pool.map(act, range(len(actions))))
    statuses = [getattr(r, "status_code", r.__class__.__name__) for r in responses]
    # How many requests were under way together (all of them, if the race really raced).
    in_flight = max(sum(s <= start < e for s, e in spans) for start, _end in spans)
    fault.figures["statuses"] = {str(s): statuses.count(s) for s in set(statuses)}
    fault.figures["in_flight_at_once"] = in_flight
    fault.figures["slowest_ms"] = round(max(e - s for s, e in spans) * 1000)
    fault.expect(all(s == 302 for s in statuses), f"not every request succeeded: {statuses}")
    fault.expect(
        in_flight >= len(actions) // 2,
        f"only {in_flight} of {len(actions)} requests were under way together",
    )

    post = Post.objects.get(pk=first.pk)
    rows = Vote.objects.filter(post=first, value=Vote.HELPFUL).count()
    expected = helpful_before + len(voters)
    fault.figures.update(
        helpful_before=helpful_before, helpful_after=post.helpful_count, helpful_vote_rows=rows
    )
    fault.expect(
        post.helpful_count == expected == rows,
        f"helpful count {post.helpful_count}, vote rows {rows}, expected {expected}",
    )

    thread = Thread.objects.get(pk=thread.pk)
    marks = list(
        ModerationLog.objects.filter(
            thread=thread, action=ModerationLog.Action.OFFICIAL, pk__gt=logged_before
        )
        .order_by("pk")
        .values("post_id", "details")
    )
    fault.figures.update(
        official_before=previous_official,
        official_answer=thread.official_answer_id,
        marks=[(m["post_id"], m["details"].get("replaced")) for m in marks],
    )
    fault.expect(len(marks) == 2, f"{len(marks)} official marks logged, expected 2")
    if len(marks) == 2:
        fault.expect(
            marks[0]["details"].get("replaced") == previous_official
            and marks[1]["details"].get("replaced") == marks[0]["post_id"]
            and thread.official_answer_id == marks[1]["post_id"],
            f"the marks did not follow each other: {marks}, official {thread.official_answer_id}",
        )
    shown = len(OFFICIAL_POST.findall(run.browser().get(path).text))
    fault.figures["official_answers_shown"] = shown
    fault.expect(shown == 1, f"the thread page shows {shown} official answers")
    return fault


# --- the run -----------------------------------------------------------------------------


def main() -> int:
    args = arguments()
    _server.stop_on_sigterm()
    started = time.perf_counter()
    faults: list[Fault] = []
    with tempfile.TemporaryDirectory(prefix="helpcenter-faults-") as tmp:
        workdir = Path(tmp)
        if args.engine == "emulator":
            engine, search_server = "elasticsearch", engines.emulator(workdir / "noida")
        else:
            if reason := engines.opensearch_missing():
                raise SystemExit(f"faults: {reason} (or --engine emulator)")
            engine, search_server = "opensearch", engines.opensearch(workdir / "opensearch")
        port = _server.free_port()
        env = _server.app_env(
            database_url=args.database_url,
            redis_url=args.redis_url,
            workdir=workdir,
            port=port,
            search_engine=engine,
            search_url=search_server.url,
            # every voter and both staff inside the app at once
            workers=2,
            threads=max(4, (args.voters + 3) // 2),
        )
        run = Run(env, workdir, search_server)
        try:
            print(f"Preparing {args.database_url.rsplit('/', 1)[-1]}: {engine}, migrate, demo")
            run.start_search_server()
            _server.prepare_database(env, workdir / "run.log")
            _server.flush_redis(args.redis_url)
            os.environ.update(env)
            import django

            django.setup()
            run.password = secrets.token_urlsafe(16)
            voters = _server.make_members("fault-voter", args.voters, password=run.password)
            staff = _server.make_members(
                "fault-staff", 2, password=run.password, group=SUPPORT_STAFF
            )
            writers = _server.make_members("fault-writer", 4, password=run.password)
            print(f"Serving with gunicorn, PostgreSQL, Redis, {engine} and the task worker")
            run.app.start()
            run.worker.start()
            _server.wait_until(
                lambda: run.readyz()[1]["search"]["reachable"],
                timeout=120,
                what="gunicorn and search",
                service=run.app,
            )
            with ThreadPoolExecutor(4) as pool:
                run.members = {
                    "voters": voters,
                    "staff": staff,
                    "writers": list(pool.map(run.signed_in, writers)),
                }

            for name, step in (
                ("search", lambda: search_outage(run)),
                ("worker", lambda: worker_down(run, args.drain_timeout)),
                ("concurrency", lambda: concurrent_marks(run)),
            ):
                print(f"Fault: {name} ...", flush=True)
                try:
                    faults.append(step())
                except Exception as exc:  # noqa: BLE001 - report it as this fault's outcome
                    fault = Fault(name)
                    fault.expect(False, f"{exc.__class__.__name__}: {exc}")
                    faults.append(fault)
                if not run.app.running:
                    faults[-1].expect(False, f"gunicorn died:\n{run.app.log_tail()}")
                    break
        finally:
            for service in run.services():
                service.stop()
    return report(faults, time.perf_counter() - started)


def report(faults: list[Fault], total: float) -> int:
    print()
    for fault in faults:
        print(f"{'ok    ' if fault.ok else 'FAILED'} {fault.name}")
        for key, value in fault.figures.items():
            print(f"         {key}: {value}")
        for failure in fault.failures:
            print(f"         ! {failure}")
    ok = len(faults) == 3 and all(f.ok for f in faults)
    result = {
        "faults": [
            {"name": f.name, "ok": f.ok, "failures": f.failures, **f.figures} for f in faults
        ],
        "ok": ok,
        "total_s": round(total, 1),
    }
    _server.RESULTS.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    print(f"total {total:.0f} s; written: {RESULT_FILE.relative_to(ROOT)}")
    print("ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
