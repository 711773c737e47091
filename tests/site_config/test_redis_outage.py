"""A Redis outage never blocks a page or a save (``site_config.settings.redis_caches``):
while Redis is away the cache answers "nothing kept", rate limits let events through and
article views go uncounted; once it is back, pages are kept and limits hold again.
Sessions are the exception: they live in Redis only.

Redis here is a server of the test's own (``redis-server`` on a free port, in its own
process group), which the test stops, freezes and starts again; the production settings
are built for it by the same function production uses."""

import os
import shutil
import signal
import subprocess
import threading
import time

import pytest
import redis
from django.test import Client
from django.urls import reverse

from forum import services as forum_services
from forum.models import Thread
from kb.models import ArticleFeedback
from site_config import ratelimit
from site_config.settings import redis_caches
from tests.factories import BoardFactory, FaqPageFactory, TopicPageFactory, UserFactory

pytestmark = pytest.mark.django_db


class RedisServer:
    """``redis-server`` on ``port``, keeping nothing on disk (as deploy/ runs it)."""

    def __init__(self, port: int, directory):
        self.port, self.directory = port, directory
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self.directory),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def signal(self, number: int) -> None:
        os.killpg(self.process.pid, number)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.signal(signal.SIGCONT)  # a frozen server must be able to end
            self.signal(signal.SIGTERM)
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server(unused_tcp_port, tmp_path):
    if shutil.which("redis-server") is None:
        reason = "redis-server is not installed (make services installs it)"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    server = RedisServer(unused_tcp_port, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def production_cache(settings, redis_server):
    """The cache, sessions and rate limits as production has them, in ``redis_server``."""
    settings.CACHES = redis_caches(redis_server.url)
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.KB_PAGE_CACHE_SECONDS = 300
    settings.KB_VIEW_FLUSH_SECONDS = 60  # views counted in Redis, as in production
    return redis_server


@pytest.fixture
def article(help_center):
    topic = TopicPageFactory(parent=help_center["en"], title="Delivery", slug="delivery")
    return FaqPageFactory(parent=topic, title="Shipping times", slug="shipping-times")


def test_pages_answer_while_redis_is_down_and_are_kept_again_once_it_is_back(
    production_cache, article
):
    assert Client().get(article.url).status_code == 200
    assert Client().get(article.url)["X-Page-Cache"] == "hit"

    production_cache.stop()
    for path in (article.url, "/en/", "/en/search/?q=delivery", "/en/forum/"):
        response = Client().get(path)
        assert response.status_code == 200, path
    assert "Two to four business days." in Client().get(article.url).content.decode()

    production_cache.start()  # empty, as a Redis without persistence restarts
    assert "X-Page-Cache" not in Client().get(article.url)
    assert Client().get(article.url)["X-Page-Cache"] == "hit"


def test_a_redis_that_stops_answering_slows_a_page_but_does_not_stop_it(production_cache, article):
    """A frozen Redis (a hung server, a network that drops packets): every cache call
    gives up after the socket timeout instead of waiting for ever."""
    Client().get(article.url)
    production_cache.signal(signal.SIGSTOP)
    # However this goes, the server thaws in time for the test to end.
    thaw = threading.Timer(60, production_cache.signal, args=[signal.SIGCONT])
    thaw.start()
    try:
        started = time.monotonic()
        response = Client().get(article.url)
        took = time.monotonic() - started
    finally:
        thaw.cancel()
        production_cache.signal(signal.SIGCONT)
    assert response.status_code == 200
    assert "Two to four business days." in response.content.decode()
    assert took < 15, f"the page took {took:.1f} s"


def test_while_redis_is_down_a_signed_in_reader_stays_signed_in(production_cache, article):
    """Sessions are in the database, read through Redis (cached_db): an outage signs nobody
    out (with sessions in Redis only, the reader got pages as if signed out)."""
    reader = Client()
    reader.force_login(UserFactory())
    assert reader.get("/en/").context["user"].is_authenticated

    production_cache.stop()
    response = reader.get(article.url)
    assert response.status_code == 200
    assert response.context["user"].is_authenticated


def test_members_post_while_redis_is_down_and_limits_hold_again_once_it_is_back(
    production_cache, settings, help_center
):
    settings.FORUM_NEW_MEMBER_POSTS = 0
    settings.FORUM_POST_LIMITS = [(1, 60)]
    board, member = BoardFactory(), UserFactory()

    def ask(n: int):
        return forum_services.thread_create(
            board=board,
            author=member,
            title=f"Question {n} about my parcel",
            body=f"Where is parcel number {n}?",
            language="en",
        )

    production_cache.stop()
    for n in range(3):  # over the limit of one a minute: nothing is counting
        ask(n)
    assert Thread.objects.filter(author=member).count() == 3

    production_cache.start()
    ask(3)
    with pytest.raises(forum_services.PostingLimited):
        ask(4)
    assert Thread.objects.filter(author=member).count() == 4


def test_rate_limits_let_every_event_through_while_redis_is_down(production_cache):
    production_cache.stop()
    assert all(ratelimit.hit("outage", "203.0.113.9", limit=1, period=60) for _ in range(5))


def test_an_editor_publishes_while_redis_is_down_and_readers_get_the_new_page(
    production_cache, article, django_capture_on_commit_callbacks
):
    Client().get(article.url)
    assert Client().get(article.url)["X-Page-Cache"] == "hit"

    production_cache.stop()
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Shipping times and costs"
        article.save_revision().publish()
    assert "Shipping times and costs" in Client().get(article.url).content.decode()

    production_cache.start()
    assert "Shipping times and costs" in Client().get(article.url).content.decode()


def test_a_visitor_votes_on_an_article_while_redis_is_down(production_cache, article):
    production_cache.stop()
    url = reverse("kb:feedback", args=[article.pk])
    Client().post(url, {"helpful": "yes"})
    assert ArticleFeedback.objects.filter(page=article, helpful=True).exists()
