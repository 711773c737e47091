"""Reactions to Wagtail's publishing signals (Wagtail's signals, not ours: the knowledge base
keeps its history and provenance in step with what readers see)."""

from django.db import transaction
from django.dispatch import receiver
from wagtail.signals import page_published

from kb import services
from kb.models import ARTICLE_MODELS, PolicyPage


@receiver(page_published)
def on_page_published(sender, instance, revision=None, **kwargs):
    page = instance.specific
    if isinstance(page, PolicyPage) and not page.alias_of_id:
        services.policy_version_record(page=page, revision=revision)
    services.translation_record_update(page=page)
    if isinstance(page, ARTICLE_MODELS) and page.notify_unhelpful_readers:
        from kb.tasks import notify_article_improved

        improvement = services.improvement_record(page=page, revision=revision)
        transaction.on_commit(lambda: notify_article_improved.enqueue(page.pk, improvement.pk))
