"""Every state change the knowledge base makes outside Wagtail's own editing."""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Page

from kb import view_counts
from kb.models import (
    ArticleChangeSubscription,
    ArticleFeedback,
    ArticleImprovement,
    PolicyPage,
    PolicyVersion,
    TranslationRecord,
)
from kb.text import html_to_text
from site_config import sanitise

logger = logging.getLogger(__name__)

COMMENT_MAX = 1000


def clean_comment(text: str) -> str:
    """Plain text only: markup is removed, not escaped, so it never reaches an e-mail or
    the admin as HTML; whitespace inside lines is kept as the reader wrote it."""
    text = sanitise.text_only(text or "")
    text = "".join(ch for ch in text if ch.isprintable() or ch in "\n\t")
    return text.strip()[:COMMENT_MAX]


@transaction.atomic
def feedback_record(
    *, page: Page, helpful: bool, user=None, session_key: str = ""
) -> ArticleFeedback:
    """Record or change a visitor's vote: one per user, or per session when signed out."""
    if user:
        lookup = {"page": page, "user": user}
    else:
        lookup = {"page": page, "user": None, "session_key": session_key}
    feedback = ArticleFeedback.objects.select_for_update().filter(**lookup).first()
    if feedback is None:
        try:
            with transaction.atomic():
                return ArticleFeedback.objects.create(helpful=helpful, **lookup)
        except IntegrityError:  # the same visitor, twice at once: keep one vote
            feedback = ArticleFeedback.objects.select_for_update().get(**lookup)
    if feedback.helpful != helpful:
        feedback.helpful = helpful
        if helpful:
            feedback.reason, feedback.comment = "", ""
        feedback.save(update_fields=["helpful", "reason", "comment", "updated_at"])
    return feedback


@transaction.atomic
def feedback_explain(*, feedback: ArticleFeedback, reason: str, comment: str) -> ArticleFeedback:
    """Add the optional reason and comment to a "not helpful" vote."""
    feedback.reason = reason
    feedback.comment = clean_comment(comment)
    feedback.save(update_fields=["reason", "comment", "updated_at"])
    return feedback


def change_subscribe(*, page: Page, user) -> ArticleChangeSubscription:
    """Ask for one e-mail when the article is next improved. The caller checks sign-in."""
    subscription, created = ArticleChangeSubscription.objects.get_or_create(page=page, user=user)
    if not created and subscription.notified_at:
        # Told once already: a new complaint starts a new wait.
        subscription.notified_at = None
        subscription.notified_revision = None
        subscription.save(update_fields=["notified_at", "notified_revision"])
    return subscription


def view_record(*, page: Page | None = None, page_id: int | None = None) -> None:
    """Count a view of an article for today: counted in the cache and added to
    ``ArticleDailyViews`` in batches (``kb.view_counts``), not an UPDATE per read."""
    view_counts.count(page.pk if page is not None else page_id)


def policy_version_record(*, page: PolicyPage, revision) -> PolicyVersion:
    """Keep the version readers see from now on in the public change history."""
    page = page.specific
    existing = PolicyVersion.objects.filter(revision=revision).first() if revision else None
    if existing:
        return existing
    last = PolicyVersion.objects.filter(page=page).order_by("-number").first()
    sections = [{"heading": s["heading"], "text": html_to_text(s["body"])} for s in page.sections()]
    if last and last.sections == sections and last.title == page.title:
        # Republishing the same text (a typo in the note, a schedule change) is not a version.
        return last
    return PolicyVersion.objects.create(
        page=page,
        revision=revision,
        number=(last.number + 1) if last else 1,
        published_at=page.last_published_at or timezone.now(),
        effective_date=page.effective_date,
        change_note=page.change_note,
        title=page.title,
        sections=sections,
    )


def translation_record_update(*, page: Page) -> TranslationRecord | None:
    """Note which source revision a just-published translation corresponds to."""
    if page.alias_of_id:
        return None
    source = (
        Page.objects.filter(
            translation_key=page.translation_key, locale__language_code=settings.LANGUAGE_CODE
        )
        .exclude(pk=page.pk)
        .first()
    )
    if source is None:
        return None
    recorded = TranslationRecord.objects.filter(page=page).exists()
    if not recorded and _nothing_translated(page, source):
        # wagtail-localize published its page with the source's text in every place (its
        # "Sync translated pages" with "Publish" ticked, before a translator wrote a word):
        # still a translation in progress, which readers see as the original with a notice.
        return None
    record, _ = TranslationRecord.objects.update_or_create(
        page=page,
        defaults={
            "source_page": source,
            "source_revision_id": source.live_revision_id,
            "source_published_at": source.last_published_at,
        },
    )
    return record


def _nothing_translated(page: Page, source: Page) -> bool:
    """Whether wagtail-localize translates ``source`` into the page's language and none of
    its text has been translated yet."""
    from wagtail_localize.models import Translation

    translation = Translation.objects.filter(
        source__object_id=page.translation_key,
        source__locale_id=source.locale_id,
        target_locale_id=page.locale_id,
    ).first()
    if translation is None:
        return False
    total, translated = translation.get_progress()
    return total > 0 and translated == 0


def improvement_record(*, page: Page, revision) -> ArticleImprovement:
    """An editor published a fix for what readers complained about."""
    improvement, _ = ArticleImprovement.objects.get_or_create(
        page=page,
        revision=revision,
        defaults={"published_at": page.last_published_at or timezone.now()},
    )
    return improvement
