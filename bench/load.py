"""Load run (``make load``): the app as production runs it, under a mixed load from a second
process, bounded in requests and seconds.

The run makes a fresh PostgreSQL database (dropped and created: ``helpcenter_load`` unless
told otherwise) with the migrations and the demo (a copy of ``helpcenter_bench_template``
when that was built from the same code: ``bench/_server.prepare_database``), collects the
static files into a temporary folder, starts S3Proxy (``tests/s3``) with two buckets for the
uploads, and serves with two gunicorn instances (``deploy/gunicorn.conf.py``, a free
loopback port each, media folders of their own; Redis for the cache, sessions and rate
limits; the database task backend with its worker). The visitors reach them through a
balancer without sticky sessions (``bench/_instances.py``): each request goes to the next
instance. See ``bench/_server.py`` for the two concessions plain HTTP on loopback needs.

Before serving, one English article is rendered once (which fills its cache) and its bytes
are written among the static files, so the same server sends the same bytes once as a page
and once through WhiteNoise. Then threads in this process, each a visitor after visitor,
drive the mix below: article reads, that cached article and its static copy, searches
(the judged queries of ``bench/search_judgments.json``, en/tr/de), suggestions (those
queries cut while being typed), thread reads, and replies by signed-in members (the reply
form first, for its CSRF token, as a browser does). Members post within the production
limits (``FORUM_POST_LIMITS``), each at most one less per window than allowed.

After the load, ``bench/_instances.check_shared`` shows what the instances share, each
thing asked through one and then the other: sessions, rate limits, page-cache generations,
uploaded files (one sent through the first is served by the second).

Reported per kind: count, median, p95, errors; requests per second; the ratio of the cached
article's median to its static copy's under the load (goal <= 2), and the same ratio one
request at a time after it (what the page costs beyond its bytes, without queueing). Fails
(exit 1) on any error (5xx, a connection error, any status but the one expected), on a
reply that was not stored, on an article read whose view was not counted, or when either
ratio is over ``--max-ratio``, or when the instances do not share one of those things.
Writes ``bench/results/load.json``. Servers are stopped and the temporary folder removed
however the run ends (SIGTERM included).

    .venv/bin/python bench/load.py [--requests 1500] [--seconds 60] [--concurrency 8]
        [--instances 2] [--workers 1] [--threads 4]
"""

import argparse
import json
import math
import os
import random
import secrets
import sys
import tempfile
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import _instances, _server  # noqa: E402

RESULT_FILE = _server.RESULTS / "load.json"
LANGUAGES = ("en", "tr", "de")
# Share of the visitors' actions. A reply is two requests: its form, then the POST.
MIX = {
    "article": 0.28,
    "cached_article": 0.09,
    "static_copy": 0.09,
    "search": 0.20,
    "suggest": 0.16,
    "thread": 0.15,
    "post": 0.03,
}
EXPECTED_STATUS = {"post": 302}  # every other kind: 200
REQUESTS_PER_ACTION = {kind: 2 if kind == "post" else 1 for kind in MIX}
STATIC_COPY = "bench/cached-article.html"  # under STATIC_ROOT
VISITORS = 500  # distinct addresses; keeps each under the per-address search limit
REPLIES = {
    "en": [
        "Same here, the steps above worked for me. Thanks!",
        "I had this too; checking the order page again fixed it.",
    ],
    "tr": [
        "Bende de aynısı oldu, yukarıdaki adımlar işe yaradı. Teşekkürler!",
        "Sipariş sayfasını tekrar kontrol edince düzeldi.",
    ],
    "de": [
        "Bei mir genauso, die Schritte oben haben geholfen. Danke!",
        "Hatte ich auch; nach einem Blick auf die Bestellseite ging es.",
    ],
}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1500, help="at most this many")
    parser.add_argument("--seconds", type=float, default=60, help="at most this long")
    parser.add_argument("--concurrency", type=int, default=8, help="visitors at once")
    parser.add_argument(
        "--max-ratio",
        type=float,
        default=2.0,
        help="cached article median / static copy median may not exceed this",
    )
    _server.add_service_arguments(parser, name="load", redis_db=5)
    parser.add_argument(
        "--instances", type=int, default=2, help="app instances behind the balancer (2+)"
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="gunicorn worker processes per instance"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if args.instances < 2:
        parser.error("--instances: at least 2 (the run shows what they share)")
    return args


# --- what the visitors ask for -----------------------------------------------------------


def site_content() -> dict:
    """Addresses to visit and words to search, read from the demo in the database."""
    from django.conf import settings
    from wagtail.models import Page

    from forum.models import Thread
    from forum.models.threads import Visibility
    from kb.models import FaqPage, HowToVideoPage, PolicyPage

    articles = [
        page.url
        for page in Page.objects.live().public().type(FaqPage, HowToVideoPage, PolicyPage)
        if page.url
    ]
    cached = FaqPage.objects.live().filter(locale__language_code="en").order_by("path").first()
    visible = Thread.objects.filter(visibility=Visibility.VISIBLE, merged_into=None)
    threads = [(thread.pk, thread.language, thread.get_absolute_url()) for thread in visible]
    open_ids = set(visible.filter(is_locked=False).values_list("pk", flat=True))
    judged = json.loads((ROOT / "bench" / "search_judgments.json").read_text(encoding="utf-8"))
    queries = [(lang, item["query"]) for lang in LANGUAGES for item in judged[lang]]
    return {
        "articles": sorted(articles),
        "cached_article": cached.url,
        "threads": threads,
        "open_threads": [t for t in threads if t[0] in open_ids],
        "queries": queries,
        "post_limits": settings.FORUM_POST_LIMITS,
    }


class Action(NamedTuple):
    kind: str
    lang: str
    path: str
    thread: str = ""  # a reply's thread, read instead when no member may post now


def plan(content: dict, count: int, rng: random.Random) -> list[Action]:
    """``count`` actions in a random order, drawn by ``MIX``."""
    from urllib.parse import urlencode

    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
    actions = []
    for kind in kinds:
        if kind == "article":
            path = rng.choice(content["articles"])
            actions.append((kind, path.split("/")[1], path))
        elif kind == "cached_article":
            actions.append((kind, "en", content["cached_article"]))
        elif kind == "static_copy":
            actions.append((kind, "en", f"/static/{STATIC_COPY}"))
        elif kind in ("search", "suggest"):
            lang, query = rng.choice(content["queries"])
            if kind == "search":
                actions.append((kind, lang, f"/{lang}/search/?{urlencode({'q': query})}"))
            else:  # cut while typing, at least 3 characters
                typed = query[: rng.randint(3, max(3, len(query)))]
                actions.append((kind, lang, f"/{lang}/search/suggest/?{urlencode({'q': typed})}"))
        elif kind == "thread":
            _pk, lang, path = rng.choice(content["threads"])
            actions.append((kind, lang, path))
        else:
            pk, lang, path = rng.choice(content["open_threads"])
            actions.append((kind, lang, f"/{lang}/forum/t/{pk}/reply/", path))
    return [Action(*action) for action in actions]


class Members:
    """Signed-in members who reply, each used by one thread at a time and kept one post
    under every limit window of ``FORUM_POST_LIMITS`` (fixed windows, as the app counts)."""

    def __init__(self, browsers: list, limits: list[tuple[int, int]]):
        self.free = list(browsers)
        self.limits = limits
        self.posted: dict[tuple[int, int, int], int] = defaultdict(int)
        self.lock = threading.Lock()

    def _windows(self, member: int, now: float):
        return [(member, period, int(now // period)) for _count, period in self.limits]

    def take(self):
        """A member who may post now, or None."""
        now = time.time()
        with self.lock:
            for browser in self.free:
                windows = self._windows(id(browser), now)
                if all(
                    self.posted[w] < count - 1
                    for w, (count, _p) in zip(windows, self.limits, strict=True)
                ):
                    self.free.remove(browser)
                    for window in windows:
                        self.posted[window] += 1
                    return browser
        return None

    def give_back(self, browser) -> None:
        with self.lock:
            self.free.append(browser)


# --- the run -----------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.examples: list[str] = []
        self.requests = 0
        self.posts_stored = 0
        self.posts_skipped = 0
        self.views = 0
        self.lock = threading.Lock()

    def reads(self) -> int:
        """Article pages answered (each counts a view)."""
        return sum(
            len(self.timings[kind]) - self.errors.get(kind, 0)
            for kind in ("article", "cached_article")
        )

    def add(self, kind: str, started: float, response=None, error: str = "") -> None:
        elapsed = (time.perf_counter() - started) * 1000
        expected = EXPECTED_STATUS.get(kind, 200)
        if not error and response.status_code != expected:
            error = f"{response.status_code} (expected {expected}) for {response.url}"
        with self.lock:
            self.requests += 1
            self.timings[kind].append(elapsed)
            if error:
                self.errors[kind] += 1
                if len(self.examples) < 20:
                    self.examples.append(f"{kind}: {error}")


def visit(browser, members: Members, action: Action, rng, recorder: Recorder) -> None:
    kind, path = action.kind, action.path
    address = _server.visitor_address(rng.randrange(1, VISITORS))
    if kind == "post":
        member = members.take()
        if member is None:  # every member is at a limit: read the thread instead
            with recorder.lock:
                recorder.posts_skipped += 1
            kind, path = "thread", action.thread
        else:
            try:
                reply(member, action.lang, path, rng, recorder)
            finally:
                members.give_back(member)
            return
    started = time.perf_counter()
    try:
        response = browser.get(path, address=address)
    except Exception as exc:  # noqa: BLE001 - any failure to get an answer is an error
        recorder.add(kind, started, error=f"{exc.__class__.__name__} for {path}")
    else:
        recorder.add(kind, started, response)


def reply(member, lang: str, form_path: str, rng: random.Random, recorder: Recorder) -> None:
    started = time.perf_counter()
    try:
        form = member.get(form_path)
        recorder.add("reply_form", started, form)
        if form.status_code != 200:
            return
        body = f"{rng.choice(REPLIES[lang])} ({rng.randrange(10**6)})"
        data = {"csrfmiddlewaretoken": member.csrf_token(form.text), "body": body}
        started = time.perf_counter()
        response = member.post(form_path, data, form_page=form_path)
    except Exception as exc:  # noqa: BLE001 - any failure to get an answer is an error
        recorder.add("post", started, error=f"{exc.__class__.__name__} for {form_path}")
        return
    recorder.add("post", started, response)
    if response.status_code == 302:
        with recorder.lock:
            recorder.posts_stored += 1


def drive(instances: list[str], actions: list, members: Members, args, seed: int) -> tuple:
    recorder = Recorder()
    # A reply is two requests; an action is taken only if all of its requests fit.
    queue = iter(actions)
    queue_lock = threading.Lock()
    issued = 0
    deadline = time.monotonic() + args.seconds

    def client(n: int) -> None:
        nonlocal issued
        browser = _instances.Balancer(instances, _server.visitor_address(n))
        rng = random.Random(seed + n)  # noqa: S311 - test data, not secrets
        while time.monotonic() < deadline:
            with queue_lock:
                action = next(queue, None)
                if action is None or issued + REQUESTS_PER_ACTION[action.kind] > args.requests:
                    return
                issued += REQUESTS_PER_ACTION[action.kind]
            visit(browser, members, action, rng, recorder)

    # Daemons: a run stopped by a signal must not wait for them.
    clients = [
        threading.Thread(target=client, args=(n,), daemon=True) for n in range(args.concurrency)
    ]
    started = time.perf_counter()
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    return recorder, time.perf_counter() - started


def warm_up(instances: list[str], content: dict) -> None:
    """Each worker's first requests (imports, templates, connections) are not the steady
    state: read every article once through each instance (which also fills their caches),
    and search a little. Any answer but 200 stops the run here."""
    from urllib.parse import urlencode

    paths = [*content["articles"], f"/static/{STATIC_COPY}"]
    paths += [t[2] for t in content["threads"][:10]]
    paths += [f"/{lang}/search/?{urlencode({'q': q})}" for lang, q in content["queries"][::15]]
    local = threading.local()
    visits = [(path, via) for via in range(len(instances)) for path in paths]

    def get(visit: tuple[str, int]) -> int:
        if not hasattr(local, "browser"):
            address = _server.visitor_address(VISITORS + 1)
            local.browser = _instances.Balancer(instances, address)
        path, via = visit
        return local.browser.get(path, via=via).status_code

    with ThreadPoolExecutor(4) as pool:
        failed = [
            (visit, code)
            for visit, code in zip(visits, pool.map(get, visits), strict=True)
            if code != 200
        ]
    if failed:
        raise SystemExit(f"warming up, {len(failed)} pages failed: {failed[:5]}")


def stats(recorder: Recorder) -> dict:
    out = {}
    for kind in [*MIX, "reply_form"]:
        timings = recorder.timings.get(kind, [])
        if kind == "post" or timings:
            out[kind] = {
                "count": len(timings),
                "p50_ms": round(_server.percentile(timings, 0.5), 1),
                "p95_ms": round(_server.percentile(timings, 0.95), 1),
                "errors": recorder.errors.get(kind, 0),
            }
    return out


def main() -> int:
    args = arguments()
    _server.stop_on_sigterm()
    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="helpcenter-load-") as tmp,
        _instances.object_storage(Path(tmp)) as storage,
    ):
        workdir = Path(tmp)
        ports = [_server.free_port() for _ in range(args.instances)]
        instances = [f"http://127.0.0.1:{port}" for port in ports]
        # The demo is built (or copied) on local disk, then put in the buckets; from then
        # on every process finds uploads in object storage only. Each instance has media
        # folders of its own, as two machines would, to show that nothing is shared there.
        setup = _server.app_env(
            database_url=args.database_url,
            redis_url=args.redis_url,
            workdir=workdir,
            port=ports[0],
            workers=args.workers,
            threads=args.threads,
        )
        envs = [
            {
                **setup,
                **storage,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "MEDIA_ROOT": str(workdir / f"instance-{n}" / "media"),
                "PRIVATE_MEDIA_ROOT": str(workdir / f"instance-{n}" / "private"),
            }
            for n, port in enumerate(ports, start=1)
        ]
        print(f"Preparing {args.database_url.rsplit('/', 1)[-1]}: migrate, demo, static")
        _server.prepare_database(setup, workdir / "setup.log")
        _server.flush_redis(args.redis_url)
        content, members, password = prepare_site(envs[0], Path(setup["MEDIA_ROOT"]), args)
        print(
            f"Serving on {', '.join(instances)}: {args.instances} instances (gunicorn: "
            f"{args.workers} workers x {args.threads} threads each) behind a balancer that "
            "sends each request to the next; PostgreSQL, Redis, object storage, task worker"
        )
        apps = [
            _server.gunicorn(env, workdir / f"gunicorn-{n}.log")
            for n, env in enumerate(envs, start=1)
        ]
        worker = _server.task_worker(envs[0], workdir / "worker.log")
        try:
            for app in apps:
                app.start()
            worker.start()
            for url, app in zip(instances, apps, strict=True):
                _server.wait_until(
                    lambda url=url: _server.answers(f"{url}/readyz"),
                    timeout=120,
                    what=f"gunicorn on {url}",
                    service=app,
                )
            with ThreadPoolExecutor(4) as pool:  # a sign-in hashes a password: a few at once
                browsers = list(
                    pool.map(
                        lambda n: signed_in(instances, members["repliers"][n], password, n),
                        range(len(members["repliers"])),
                    )
                )
            warm_up(instances, content)
            views_before = views_written()
            actions = plan(content, args.requests, random.Random(args.seed))  # noqa: S311
            print(
                f"Driving up to {args.requests} requests for up to {args.seconds:.0f} s, "
                f"{args.concurrency} at once; {len(browsers)} members reply"
            )
            recorder, elapsed = drive(
                instances, actions, Members(browsers, content["post_limits"]), args, args.seed
            )
            stored = stored_replies(members["repliers"])
            recorder.views = views_written(at_least=views_before + recorder.reads()) - views_before
            shared = _instances.check_shared(
                instances, member=members["checker"], staff=members["editor"], password=password
            )
            alone = one_at_a_time(instances, content["cached_article"])
            for url, app in zip(instances, apps, strict=True):
                if not app.running:
                    recorder.examples.append(f"gunicorn on {url} died:\n{app.log_tail()}")
        finally:
            worker.stop()
            for app in apps:
                app.stop()
    return report(args, recorder, elapsed, stored, alone, shared, time.perf_counter() - started)


def prepare_site(env: dict, demo_media: Path, args) -> tuple[dict, dict, str]:
    """Through this process's own Django (same settings, database and object storage as
    the app): the demo's files into the buckets, what to visit, the static copy of the
    cached article, enough members to reply, and the two people the checks of what the
    instances share act as (a member, an editor)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connections

    with _server.step("demo files into object storage"):
        _instances.upload_media(demo_media)
    content = site_content()
    copy = Path(env["STATIC_ROOT"]) / STATIC_COPY
    copy.parent.mkdir(parents=True, exist_ok=True)
    copy.write_bytes(render_cached_article(content["cached_article"]))
    # Each member posts at most one less than the tightest limit per window.
    room = min(count for count, _period in content["post_limits"]) - 1
    password = secrets.token_urlsafe(16)
    count = max(4, math.ceil(args.requests * MIX["post"] / room))
    members = {
        "repliers": _server.make_members("load-member", count, password=password),
        "checker": _server.make_members("load-checker", 1, password=password)[0],
        "editor": _server.make_members("load-editor", 1, password=password)[0],
    }
    members["editor"].is_superuser = members["editor"].is_staff = True
    members["editor"].save(update_fields=["is_superuser", "is_staff"])
    connections.close_all()
    return content, members, password


def signed_in(instances: list[str], member, password: str, n: int):
    browser = _instances.Balancer(instances, _server.visitor_address(VISITORS + 10 + n))
    browser.sign_in(member.email, password)
    return browser


def render_cached_article(path: str) -> bytes:
    """The article as the app renders it (this also fills its cache, shared through Redis)."""
    from django.test import Client

    response = Client(HTTP_HOST="127.0.0.1").get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code} before the run")
    return response.content


def views_written(at_least: int = 0) -> int:
    """Every article view counted so far, once the counts waiting in Redis are written.
    The app counts a cached page's view just after sending it, and a flush another process
    started may hold counts for a moment: wait up to 10 s for ``at_least``."""
    from django.db.models import Sum

    from kb import view_counts
    from kb.models import ArticleDailyViews

    deadline = time.monotonic() + 10
    while True:
        view_counts.flush()
        total = ArticleDailyViews.objects.aggregate(total=Sum("views"))["total"] or 0
        if (total >= at_least and not view_counts.waiting()) or time.monotonic() > deadline:
            return total
        time.sleep(0.1)


def stored_replies(members) -> int:
    from forum.models import Post
    from forum.models.threads import Visibility

    return Post.objects.filter(author__in=members, visibility=Visibility.VISIBLE).count()


def one_at_a_time(instances: list[str], path: str, rounds: int = 50) -> dict:
    """After the load, the cached article and its static copy in turn, one request at a
    time: what the page costs beyond sending its bytes, without the queueing of the load."""
    browser = _instances.Balancer(instances, _server.visitor_address(VISITORS + 2))
    timings: dict[str, list[float]] = {"page": [], "static": []}
    sizes = set()
    for _ in range(rounds):
        for kind, target in (("page", path), ("static", f"/static/{STATIC_COPY}")):
            started = time.perf_counter()
            response = browser.get(target)
            timings[kind].append((time.perf_counter() - started) * 1000)
            sizes.add((kind, response.status_code, len(response.content)))
    page, static = (_server.percentile(timings[k], 0.5) for k in ("page", "static"))
    return {
        "cached_p50_ms": round(page, 1),
        "static_p50_ms": round(static, 1),
        "ratio": round(page / static, 2),
        # Same length, both 200: the same page (only its CSRF token differs).
        "same_bytes": len({(status, size) for _kind, status, size in sizes}) == 1,
    }


def report(
    args, recorder, elapsed: float, stored: int, alone: dict, shared: list, total: float
) -> int:
    kinds = stats(recorder)
    errors = sum(recorder.errors.values())
    cached = _server.percentile(recorder.timings["cached_article"], 0.5)
    static = _server.percentile(recorder.timings["static_copy"], 0.5)
    ratio = round(cached / static, 2) if static else None
    rps = round(recorder.requests / elapsed, 1) if elapsed else 0
    failures = []
    if errors:
        failures.append(f"{errors} errors")
    if stored != recorder.posts_stored:
        failures.append(f"{recorder.posts_stored} replies accepted but {stored} stored")
    if ratio is None or ratio > args.max_ratio:
        failures.append(f"cached article / static copy x{ratio} (goal <= {args.max_ratio})")
    if alone["ratio"] > args.max_ratio:
        failures.append(
            f"one request at a time, cached article / static copy x{alone['ratio']} "
            f"(goal <= {args.max_ratio})"
        )
    reads = recorder.reads()
    if recorder.views != reads:
        failures.append(f"{reads} article reads but {recorder.views} views counted")
    if not alone["same_bytes"]:
        failures.append("the static copy is not the article's bytes")
    failures += [f"{c.name} not shared between the instances" for c in shared if not c.held]

    print(f"\n{'kind':<15}{'count':>7}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
    for kind, row in kinds.items():
        print(
            f"{kind:<15}{row['count']:>7}{row['p50_ms']:>10}{row['p95_ms']:>10}{row['errors']:>8}"
        )
    print(
        f"{recorder.requests} requests in {elapsed:.1f} s: {rps} requests/s, "
        f"{args.concurrency} at once; {errors} errors"
    )
    print(
        f"replies: {recorder.posts_stored} accepted, {stored} stored"
        + (
            f", {recorder.posts_skipped} left out (every member at a limit)"
            if recorder.posts_skipped
            else ""
        )
    )
    print(f"article views: {reads} read, {recorder.views} counted")
    print(
        f"cached article median {cached:.1f} ms / its static copy {static:.1f} ms: "
        f"x{ratio} (goal <= {args.max_ratio})"
    )
    print(
        f"  one request at a time: {alone['cached_p50_ms']} ms / {alone['static_p50_ms']} ms: "
        f"x{alone['ratio']}"
    )
    print(f"shared by the {args.instances} instances:")
    for check in shared:
        print(f"  {check.name}: {'yes' if check.held else 'NO'} ({check.seen})")
    for example in recorder.examples:
        print(f"  {example}")
    result = {
        "requests": recorder.requests,
        "seconds": round(elapsed, 1),
        "requests_per_s": rps,
        "concurrency": args.concurrency,
        "instances": args.instances,
        "gunicorn": {"workers": args.workers, "threads": args.threads},
        "shared": [check._asdict() for check in shared],
        "limits": {"requests": args.requests, "seconds": args.seconds},
        "kinds": kinds,
        "errors": errors,
        "error_examples": recorder.examples,
        "replies": {
            "accepted": recorder.posts_stored,
            "stored": stored,
            "left_out": recorder.posts_skipped,
        },
        "article_views": {"read": reads, "counted": recorder.views},
        "cached_article_vs_static": {
            "cached_p50_ms": round(cached, 1),
            "static_p50_ms": round(static, 1),
            "ratio": ratio,
            "goal": args.max_ratio,
            "one_at_a_time": alone,
        },
        "failures": failures,
        "total_s": round(total, 1),
    }
    _server.RESULTS.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"total {total:.0f} s; written: {RESULT_FILE.relative_to(ROOT)}")
    if failures:
        print("FAILED: " + "; ".join(failures))
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
