"""Index tasks: each takes a source ("page:12", "thread:7"), builds what it should hold now
(``search.documents``) and writes it to every index. The database backend's table is
always written, so it can answer when the engine cannot. An engine error is logged and
the task retried later with backoff (where the task backend can defer); ``manage.py
search_index reconcile`` catches anything still left behind. A save never waits on this."""

import logging
from datetime import timedelta

from django.db import DatabaseError
from django.utils import timezone
from django_tasks import default_task_backend, task

from search import api
from search.backends.base import BackendUnavailable
from search.documents import documents_for

logger = logging.getLogger(__name__)
RETRY_DELAYS = [30, 120, 600, 1800, 7200]  # seconds


def backends():
    """Every index that must follow the database: its own table, and the engine if any."""
    return api.index_backends()


@task()
def update_source(source: str, attempt: int = 0) -> int:
    """Make every index hold what ``source`` should have now; returns how many documents."""
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
