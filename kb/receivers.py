"""Reactions to Wagtail's publishing signals (Wagtail's signals, not ours: the knowledge base
keeps its history and provenance in step with what readers see)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import Locale, Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from kb import page_cache, services
from kb.models import ARTICLE_MODELS, PolicyPage
from kb.selectors import translation_in_progress
from kb.tasks import notify_article_improved


@receiver(page_published)
def on_page_published(sender, instance, revision=None, **kwargs):
    page = instance.specific
    services.translation_record_update(page=page)
    if Page.objects.filter(translation_in_progress(), pk=page.pk).exists():
        return  # the source's text, published by wagtail-localize: nothing of its own yet
    if isinstance(page, PolicyPage) and not page.alias_of_id:
        services.policy_version_record(page=page, revision=revision)
    if isinstance(page, ARTICLE_MODELS) and page.notify_unhelpful_readers:
        improvement = services.improvement_record(page=page, revision=revision)
        transaction.on_commit(lambda: notify_article_improved.enqueue(page.pk, improvement.pk))


@receiver(page_unpublished)
def on_page_unpublished(sender, instance, **kwargs):
    """Wagtail unpublishes a page's copies (aliases) with it; a translation in progress is
    such a copy (the English text, frozen when translating began) and goes with it too."""
    if instance.locale_id == Locale.get_default().pk:
        copies = Page.objects.live().filter(
            translation_in_progress(), translation_key=instance.translation_key
        )
        for copy in copies:
            copy.unpublish(log_action=False)


@receiver(page_unpublished)
@receiver(post_page_move)
def on_tree_changed(sender, **kwargs):
    page_cache.forget_all()
    transaction.on_commit(page_cache.forget_all)


def on_page_or_privacy_saved(sender, instance, **kwargs):
    # Any page saved (published, a draft, a move, a title) or deleted, and any privacy
    # setting: anonymous readers must get the page as it is now, and never a private one.
    # At once, and again once committed: a reader between the two may have cached the page
    # as it was before the transaction.
    page_cache.forget_all()
    transaction.on_commit(page_cache.forget_all)


def connect_page_models() -> None:
    """Connect ``on_page_or_privacy_saved`` to each page model and to privacy settings
    (KbConfig.ready, once every model is loaded); not to every model, which would take
    Django's fast path away from every delete in the project."""
    from wagtail.models import get_page_models

    for model in [*get_page_models(), PageViewRestriction]:
        uid = f"kb-page-cache-{model._meta.label}"
        post_save.connect(on_page_or_privacy_saved, sender=model, dispatch_uid=uid)
        post_delete.connect(on_page_or_privacy_saved, sender=model, dispatch_uid=uid)
    from wagtail_localize.models import StringTranslation

    post_save.connect(
        on_string_translation_saved, sender=StringTranslation, dispatch_uid="kb-slug-follows-title"
    )


def on_string_translation_saved(sender, instance, created, raw=False, **kwargs):
    """A page title translated: its slug follows (``kb.translating.slug_follows_title``)."""
    from kb import translating

    if raw or instance.tool_name == translating.SLUG_TOOL:
        return
    if instance.context_id is not None and instance.context.path == "title":
        translating.slug_follows_title(instance)
