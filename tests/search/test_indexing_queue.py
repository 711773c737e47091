"""How changes reach the index queue: after the commit only, once per source however often
one transaction touched it, never for a rolled-back change, never at the cost of the save;
with a shared cache (``SEARCH_QUEUED_SECONDS``), once while its task waits, and again as
soon as the task has started.

The queue is django-tasks' dummy backend where a test needs tasks to wait (it keeps what
was queued and runs nothing, as a busy worker does); tests elsewhere run them at once."""

import pytest
from django.db import transaction
from django_tasks import default_task_backend
from django_tasks.signals import task_enqueued

from search import tasks
from tests.factories import FaqPageFactory, PostFactory, ThreadFactory, TopicPageFactory, faq_items

pytestmark = pytest.mark.django_db

DUMMY = "django_tasks.backends.dummy.DummyBackend"
IMMEDIATE = "django_tasks.backends.immediate.ImmediateBackend"


@pytest.fixture
def queued():
    """The sources of the index tasks queued during the test, in order."""
    sources = []

    def record(sender, task_result, **kwargs):
        if task_result.task.module_path == "search.tasks.update_source":
            sources.append(task_result.args[0])

    task_enqueued.connect(record)
    yield sources
    task_enqueued.disconnect(record)


@pytest.fixture
def waiting(settings):
    """A queue whose tasks wait (no worker runs them here)."""
    settings.TASKS = {"default": {"BACKEND": DUMMY}}
    default_task_backend.clear()


@pytest.mark.parametrize("backend", [DUMMY, IMMEDIATE])
def test_each_source_a_transaction_touched_is_queued_once_after_the_commit(
    settings, queued, django_capture_on_commit_callbacks, backend
):
    settings.TASKS = {"default": {"BACKEND": backend}}
    with django_capture_on_commit_callbacks(execute=True):
        busy, quiet = ThreadFactory(), ThreadFactory()
        for _ in range(20):
            PostFactory(thread=busy)
        assert queued == []  # nothing before the commit
    assert sorted(queued) == sorted([f"thread:{busy.pk}", f"thread:{quiet.pk}"])


def test_unpublishing_a_topic_queues_each_page_once(
    help_center, waiting, queued, django_capture_on_commit_callbacks
):
    topic = TopicPageFactory(parent=help_center["en"], title="Returns", slug="returns")
    faqs = [
        FaqPageFactory(
            parent=topic, title=f"Faq {n}", slug=f"faq-{n}", items=faq_items(("Q?", "A."))
        )
        for n in range(3)
    ]
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        topic.unpublish()  # the topic, then each article again
    assert sorted(queued) == sorted(f"page:{page.pk}" for page in [topic, *faqs])


def test_a_rolled_back_change_queues_nothing(waiting, queued, django_capture_on_commit_callbacks):
    thread = ThreadFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        PostFactory(thread=thread)
        raise RuntimeError("rolled back")
    assert callbacks == [] and queued == []


def test_a_change_after_a_rolled_back_one_is_queued(
    waiting, queued, django_capture_on_commit_callbacks
):
    """A rollback drops the callbacks registered since its savepoint, not the source's
    token: the next change reuses the token, and its callback queues the source."""
    thread = ThreadFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                PostFactory(thread=thread)
                raise RuntimeError("rolled back")
            PostFactory(thread=thread)
    assert queued == [f"thread:{thread.pk}"] * 2


def test_with_a_shared_cache_a_source_waiting_in_the_queue_is_not_queued_again(
    settings, waiting, queued, django_capture_on_commit_callbacks
):
    settings.SEARCH_QUEUED_SECONDS = 60
    thread = ThreadFactory()
    source = f"thread:{thread.pk}"
    for _ in range(2):  # two commits while the task waits: one task
        with django_capture_on_commit_callbacks(execute=True):
            PostFactory(thread=thread)
    assert queued == [source]
    tasks.update_source.call(source)  # the worker starts it
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(thread=thread)
    assert queued == [source, source]


def test_without_a_shared_cache_every_commit_queues(
    settings, waiting, queued, django_capture_on_commit_callbacks
):
    """A worker cannot clear a mark in another process's memory: no marks then."""
    settings.SEARCH_QUEUED_SECONDS = 0
    thread = ThreadFactory()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            PostFactory(thread=thread)
    assert queued == [f"thread:{thread.pk}"] * 2


def test_a_failing_queue_never_fails_the_save_nor_holds_back_the_next_change(
    settings, waiting, queued, monkeypatch, django_capture_on_commit_callbacks
):
    class Down:
        def enqueue(self, *args):
            raise ConnectionError("queue unreachable")

    settings.SEARCH_QUEUED_SECONDS = 60
    thread = ThreadFactory()
    real = tasks.update_source
    monkeypatch.setattr(tasks, "update_source", Down())
    with django_capture_on_commit_callbacks(execute=True):
        post = PostFactory(thread=thread)
    assert post.pk and queued == []
    monkeypatch.setattr(tasks, "update_source", real)
    with django_capture_on_commit_callbacks(execute=True):
        PostFactory(thread=thread)
    assert queued == [f"thread:{thread.pk}"]


def test_while_the_cache_cannot_answer_every_change_is_still_queued(
    settings, waiting, queued, monkeypatch, django_capture_on_commit_callbacks
):
    """django-redis answers None through a Redis outage (its errors ignored)."""

    class Unanswering:
        def add(self, *args, **kwargs):
            return None

        def delete(self, *args, **kwargs):
            return None

    settings.SEARCH_QUEUED_SECONDS = 60
    thread = ThreadFactory()
    monkeypatch.setattr(tasks, "cache", Unanswering())
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            PostFactory(thread=thread)
    assert queued == [f"thread:{thread.pk}"] * 2
