"""Index tasks: each takes a source ("page:12", "thread:7"), builds what it should hold now
(``search.documents``) and writes it to every index. The database backend's table is
always written, so it can answer when the engine cannot. An engine error is logged and
the task retried later with backoff (where the task backend can defer); ``manage.py
search_index reconcile`` catches anything still left behind. A save never waits on this.

``enqueue_update`` is how changes reach the queue (``receivers``, after the commit). With
``SEARCH_QUEUED_SECONDS``, a source whose task is queued and not started yet is not
queued again: that run reads the change too (a thread answered twice in a second: one
task). The task forgets the mark as it starts, so a change committed while it reads is
queued again. It always indexes the current state, so a repeated run is only work."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone
from django_tasks import default_task_backend, task

from search import api
from search.backends.base import BackendUnavailable
from search.documents import documents_for

logger = logging.getLogger(__name__)
RETRY_DELAYS = [30, 120, 600, 1800, 7200]  # seconds


def _queued_key(source: str) -> str:
    return f"search:queued:{source}"


def enqueue_update(source: str) -> None:
    """Queue ``update_source(source)``, unless it is queued and has not started yet. Call it
    after the commit: a failing queue is logged, never raised (it must not fail a save)."""
    key = _queued_key(source)
    seconds = settings.SEARCH_QUEUED_SECONDS
    # None, not False, is a cache that cannot answer (django-redis through a Redis outage,
    # site_config.settings.redis_caches): queue then.
    if seconds and cache.add(key, True, seconds) is False:
        return
    try:
        update_source.enqueue(source)
    except Exception:  # noqa: BLE001 - reconcile catches up
        logger.exception("could not queue search indexing of %s", source)
        cache.delete(key)  # the next change tries again


def backends():
    """Every index that must follow the database: its own table, and the engine if any."""
    return api.index_backends()


@task()
def update_source(source: str, attempt: int = 0) -> int:
    """Make every index hold what ``source`` should have now; returns how many documents."""
    cache.delete(_queued_key(source))  # before reading: a change from now on queues again
    documents = documents_for(source)
    failed = False
    for backend in backends():
        # Each index on its own: a failure in one must not leave the other stale.
        try:
            if documents:
                backend.replace_source(source, documents)
            else:
                backend.delete_source(source)
        except BackendUnavailable as exc:
            logger.warning("indexing %s in %s failed: %s", source, backend.name, exc)
            failed = True
        except DatabaseError:
            # Two tasks for one source at once may collide on a key: the retry, which
            # reads the source again, settles it.
            logger.warning("indexing %s in %s collided; retrying", source, backend.name)
            failed = True
    if failed:
        _retry(source, attempt)
    return len(documents)


def _retry(source: str, attempt: int) -> None:
    if attempt >= len(RETRY_DELAYS) or not default_task_backend.supports_defer:
        logger.error("giving up on indexing %s; search_index reconcile will fix it", source)
        return
    run_after = timezone.now() + timedelta(seconds=RETRY_DELAYS[attempt])
    update_source.using(run_after=run_after).enqueue(source, attempt + 1)
