"""What keeps the index right: page publish, unpublish, move, delete and privacy changes,
and the forum's ``thread_changed``. Each change asks for its source to be indexed after
the transaction commits (at once outside one), with the source's id only; the task
fetches the current state itself. A rollback drops the request with the change.

One transaction may ask for a source many times (fifty posts of a thread saved, a topic
and each of its articles unpublished): the source is queued once. Each change registers
its own ``on_commit`` callback, since only Django knows which of them a rollback dropped;
the callbacks one transaction registered for a source share a token, and the first of
them to run queues the task, the rest see the token spent. A transaction that rolled back
leaves its unspent token to the source's next change, which queues it as usual."""

import threading

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from forum.models import Thread
from forum.signals import thread_changed
from search import planning, tasks
from search.documents import page_source, thread_source
from search.models import Synonym

# Per thread, as Django's connections (and so their transactions) are: source → the token
# its callbacks waiting for a commit share.
_waiting = threading.local()


def _tokens() -> dict[str, object]:
    if not hasattr(_waiting, "tokens"):
        _waiting.tokens = {}
    return _waiting.tokens


def enqueue(source: str) -> None:
    token = _tokens().setdefault(source, object())
    transaction.on_commit(lambda: _send(source, token), robust=True)


def _send(source: str, token: object) -> None:
    tokens = _tokens()
    if tokens.get(source) is token:
        del tokens[source]
        tasks.enqueue_update(source)


def _page_and_descendants(page) -> None:
    """A page and what is under it (a topic's title or address changes its articles)."""
    for page_id in Page.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True):
        enqueue(page_source(page_id))


def _threads_of_topic(page) -> None:
    """Threads in boards linked to this topic (in any language) carry its title."""
    ids = Thread.objects.filter(board__topic__translation_key=page.translation_key).values_list(
        "pk", flat=True
    )
    for thread_id in ids:
        enqueue(thread_source(thread_id))


@receiver(page_published)
def on_publish(sender, instance, **kwargs):
    if instance.is_leaf():
        enqueue(page_source(instance.pk))
    else:
        _page_and_descendants(instance)
        _threads_of_topic(instance)


@receiver(page_unpublished)
def on_unpublish(sender, instance, **kwargs):
    _page_and_descendants(instance)


@receiver(post_page_move)
def on_move(sender, instance, **kwargs):
    _page_and_descendants(instance)


def on_delete(sender, instance, **kwargs):
    enqueue(page_source(instance.pk))


def connect_page_models() -> None:
    """Connect ``on_delete`` to each page model (SearchConfig.ready, once every model is
    loaded). Not to every model: a post_delete receiver without a sender takes Django's
    fast path away from every delete in the project (a rebuild emptying the index would
    load each of 100,000 rows first)."""
    from wagtail.models import get_page_models

    for model in get_page_models():
        post_delete.connect(on_delete, sender=model, dispatch_uid=f"search-{model._meta.label}")


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def on_privacy_change(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        _page_and_descendants(page)


@receiver(post_save, sender=Synonym)
@receiver(post_delete, sender=Synonym)
def on_synonyms_changed(sender, instance, **kwargs):
    # Queries expand synonyms at once; Elasticsearch's synonym filter follows on rebuild.
    planning.forget_synonyms(instance.language)


@receiver(post_save, sender="forum.Thread")
@receiver(post_delete, sender="forum.Thread")
def on_thread_saved(sender, instance, **kwargs):
    # Catches changes made outside the services (the Django admin, data migrations).
    enqueue(thread_source(instance.pk))


@receiver(post_save, sender="forum.Post")
@receiver(post_delete, sender="forum.Post")
def on_post_saved(sender, instance, **kwargs):
    enqueue(thread_source(instance.thread_id))


@receiver(post_save, sender="forum.Board")
def on_board_saved(sender, instance, **kwargs):
    for thread_id in instance.threads.values_list("pk", flat=True):
        enqueue(thread_source(thread_id))


@receiver(post_save, sender="forum.Profile")
def on_profile_saved(sender, instance, update_fields=None, **kwargs):
    # A ban or unban changes whether the member's threads are searchable.
    if update_fields is None or "banned_at" in update_fields:
        for thread_id in (
            Thread.objects.filter(posts__author_id=instance.user_id)
            .values_list("pk", flat=True)
            .distinct()
        ):
            enqueue(thread_source(thread_id))


@receiver(thread_changed)
def on_thread_changed(sender, thread_id, **kwargs):
    # Already after commit (forum sends it so): queued at once.
    tasks.enqueue_update(thread_source(thread_id))
