"""What readers tell us about articles, and who asked to hear about changes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArticleFeedback(models.Model):
    """One visitor's "was this helpful?" answer for one article (changeable, never doubled)."""

    class Reason(models.TextChoices):
        OUTDATED = "outdated", _("It is out of date")
        UNCLEAR = "unclear", _("It is hard to understand")
        NOT_SOLVED = "not_solved", _("It did not solve my problem")
        OTHER = "other", _("Something else")

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="article_feedback"
    )
    helpful = models.BooleanField(_("helpful"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    comment = models.TextField(_("comment"), max_length=1000, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    session_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "user"],
                condition=Q(user__isnull=False),
                name="kb_feedback_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["page", "session_key"],
                condition=Q(user__isnull=True),
                name="kb_feedback_one_per_session",
            ),
        ]
        indexes = [models.Index(fields=["page", "created_at"])]

    def __str__(self) -> str:
        return f"{self.page_id}: {'yes' if self.helpful else 'no'}"


class ArticleChangeSubscription(models.Model):
    """A reader who found an article unhelpful and wants one e-mail when it is fixed."""

    page = models.ForeignKey(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="change_subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    notified_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("article change subscription")
        verbose_name_plural = _("article change subscriptions")
        constraints = [
            models.UniqueConstraint(fields=["page", "user"], name="kb_one_subscription_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} waits for {self.page_id}"


class ArticleDailyViews(models.Model):
    """Views per article per day: "most viewed" without a row per request."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article views per day")
        verbose_name_plural = _("article views per day")
        constraints = [
            models.UniqueConstraint(fields=["page", "day"], name="kb_one_view_row_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} {self.day}: {self.views}"


class ArticleImprovement(models.Model):
    """A version an editor published to fix what readers complained about; the report
    compares helpfulness before and after it."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField()
    readers_notified = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("article improvement")
        verbose_name_plural = _("article improvements")
        ordering = ["-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["page", "revision"], name="kb_one_improvement_per_rev")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} improved {self.published_at:%Y-%m-%d}"
