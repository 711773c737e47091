"""What ``bench/load.py`` and ``bench/faults.py`` share: a fresh PostgreSQL database with
the demo (copied from a template kept while the code is unchanged), the app under gunicorn
with production settings on a loopback port and the task worker as subprocesses (a search
engine, when a run wants one, comes from ``tests.engines``), and an HTTP client that
behaves like a browser.

Every subprocess starts in its own process group and is stopped as a whole group
(``tests.engines.Service``): gunicorn's workers outlive their parent when only the parent is
killed.

The app sees what it sees in production: ``DJANGO_ENV=production``, PostgreSQL, Redis for the
cache, sessions and rate-limit counters, the database task backend, WhiteNoise serving the
collected static files. What differs, and why (``app_env``):

* plain HTTP on loopback: ``SECURE_SSL_REDIRECT`` is off, and the client keeps the
  ``Secure`` cookies, as browsers do on http://127.0.0.1 (a "potentially trustworthy"
  origin);
* the client plays the load balancer too: it sends each visitor's address in
  ``X-Forwarded-For`` and the app trusts one proxy (``TRUSTED_PROXY_COUNT=1``), so the
  per-address limits (searches, sign-ins) count each simulated visitor, not the one machine
  they all come from;
* members count as established at once (``FORUM_NEW_MEMBER_POSTS=0``: their replies are
  not held for a moderator); the posting limits stay as they are;
* e-mail goes nowhere (``EMAIL_URL=dummy:``) and the log keeps warnings only.
"""

import contextlib
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.cookies import extract_cookies_to_jar, get_cookie_header

from tests.engines import Service, free_port  # noqa: F401 - the runs' processes and ports

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
# Never dropped, whatever the command line says: the server's own and the ones the test
# runs use.
PROTECTED_DATABASES = {
    "postgres",
    "template0",
    "template1",
    "test",
    "scratch",
    "helpcenter_bench_template",
}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def stop_on_sigterm() -> None:
    """Turn SIGTERM (CI cancelling a job, ``timeout``) into SystemExit, so the ``finally``
    blocks stop the servers instead of leaving them running."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


# --- data --------------------------------------------------------------------------------


def fresh_database(url: str, *, template: str = "") -> None:
    """Drop and create the database named in ``url`` (a PostgreSQL URL), empty or as a
    copy of ``template``."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql", "pgsql") or not name:
        raise SystemExit(f"a PostgreSQL database URL is needed, not {url!r}")
    if name in PROTECTED_DATABASES:
        raise SystemExit(f"refusing to drop the database {name!r}: choose another name")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        database = sql.Identifier(name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        if template:
            connection.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(database, sql.Identifier(template))
            )
        else:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(database))


def flush_redis(url: str) -> None:
    """Empty the Redis database the app will use: rate-limit counters of an earlier run
    (same user ids, same addresses) would otherwise refuse this run's posts and sign-ins."""
    import redis

    redis.Redis.from_url(url).flushdb()


def app_env(
    *,
    database_url: str,
    redis_url: str,
    workdir: Path,
    port: int,
    search_engine: str = "database",
    search_url: str = "",
    workers: int = 2,
    threads: int = 4,
) -> dict[str, str]:
    """The environment of every process of one run (the app, the worker, manage.py, and the
    driver itself when it reads the database): production settings on loopback."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        DJANGO_ENV="production",
        DJANGO_SETTINGS_MODULE="site_config.settings",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        BASE_URL=f"http://127.0.0.1:{port}",
        SECURE_SSL_REDIRECT="false",
        TRUSTED_PROXY_COUNT="1",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SEARCH_ENGINE=search_engine,
        ELASTICSEARCH_URL=search_url if search_engine == "elasticsearch" else "",
        OPENSEARCH_URL=search_url if search_engine == "opensearch" else "",
        TASKS_BACKEND="database",
        EMAIL_URL="dummy:",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        LOG_LEVEL="WARNING",
        # Members count as established at once (their posts are not held for a moderator);
        # the posting limits themselves stay as in production.
        FORUM_NEW_MEMBER_POSTS="0",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS=str(workers),
        GUNICORN_THREADS=str(threads),
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env: dict, *args: str, log: Path, extra_env: dict | None = None) -> str:
    """Run ``manage.py`` with ``args``; its output is appended to ``log`` and returned.
    A failure stops the run with the end of that output."""
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**env, **(extra_env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    with log.open("a", encoding="utf-8") as file:
        file.write(f"$ manage.py {' '.join(args)}\n{output}\n")
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output[-2000:]}")
    return output


@contextlib.contextmanager
def step(label: str):
    """Print how long a setup step took."""
    started = time.perf_counter()
    yield
    print(f"  {label}: {time.perf_counter() - started:.0f} s", flush=True)


# The migrated database with the demo, kept between runs (``make load`` then ``make faults``
# in CI) while the code that builds it is unchanged: a copy costs seconds, a build a minute.
TEMPLATE_DATABASE = "helpcenter_bench_template"
# What the database and media of a fresh build depend on: the apps' code, migrations and
# demo content, and the pinned requirements.
SOURCES = ("kb", "forum", "search", "site_config", "requirements")


def source_fingerprint() -> str:
    import hashlib

    digest = hashlib.sha256()
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".mo":
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


def _template_media(fingerprint: str) -> Path:
    """The template's media files, beside it on this machine: in its cache folder (where the
    test runner keeps its migrated databases), so a fresh clone finds them as it finds the
    template database on the server; named by the code they were built from."""
    from tests.migrated import cache_folder

    return cache_folder().parent / f"bench-template-media-{fingerprint[:20]}"


def prepare_database(env: dict, log: Path) -> None:
    """The database with migrations and the demo, its media, the search indexes and the
    static files. A copy of the template when it was built from the same code; otherwise
    built afresh (the demo's tasks dropped, with the dummy backend: its last step
    reconciles every index anyway, and a backlog of demo tasks would keep the worker busy
    while the run measures) and kept as the template."""
    url, media = env["DATABASE_URL"], Path(env["MEDIA_ROOT"])
    fingerprint = source_fingerprint()
    template_media = _template_media(fingerprint)
    if _template_is(url, fingerprint) and template_media.is_dir():
        with step("copy of the migrated demo database"):
            fresh_database(url, template=TEMPLATE_DATABASE)
            shutil.copytree(template_media, media, dirs_exist_ok=True)
            if env.get("SEARCH_ENGINE", "database") != "database":
                manage(env, "search_index", "rebuild", log=log)
    else:
        migrated = _migrated_template(env, log)
        fresh_database(url, template=migrated)
        with step("migrate" + (" (from the test runner's migrated template)" if migrated else "")):
            manage(env, "migrate", "--noinput", log=log)
        with step("load_demo"):
            manage(env, "load_demo", log=log, extra_env={"TASKS_BACKEND": "dummy"})
        _keep_template(url, fingerprint, media)
    with step("collectstatic"):
        manage(env, "collectstatic", "--noinput", log=log)


def _migrated_template(env: dict, log: Path) -> str:
    """The PostgreSQL test runner's migrated template for these migrations when the server
    has one (``tests/migrated.py``; CI's test run makes it), else "": the database then
    starts migrated and migrate finds nothing to apply."""
    from tests.migrated import TEMPLATE_PREFIX

    code = "from tests import migrated; print(migrated.postgresql_template())"
    output = manage(env, "shell", "-c", code, log=log)
    name = next((word for word in output.split() if word.startswith(TEMPLATE_PREFIX)), "")
    if not name:
        return ""
    with _server_connection(env["DATABASE_URL"]) as connection:
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return name if found.fetchone() else ""


def _server_connection(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _template_is(url: str, fingerprint: str) -> bool:
    with _server_connection(url) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [TEMPLATE_DATABASE],
        ).fetchone()
    return bool(row) and row[0] == fingerprint


def _keep_template(url: str, fingerprint: str, media: Path) -> None:
    """The media first, under a temporary name renamed into place, then the database with
    the fingerprint as its comment: a run stopped half way leaves no template that looks
    whole."""
    from psycopg import sql

    kept = _template_media(fingerprint)
    for old in kept.parent.glob("bench-template-media-*"):  # one template: one set of media
        shutil.rmtree(old, ignore_errors=True)
    partial = kept.with_name(f".{kept.name}.partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    if media.is_dir():
        shutil.copytree(media, partial, dirs_exist_ok=True)
    partial.rename(kept)

    name = urlsplit(url).path.lstrip("/")
    template = sql.Identifier(TEMPLATE_DATABASE)
    with _server_connection(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(template))
        connection.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(template, sql.Identifier(name))
        )
        connection.execute(
            sql.SQL("COMMENT ON DATABASE {} IS {}").format(template, sql.Literal(fingerprint))
        )


# --- processes ---------------------------------------------------------------------------


def gunicorn(env: dict, log: Path) -> Service:
    argv = [
        str(BIN / "gunicorn"),
        "--config",
        "deploy/gunicorn.conf.py",
        "site_config.wsgi:application",
    ]
    return Service("gunicorn", argv, env, log)


def task_worker(env: dict, log: Path) -> Service:
    # As deploy/docker-compose.yml runs it: every queue.
    argv = [sys.executable, "manage.py", "db_worker", "--queue-name", "*"]
    return Service("db_worker", argv, env, log)


def wait_until(check, *, timeout: float, what: str, service: Service | None = None) -> float:
    """Poll ``check()`` until it is true; seconds waited. Gives up after ``timeout``, or at
    once when ``service`` has died."""
    start = time.monotonic()
    while True:
        try:
            if check():
                return time.monotonic() - start
        except (OSError, requests.RequestException):
            pass
        if service is not None and not service.running:
            raise SystemExit(
                f"{service.name} exited while waiting for {what}:\n{service.log_tail()}"
            )
        if time.monotonic() - start > timeout:
            tail = f":\n{service.log_tail()}" if service else ""
            raise SystemExit(f"gave up after {timeout:.0f} s waiting for {what}{tail}")
        time.sleep(0.2)


def answers(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
        return response.status == 200


# --- the client --------------------------------------------------------------------------


class LoopbackCookiePolicy(DefaultCookiePolicy):
    """Send ``Secure`` cookies over plain HTTP: the server is on loopback, which browsers
    treat as a secure context."""

    def return_ok_secure(self, cookie, request) -> bool:
        return True


class NoCookies(DefaultCookiePolicy):
    """For requests' own jar, which copies cookies into a jar of the default policy (that
    would drop the ``Secure`` ones) before each request: ``Browser`` keeps them instead."""

    def set_ok(self, cookie, request) -> bool:
        return False


class Browser:
    """One visitor: cookies, an address (sent as the load balancer would), a CSRF token
    read from the form, as a browser does. Not thread-safe: one per thread."""

    def __init__(self, base_url: str, address: str, timeout: float = 30):
        self.base_url, self.address, self.timeout = base_url, address, timeout
        self.cookies = CookieJar(LoopbackCookiePolicy())
        self.session = requests.Session()
        self.session.cookies.set_policy(NoCookies())
        # identity: pages and static files are compared byte for byte.
        self.session.headers.update(
            {"User-Agent": "helpcenter-bench", "Accept-Encoding": "identity"}
        )

    def _send(
        self, method: str, path: str, headers: dict, *, base_url: str = "", **kwargs
    ) -> requests.Response:
        url = (base_url or self.base_url) + path
        cookie = get_cookie_header(self.cookies, requests.Request(method, url))
        if cookie:
            headers["Cookie"] = cookie
        response = self.session.request(
            method, url, headers=headers, timeout=self.timeout, allow_redirects=False, **kwargs
        )
        extract_cookies_to_jar(self.cookies, response.request, response.raw)
        return response

    def get(self, path: str, *, address: str | None = None) -> requests.Response:
        return self._send("GET", path, {"X-Forwarded-For": address or self.address})

    def post(self, path: str, data: dict, *, form_page: str) -> requests.Response:
        """POST a form read from ``form_page`` (its CSRF token), with the Origin and Referer
        a browser sends."""
        headers = {
            "X-Forwarded-For": self.address,
            "Origin": self.base_url,
            "Referer": self.base_url + form_page,
        }
        return self._send("POST", path, headers, data=data)

    @staticmethod
    def csrf_token(html: str) -> str:
        match = CSRF_INPUT.search(html)
        if not match:
            raise ValueError("no CSRF token in the page")
        return match.group(1)

    def sign_in(self, email: str, password: str) -> None:
        page = self.get("/accounts/login/")
        token = self.csrf_token(page.text)
        response = self.post(
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "login": email, "password": password},
            form_page="/accounts/login/",
        )
        if response.status_code != 302:
            raise SystemExit(f"sign-in of {email} answered {response.status_code}")


def visitor_address(n: int) -> str:
    """A distinct private address per simulated visitor."""
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255 or 1}"


# --- members -----------------------------------------------------------------------------


def make_members(prefix: str, count: int, *, password: str, group: str = "") -> list:
    """``count`` forum members with confirmed e-mail addresses, joined a month ago, made
    through the driver's own Django in the app's database; ``password`` is hashed once."""
    from datetime import timedelta

    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from forum import services

    User = get_user_model()
    hashed = make_password(password)
    joined = timezone.now() - timedelta(days=30)
    users = []
    for n in range(1, count + 1):
        email = f"{prefix}-{n}@example.com"
        user = User.objects.create(
            username=email,
            email=email,
            password=hashed,
            date_joined=joined,
            is_staff=bool(group),
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        services.profile_create(user=user, display_name=f"{prefix.title()} {n}")
        users.append(user)
    return users


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) by nearest rank: simple, and exact for small samples."""
    if not values:
        return 0.0
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q * len(ordered) + 0.5) - 1))
    return ordered[index]


def add_service_arguments(parser, *, name: str, redis_db: int) -> None:
    """``--database-url`` and ``--redis-url``: the PostgreSQL database the run drops and
    creates, and the Redis database it empties (``<NAME>_DATABASE_URL``,
    ``<NAME>_REDIS_URL`` in the environment)."""
    import os

    variable = name.upper()
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            f"{variable}_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/helpcenter_{name}"
        ),
        help=f"PostgreSQL database to DROP and create ({variable}_DATABASE_URL)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get(f"{variable}_REDIS_URL", f"redis://127.0.0.1:6379/{redis_db}"),
        help=f"Redis database for the app; emptied first ({variable}_REDIS_URL)",
    )
