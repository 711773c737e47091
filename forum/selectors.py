"""Reads for the forum, with the joins views would otherwise forget. Every list here runs a
fixed number of queries, however many rows it returns (tests hold it to that)."""

import re
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import (
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext as _
from wagtail.models import Page

from forum import permissions
from forum.models import (
    Board,
    BoardTranslation,
    KbPromotion,
    MeToo,
    ModerationLog,
    Notification,
    Post,
    Profile,
    Report,
    Subscription,
    Thread,
    Vote,
)
from forum.models.threads import Visibility
from kb.models import FaqPage, TopicPage


def sort_labels() -> dict[str, str]:
    # Built per call so each label follows the visitor's language.
    return {
        "active": _("Latest activity"),
        "newest": _("Newest"),
        "unanswered": _("Unanswered"),
        "wanted": _("Most wanted"),
        "solved": _("Solved"),
    }


def profile_for_user(user) -> Profile:
    """The user's profile; an unsaved placeholder for accounts made outside sign-up
    (``createsuperuser``, the Django admin) until they choose a name."""
    try:
        return Profile.objects.select_related("user").get(user=user)
    except Profile.DoesNotExist:
        return Profile(user=user, display_name=_("Member %(id)s") % {"id": user.pk})


def board_url_for_topic(topic) -> str:
    """The community board linked to a knowledge base topic (in any of its languages)."""
    from django.urls import reverse

    board = Board.objects.filter(topic__translation_key=topic.translation_key).only("slug").first()
    return reverse("forum:board", kwargs={"slug": board.slug}) if board else ""


def boards():
    return Board.objects.prefetch_related(
        Prefetch("translations", queryset=BoardTranslation.objects.all())
    )


def _thread_list_base():
    return Thread.objects.filter(visibility=Visibility.VISIBLE, merged_into__isnull=True)


def threads(*, language: str | None, board: Board | None = None, sort: str = "active"):
    """Visible threads, in one language or (``language=None``) all, the visitor's first."""
    qs = _thread_list_base().select_related("author__forum_profile", "board")
    qs = qs.prefetch_related(Prefetch("board__translations"))
    if board is not None:
        qs = qs.filter(board=board)
    if language:
        qs = qs.filter(language=language)
    order: list = []
    if sort == "unanswered":
        qs = qs.filter(reply_count=0)
        order = ["created_at"]
    elif sort == "solved":
        qs = qs.filter(solution__isnull=False)
        order = ["-last_activity_at"]
    elif sort == "wanted":
        order = ["-me_too_count", "-last_activity_at"]
    elif sort == "newest":
        order = ["-created_at"]
    else:
        order = ["-is_pinned", "-last_activity_at"]
    return qs.order_by(*order, "-pk")


def threads_in_language_first(qs, language: str):
    """All languages, the visitor's own first."""
    first = Case(
        When(language=language, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(_language_first=first).order_by("_language_first", *qs.query.order_by)


def thread_for_view(pk: int) -> Thread | None:
    return (
        Thread.objects.select_related("board", "author__forum_profile", "merged_into")
        .prefetch_related("board__translations", "tags")
        .filter(pk=pk)
        .first()
    )


def team_display_names(*, exclude_user_id: int | None = None) -> list[str]:
    """The display names of the shop's team (a few dozen at most), for refusing look-alikes."""
    return list(
        Profile.objects.filter(permissions.team_q("user__"))
        .exclude(user_id=exclude_user_id)
        .values_list("display_name", flat=True)
        .distinct()
    )


def team_member_ids(user_ids) -> set[int]:
    """Which of these members are the shop's team (for the staff badge), in one query."""
    return set(
        get_user_model()
        .objects.filter(pk__in=set(user_ids))
        .filter(permissions.team_q())
        .values_list("pk", flat=True)
        .distinct()
    )


@dataclass
class ThreadPage:
    thread: Thread
    question: Post | None
    replies: list[Post]
    solution: Post | None
    official: Post | None
    team_ids: set[int]
    my_votes: dict[int, int]
    me_too: bool
    watching: bool
    versions: list[Thread]


def thread_page(thread: Thread, user) -> ThreadPage:
    """Everything the thread page shows, in a fixed number of queries."""
    posts = Post.objects.filter(thread=thread).select_related("author__forum_profile")
    if not permissions.is_moderator(user):
        mine = Q(visibility=Visibility.HELD, author_id=user.pk) if user.is_authenticated else Q()
        posts = (
            posts.filter(Q(visibility=Visibility.VISIBLE) | mine)
            if mine
            else posts.filter(visibility=Visibility.VISIBLE)
        )
    posts = list(posts.order_by("created_at", "pk"))
    for post in posts:
        post.thread = thread  # permission checks read it: no query per post
    question = next((p for p in posts if p.is_question), None)
    replies = [p for p in posts if not p.is_question]
    by_id = {p.pk: p for p in posts}
    official = by_id.get(thread.official_answer_id)
    solution = by_id.get(thread.solution_id)
    team_ids = team_member_ids(p.author_id for p in posts)
    my_votes, me_too, watching = {}, False, False
    if user.is_authenticated:
        my_votes = dict(
            Vote.objects.filter(user=user, post__thread=thread).values_list("post_id", "value")
        )
        me_too = MeToo.objects.filter(thread=thread, user=user).exists()
        watching = Subscription.objects.filter(thread=thread, user=user).exists()
    versions = list(
        _thread_list_base()
        .filter(translation_key=thread.translation_key)
        .exclude(pk=thread.pk)
        .only("pk", "title", "language")
    )
    return ThreadPage(
        thread,
        question,
        replies,
        solution,
        official,
        team_ids,
        my_votes,
        me_too,
        watching,
        versions,
    )


def member_stats(user) -> dict:
    """Public counts for a member's profile."""
    visible = Post.objects.filter(author=user, visibility=Visibility.VISIBLE)
    return visible.aggregate(
        answers=Count("pk", filter=Q(is_question=False)),
        questions=Count("pk", filter=Q(is_question=True)),
    ) | {
        "solutions": Thread.objects.filter(
            solution__author=user, visibility=Visibility.VISIBLE
        ).count(),
        "official": Thread.objects.filter(
            official_answer__author=user, visibility=Visibility.VISIBLE
        ).count(),
    }


def recent_posts_of(user, limit: int = 10):
    return (
        Post.objects.filter(
            author=user, visibility=Visibility.VISIBLE, thread__visibility=Visibility.VISIBLE
        )
        .select_related("thread")
        .order_by("-created_at")[:limit]
    )


def official_answers(language: str):
    """Threads with an official answer, newest answer first."""
    return (
        _thread_list_base()
        .filter(language=language, official_answer__isnull=False)
        .select_related("official_answer__author__forum_profile", "board")
        .order_by("-official_answer__created_at")
    )


def staff_queue(*, language: str | None):
    """Unanswered oldest first; then threads with replies but no official answer."""
    base = _thread_list_base()
    if language:
        base = base.filter(language=language)
    wait = ExpressionWrapper(F("first_reply_at") - F("created_at"), output_field=DurationField())
    return {
        "unanswered": base.filter(reply_count=0).order_by("created_at", "pk"),
        "no_official": base.filter(reply_count__gt=0, official_answer__isnull=True)
        .annotate(first_reply_wait=wait)
        .order_by("created_at", "pk"),
        "answered": base.filter(first_reply_at__isnull=False)
        .annotate(first_reply_wait=wait)
        .order_by("-created_at", "-pk"),
    }


def held_posts():
    return (
        Post.objects.filter(visibility=Visibility.HELD)
        .select_related("thread__board", "author__forum_profile")
        .order_by("created_at", "pk")
    )


def open_reports():
    """Open reports, oldest first, with the post and who reported it."""
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("post__thread", "post__author__forum_profile", "reporter__forum_profile")
        .order_by("created_at", "pk")
    )


def moderation_log():
    return ModerationLog.objects.select_related(
        "actor__forum_profile", "thread", "post__thread", "target_user__forum_profile"
    )


def notifications_for(user):
    """The member's notifications about what can still be seen (a post hidden since, or a
    thread merged away, drops out)."""
    return Notification.objects.filter(
        user=user,
        post__visibility=Visibility.VISIBLE,
        thread__visibility=Visibility.VISIBLE,
        thread__merged_into__isnull=True,
    ).select_related("thread", "post__thread", "post__author__forum_profile")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    # Asked by the header and the forum menu on one page: count once per request's user.
    if not hasattr(user, "_forum_unread"):
        user._forum_unread = notifications_for(user).filter(read_at__isnull=True).count()
    return user._forum_unread


def watched_for(user):
    visible_or_board = Q(thread__isnull=True) | Q(
        thread__visibility=Visibility.VISIBLE, thread__merged_into__isnull=True
    )
    return (
        Subscription.objects.filter(visible_or_board, user=user)
        .select_related("thread", "board")
        .prefetch_related("board__translations")
    )


def similar_solved_threads(title: str, language: str, limit: int = 5):
    """Solved threads whose titles share words with ``title`` (the ask form's suggestions
    until search indexes the forum)."""
    words = re.findall(r"\w{3,}", title.lower())[:6]
    if not words:
        return Thread.objects.none()
    match = Q()
    for word in words:
        match |= Q(title__icontains=word)
    return (
        _thread_list_base()
        .filter(match, language=language)
        .order_by("-solution_id", "-me_too_count", "-last_activity_at")
        .only("pk", "title", "language", "solution_id", "reply_count")[:limit]
    )


@dataclass
class KbTopicTargets:
    """One topic of the knowledge base as the promote form offers it: its FAQ pages, and
    a new FAQ page in it."""

    topic_id: int
    label: str
    faq_pages: list[dict]  # {"pk", "title", "live"}, in tree order
    is_board_topic: bool


def kb_promotion_targets(
    *, language: str, board: Board | None = None, topic_id: int | None = None
) -> list[KbTopicTargets]:
    """Where an answer may be promoted: the FAQ pages of one language, grouped by topic (a
    sub-topic labelled "Topic › Sub-topic"), the board's topic (or the topic ``topic_id``, in
    any language) and its sub-topics first. Copies of pages in another language (aliases)
    are left out: they cannot be edited. Three queries, however many pages."""
    if board is not None:
        topic_id = board.topic_id
    board_key = (
        Page.objects.filter(pk=topic_id).values_list("translation_key", flat=True).first()
        if topic_id
        else None
    )
    in_language = {"locale__language_code": language, "alias_of__isnull": True}
    topics = list(
        TopicPage.objects.filter(**in_language)
        .order_by("path")
        .values("pk", "path", "title", "translation_key")
    )
    faq_pages = FaqPage.objects.filter(**in_language).order_by("path")
    by_topic: dict[str, list[dict]] = {}
    for page in faq_pages.values("pk", "path", "title", "live"):
        by_topic.setdefault(page["path"][: -Page.steplen], []).append(page)
    titles = {topic["path"]: topic["title"] for topic in topics}
    board_path = next((t["path"] for t in topics if t["translation_key"] == board_key), None)
    groups = []
    for topic in topics:
        parent = titles.get(topic["path"][: -Page.steplen])
        groups.append(
            KbTopicTargets(
                topic_id=topic["pk"],
                label=f"{parent} › {topic['title']}" if parent else topic["title"],
                faq_pages=by_topic.get(topic["path"], []),
                is_board_topic=bool(board_path and topic["path"].startswith(board_path)),
            )
        )
    # sorted() keeps tree order within the board's topic and within the others.
    return sorted(groups, key=lambda group: not group.is_board_topic)


def promotion_of(post: Post):
    """The knowledge base draft an answer was promoted to, if any."""
    return KbPromotion.objects.filter(post=post).select_related("page").first()
