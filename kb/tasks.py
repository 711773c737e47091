"""Background work for the knowledge base (django-tasks: immediate in development and tests,
the database worker in production). Tasks take ids, fetch again, and never send twice."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task
from wagtail.models import Page

from kb.models import ArticleChangeSubscription, ArticleImprovement

logger = logging.getLogger(__name__)


@task()
def notify_article_improved(page_id: int, improvement_id: int) -> int:
    """E-mail each reader waiting for this article to change, once. Returns how many."""
    page = Page.objects.select_related("locale").filter(pk=page_id).first()
    if page is None or not page.live:
        return 0
    sent = 0
    waiting = ArticleChangeSubscription.objects.filter(
        page_id=page_id, notified_at__isnull=True, user__is_active=True
    ).select_related("user")
    improvement = ArticleImprovement.objects.filter(pk=improvement_id).first()
    for subscription in waiting:
        # Claim first: a second worker running the same task finds nothing left to send.
        claimed = ArticleChangeSubscription.objects.filter(
            pk=subscription.pk, notified_at__isnull=True
        ).update(
            notified_at=timezone.now(),
            notified_revision_id=improvement.revision_id if improvement else None,
        )
        if not claimed or not subscription.user.email:
            continue
        with translation.override(page.locale.language_code):
            context = {"page": page, "url": page.get_full_url(), "site_url": settings.BASE_URL}
            subject = render_to_string("kb/email/article_improved_subject.txt", context)
            body = render_to_string("kb/email/article_improved.txt", context)
        try:
            send_mail(" ".join(subject.split()), body, None, [subscription.user.email])
        except Exception:
            # Give the reader back their place so a retry can tell them.
            ArticleChangeSubscription.objects.filter(pk=subscription.pk).update(
                notified_at=None, notified_revision=None
            )
            logger.exception(
                "could not tell reader %s about page %s", subscription.user_id, page_id
            )
            raise
        sent += 1
    if improvement and sent:
        ArticleImprovement.objects.filter(pk=improvement.pk).update(
            readers_notified=F("readers_notified") + sent
        )
    return sent
