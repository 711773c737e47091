import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from site_config.slugs import ascii_slug


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    # Waiting for a moderator: only the author and moderators see it.
    HELD = "held", _("Awaiting approval")
    # Kept for the record; only moderators see it.
    HIDDEN = "hidden", _("Hidden")


class ThreadTag(TaggedItemBase):
    content_object = models.ForeignKey(
        "forum.Thread", on_delete=models.CASCADE, related_name="tagged_items"
    )


class Thread(models.Model):
    """A question and its replies, in one language. The question's text is the first post."""

    board = models.ForeignKey(
        "forum.Board", verbose_name=_("board"), on_delete=models.PROTECT, related_name="threads"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=150)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_threads"
    )
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    is_locked = models.BooleanField(_("locked"), default=False)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    solution = models.ForeignKey(
        "forum.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # One field, so one official answer per thread by construction.
    official_answer = models.ForeignKey(
        "forum.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_threads"
    )
    # Threads that say the same in other languages share a key (set by moderators).
    translation_key = models.UUIDField(default=uuid.uuid4, db_index=True)
    # Kept by the services, so lists sort and count without joins.
    reply_count = models.PositiveIntegerField(default=0)
    me_too_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)
    first_reply_at = models.DateTimeField(_("first reply at"), null=True, blank=True)

    tags = TaggableManager(through=ThreadTag, blank=True, verbose_name=_("tags"))

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        permissions = [
            ("moderate_forum", _("Can moderate the forum")),
            ("give_official_answers", _("Can give official answers")),
        ]
        indexes = [
            models.Index(fields=["language", "visibility", "-last_activity_at"]),
            models.Index(fields=["board", "visibility", "-last_activity_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        # A thread lives under its own language's prefix, whatever the visitor's language.
        with translation.override(self.language):
            return reverse("forum:thread", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def slug(self) -> str:
        return ascii_slug(self.title, default="thread")

    @property
    def is_solved(self) -> bool:
        return self.solution_id is not None

    @property
    def is_visible(self) -> bool:
        return self.visibility == Visibility.VISIBLE and self.merged_into_id is None


class Post(models.Model):
    """The question (``is_question``) or a reply. ``body`` is what the member wrote, kept as
    written; ``body_html`` is its sanitised rendering, refreshed whenever ``body`` changes."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forum_posts"
    )
    is_question = models.BooleanField(default=False)
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    visibility = models.CharField(
        _("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.VISIBLE
    )
    helpful_count = models.IntegerField(default=0)
    unhelpful_count = models.IntegerField(default=0)
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [models.Index(fields=["thread", "visibility", "created_at"])]

    def __str__(self) -> str:
        return f"{self.thread.title} #{self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.thread.get_absolute_url()}#post-{self.pk}"

    @property
    def is_visible(self) -> bool:
        return self.visibility == Visibility.VISIBLE


class PostRevision(models.Model):
    """The text of a post before an edit: staff can see every version."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    title = models.CharField(max_length=150, blank=True)
    body = models.TextField()
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"post {self.post_id} before {self.created_at:%Y-%m-%d %H:%M}"
