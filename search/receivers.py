"""What keeps the index right: page publish, unpublish, move, delete and privacy changes,
and the forum's ``thread_changed``. Each enqueues an index task after the transaction
commits, with the source's id only; the task fetches the current state itself."""

import logging

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from forum.signals import thread_changed
from search.documents import page_source, thread_source
from search.models import Synonym

logger = logging.getLogger(__name__)


def enqueue(source: str) -> None:
    def send():
        from search.tasks import update_source

        try:
            update_source.enqueue(source)
        except Exception:  # noqa: BLE001 - a failing queue must not fail the save
            logger.exception("could not queue search indexing of %s", source)

    transaction.on_commit(send, robust=True)


def _page_and_descendants(page) -> None:
    """A page and what is under it (a topic's title or address changes its articles)."""
    for page_id in Page.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True):
        enqueue(page_source(page_id))


@receiver(page_published)
def on_publish(sender, instance, **kwargs):
    if instance.is_leaf():
        enqueue(page_source(instance.pk))
    else:
        _page_and_descendants(instance)


@receiver(page_unpublished)
def on_unpublish(sender, instance, **kwargs):
    _page_and_descendants(instance)


@receiver(post_page_move)
def on_move(sender, instance, **kwargs):
    _page_and_descendants(instance)


@receiver(post_delete)
def on_delete(sender, instance, **kwargs):
    if isinstance(instance, Page):
        enqueue(page_source(instance.pk))


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
    from search import api

    api.forget_synonyms(instance.language)


@receiver(thread_changed)
def on_thread_changed(sender, thread_id, **kwargs):
    # Already after commit (forum sends it so); enqueue at once.
    from search.tasks import update_source

    try:
        update_source.enqueue(thread_source(thread_id))
    except Exception:  # noqa: BLE001
        logger.exception("could not queue search indexing of thread %s", thread_id)
