"""Article views: counted where counting is cheap, added to ``ArticleDailyViews`` in batches.

An UPDATE per read would cost every cached page a database round trip, and every reader of
the day's most-read article would queue on the same row lock. Instead a view adds one to a
counter, and ``flush()`` adds the counters to the table:

* with Redis as the cache (production), the counters are fields of one hash that every
  process shares; a view is one round trip (HINCRBY, and a SET NX that tells one process
  in all when a flush is due);
* with any other cache (a development server, one process), they are a counter in the
  process.

A flush runs every ``KB_VIEW_FLUSH_SECONDS``, done by the first view after that time, and by
``manage.py flush_views``, which the scheduler runs every minute (so an idle site's last
views reach the table too). 0 writes every view through at once (the test settings).

What may be lost: the counts since the last flush if Redis restarts without persistence
or a process is killed by force. That is a minute of "most read" figures, never anything
a reader wrote.
"""

import atexit
import logging
import threading
import time
from collections import Counter
from datetime import date

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import LockError, RedisError
from wagtail.models import Page

from kb.models import ArticleDailyViews

logger = logging.getLogger(__name__)

PENDING_KEY = "kb:views:pending"
# Where a flush moves the counters first: a flush that dies half-way leaves them there,
# and the next flush adds them (under the lock, so no two flushes take the same counts).
FLUSHING_KEY = "kb:views:flushing"
LOCK_KEY = "kb:views:flush-lock"
DUE_KEY = "kb:views:flush-due"
# A flush holds the lock at most this long: one whose database write outlasts it (a
# database stuck for minutes) could have its counts added twice by the next.
LOCK_SECONDS = 300


def count(page_id: int) -> None:
    """One view of the article ``page_id`` today."""
    today = timezone.localdate()
    interval = settings.KB_VIEW_FLUSH_SECONDS
    if interval <= 0:
        _add(page_id, today, 1)
    elif _store().add(f"{page_id}:{today.isoformat()}", interval):
        try:
            flush()
        except Exception:  # noqa: BLE001 - a reader's page never fails for a view count
            logger.exception("Article views not flushed; the next flush takes them")


def flush() -> int:
    """Add the counted views to ``ArticleDailyViews``; returns how many views were added."""
    return _store().flush(_write)


def waiting() -> int:
    """Views counted and not yet in the table."""
    return _store().waiting()


def _write(counts: dict[str, int]) -> int:
    """Add ``{"page_id:day": views}`` to the table in one transaction; pages deleted since
    their views were counted are skipped."""
    rows = {}
    for field, views in counts.items():
        page_id, _, day = field.partition(":")
        rows[(int(page_id), date.fromisoformat(day))] = int(views)
    existing = set(Page.objects.filter(pk__in={p for p, _ in rows}).values_list("pk", flat=True))
    added = 0
    with transaction.atomic():
        for (page_id, day), views in sorted(rows.items()):
            if page_id in existing and views > 0:
                _add(page_id, day, views)
                added += views
    return added


def _add(page_id: int, day: date, views: int) -> None:
    """One UPDATE; an INSERT for a page's first views of the day."""
    todays = ArticleDailyViews.objects.filter(page_id=page_id, day=day)
    if not todays.update(views=F("views") + views):
        try:
            with transaction.atomic():
                ArticleDailyViews.objects.create(page_id=page_id, day=day, views=views)
        except IntegrityError:  # another writer made the row just now
            todays.update(views=F("views") + views)


class _ProcessStore:
    """Counters in this process (any cache but Redis: the development server, tests)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self.last_flush = time.monotonic()
        self.flush_at_exit = False

    def add(self, field: str, interval: int) -> bool:
        with self.lock:
            self.counts[field] += 1
            if not self.flush_at_exit:
                # A process that stops (a gunicorn worker recycled) writes what it holds.
                atexit.register(flush)
                self.flush_at_exit = True
            return time.monotonic() - self.last_flush >= interval

    def flush(self, write) -> int:
        with self.lock:
            counts, self.counts = self.counts, Counter()
            self.last_flush = time.monotonic()
        if not counts:
            return 0
        try:
            return write(dict(counts))
        except Exception:
            with self.lock:
                self.counts.update(counts)  # kept for the next flush
            raise

    def waiting(self) -> int:
        with self.lock:
            return sum(self.counts.values())

    def clear(self) -> None:
        with self.lock:
            self.counts.clear()
            self.last_flush = time.monotonic()


class _RedisStore:
    """Counters in one Redis hash that every process and server shares, through the
    cache's own client (django-redis): its key prefix, its connection pool. The client
    raises Redis's errors whatever the cache's IGNORE_EXCEPTIONS says."""

    def __init__(self, alias: str):
        self.alias = alias
        self.backend = caches[alias]

    def _client(self):
        return get_redis_connection(self.alias, write=True)

    def _key(self, name: str) -> str:
        return self.backend.make_and_validate_key(name)

    def add(self, field: str, interval: int) -> bool:
        pending, due = self._key(PENDING_KEY), self._key(DUE_KEY)
        try:
            pipe = self._client().pipeline(transaction=False)
            pipe.hincrby(pending, field, 1)
            pipe.set(due, 1, nx=True, ex=interval)
            return bool(pipe.execute()[1])
        except RedisError:
            # A view is not worth a failed page; the cache's outage shows everywhere else.
            logger.warning("Article view not counted: the cache did not answer", exc_info=True)
            return False

    def flush(self, write) -> int:
        pending, flushing = self._key(PENDING_KEY), self._key(FLUSHING_KEY)
        client = self._client()
        # redis-py's lock: a token of its own, released only by its holder (a Lua script).
        lock = client.lock(self._key(LOCK_KEY), timeout=LOCK_SECONDS, blocking=False)
        if not lock.acquire():
            return 0  # another process is flushing
        added = 0
        try:
            if not client.exists(flushing):
                if not client.exists(pending):
                    return 0
                client.rename(pending, flushing)
            counts = {
                field.decode(): int(views) for field, views in client.hgetall(flushing).items()
            }
            if counts:
                added = write(counts)
            client.delete(flushing)
        except DatabaseError:
            # The counts stay under FLUSHING_KEY; the next flush adds them.
            logger.exception("Article views not written; kept for the next flush")
        finally:
            try:
                lock.release()
            except LockError:
                logger.warning("Article view flush outlasted its lock (%s s)", LOCK_SECONDS)
        return added

    def waiting(self) -> int:
        client = self._client()
        return sum(
            int(views)
            for key in (PENDING_KEY, FLUSHING_KEY)
            for views in client.hvals(self._key(key))
        )

    def clear(self) -> None:
        self._client().delete(
            *(self._key(k) for k in (PENDING_KEY, FLUSHING_KEY, LOCK_KEY, DUE_KEY))
        )


_process_store = _ProcessStore()


def _store():
    if isinstance(caches["default"], RedisCache):
        return _RedisStore("default")
    return _process_store


def clear() -> None:
    """Forget the counted views not yet written (tests)."""
    _store().clear()
