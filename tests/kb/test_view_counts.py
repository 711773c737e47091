"""Article views are counted in the cache and added to the table in batches
(``kb.view_counts``): a read costs no query, and no view is lost or counted twice on the
way, in one process (the development server) or across processes through Redis."""

import os
import threading
import time
import uuid
from datetime import date

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.test import Client
from django_redis import get_redis_connection

from kb import view_counts
from kb.models import ArticleDailyViews
from site_config.settings import redis_caches

pytestmark = pytest.mark.django_db


def views_of(page) -> int:
    return sum(ArticleDailyViews.objects.filter(page=page).values_list("views", flat=True))


@pytest.fixture
def buffered(settings):
    settings.KB_VIEW_FLUSH_SECONDS = 60
    view_counts.clear()
    return settings


def test_a_kept_page_read_costs_no_query_and_its_views_arrive_with_the_flush(
    client, kb_tree, buffered, django_assert_num_queries
):
    page = kb_tree["en"]["faq"]
    assert client.get(page.url).status_code == 200  # rendered, kept; one view counted
    for _ in range(4):
        with django_assert_num_queries(0):
            assert Client().get(page.url)["X-Page-Cache"] == "hit"
    assert views_of(page) == 0
    assert view_counts.flush() == 5
    assert views_of(page) == 5
    assert view_counts.flush() == 0  # nothing counted twice
    assert views_of(page) == 5


def test_the_first_view_after_the_interval_flushes(client, kb_tree, buffered):
    page = kb_tree["en"]["video"]
    client.get(page.url)
    client.get(page.url)
    assert views_of(page) == 0
    view_counts._process_store.last_flush = time.monotonic() - 61
    client.get(page.url)
    assert views_of(page) == 3


def test_views_of_a_page_deleted_before_the_flush_are_dropped_and_the_rest_written(
    kb_tree, buffered
):
    kept, deleted = kb_tree["en"]["faq"], kb_tree["de"]["video"]
    view_counts.count(kept.pk)
    view_counts.count(deleted.pk)
    deleted.delete()
    assert view_counts.flush() == 1
    assert views_of(kept) == 1


def test_views_add_to_the_days_row_not_replace_it(kb_tree, buffered):
    page = kb_tree["tr"]["policy"]
    ArticleDailyViews.objects.create(page=page, day=date.today(), views=40)
    for _ in range(2):
        view_counts.count(page.pk)
    view_counts.flush()
    assert ArticleDailyViews.objects.get(page=page).views == 42


def test_the_scheduler_command_flushes(kb_tree, buffered):
    page = kb_tree["en"]["policy"]
    view_counts.count(page.pk)
    call_command("flush_views", verbosity=0)
    assert views_of(page) == 1


# --- across processes: Redis ---------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/7")


@pytest.fixture
def redis_cache(settings, buffered):
    """The production cache: Redis, with a prefix of this test's own (xdist workers and
    other runs share the server)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        reason = f"no Redis at {REDIS_URL} ({exc}); set REDIS_TEST_URL"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but {reason}")
        pytest.skip(reason)
    settings.CACHES = redis_caches(REDIS_URL, key_prefix=f"test-{uuid.uuid4().hex}")
    # The interval has just been claimed: views only count until a test flushes (a flush
    # from another thread could not see the test's data, which its transaction holds).
    caches["default"].set(view_counts.DUE_KEY, 1, 60)
    yield
    view_counts.clear()


def test_redis_counts_from_many_threads_arrive_once(kb_tree, redis_cache):
    """Twelve readers at once, as gunicorn's workers and threads would be: every view is
    counted once, and a second flush finds nothing."""
    page = kb_tree["en"]["faq"]
    start = threading.Barrier(12)

    def reader():
        start.wait()
        for _ in range(25):
            view_counts.count(page.pk)

    threads = [threading.Thread(target=reader) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert views_of(page) == 0
    assert view_counts.flush() == 300
    assert views_of(page) == 300
    assert view_counts.flush() == 0


def test_redis_one_flush_at_a_time(kb_tree, redis_cache):
    from django.core.cache import cache

    page = kb_tree["en"]["faq"]
    view_counts.count(page.pk)
    cache.set(view_counts.LOCK_KEY, "another process", 60)
    assert view_counts.flush() == 0
    assert views_of(page) == 0
    cache.delete(view_counts.LOCK_KEY)
    assert view_counts.flush() == 1


def test_redis_counts_a_dead_flush_left_are_added_by_the_next(kb_tree, redis_cache):
    """A flush that died after taking the counts (moved them aside) loses nothing: the next
    flush adds them, and the views counted since."""
    from django.core.cache import cache

    page = kb_tree["en"]["faq"]
    view_counts.count(page.pk)
    view_counts.count(page.pk)
    client = get_redis_connection("default")
    client.rename(
        cache.make_and_validate_key(view_counts.PENDING_KEY),
        cache.make_and_validate_key(view_counts.FLUSHING_KEY),
    )
    view_counts.count(page.pk)
    assert view_counts.flush() == 2  # what the dead flush held
    assert view_counts.flush() == 1  # then what came after
    assert views_of(page) == 3


def test_redis_the_first_view_after_the_interval_flushes_in_whichever_process(kb_tree, redis_cache):
    from django.core.cache import cache

    page = kb_tree["en"]["faq"]
    cache.delete(view_counts.DUE_KEY)  # no flush for a whole interval
    view_counts.count(page.pk)  # the first view claims the interval: its flush is now
    assert views_of(page) == 1
    view_counts.count(page.pk)
    assert views_of(page) == 1  # within the interval: counted, not written
    cache.delete(view_counts.DUE_KEY)  # the interval has passed
    view_counts.count(page.pk)
    assert views_of(page) == 3


def test_a_flush_that_fails_never_fails_the_page_and_keeps_the_counts(
    client, kb_tree, buffered, monkeypatch
):
    from django.db import OperationalError

    page = kb_tree["en"]["faq"]
    client.get(page.url)

    def database_down(counts):
        raise OperationalError("the database went away")

    monkeypatch.setattr(view_counts, "_write", database_down)
    view_counts._process_store.last_flush = time.monotonic() - 61
    assert Client().get(page.url)["X-Page-Cache"] == "hit"  # its flush failed after sending
    assert Client().get(page.url).status_code == 200
    assert view_counts.waiting() == 3
    monkeypatch.undo()
    assert view_counts.flush() == 3
    assert views_of(page) == 3
