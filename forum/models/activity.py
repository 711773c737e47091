from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Vote(models.Model):
    """One member's opinion of one reply; changeable, never counted twice."""

    HELPFUL, UNHELPFUL = 1, -1

    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(
        choices=[(HELPFUL, _("Helpful")), (UNHELPFUL, _("Not helpful"))]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="vote_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → post {self.post_id}: {self.value:+d}"


class MeToo(models.Model):
    """ "I have this problem too": how many customers a question stands for."""

    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="me_toos")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["thread", "user"], name="me_too_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → thread {self.thread_id}"


class Subscription(models.Model):
    """A member watching a thread or a whole board."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_subscriptions"
    )
    thread = models.ForeignKey(
        "forum.Thread",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    board = models.ForeignKey(
        "forum.Board", null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(thread__isnull=False, board__isnull=True)
                | Q(thread__isnull=True, board__isnull=False),
                name="subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "thread"],
                condition=Q(thread__isnull=False),
                name="watch_thread_once",
            ),
            models.UniqueConstraint(
                fields=["user", "board"], condition=Q(board__isnull=False), name="watch_board_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} watches {self.thread_id or self.board_id}"


class Notification(models.Model):
    class Kind(models.TextChoices):
        NEW_THREAD = "new_thread", _("New question")
        REPLY = "reply", _("New reply")
        SOLUTION = "solution", _("Marked as the solution")
        OFFICIAL = "official", _("Official answer")
        # To the author alone: a post a moderator held is now public.
        APPROVED = "approved", _("Post approved")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="forum_notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    thread = models.ForeignKey("forum.Thread", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("forum.Post", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # One per member per event, however often a task is retried.
            models.UniqueConstraint(fields=["user", "post", "kind"], name="notify_once")
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user_id}"
