"""Solutions, official answers, votes, "me too", and promotion to the knowledge base.

Concurrency: each service first takes the row lock of the thread (or post) it changes, so
two staff marking official at once, or twenty members voting at once, are serialised by the
database and the counts are recounted from rows, never incremented blindly."""

import bleach
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from forum.models import KbPromotion, MeToo, ModerationLog, Notification, Post, Thread, Vote
from forum.models.threads import Visibility
from forum.services._common import changed, lock_thread, log, notify


def _visible_reply(reply: Post, thread: Thread) -> None:
    if reply.is_question or reply.thread_id != thread.pk or reply.visibility != Visibility.VISIBLE:
        raise ValidationError(_("Only a visible reply in this thread can be chosen."))


@transaction.atomic
def reply_accept(*, reply: Post, by) -> Thread:
    """Mark the reply that solved the question (replacing any earlier choice). The caller
    checks ``permissions.can_accept``."""
    thread = lock_thread(reply.thread_id)
    _visible_reply(reply, thread)
    if thread.solution_id == reply.pk:
        return thread
    thread.solution = reply
    thread.save(update_fields=["solution"])
    changed(thread.pk)
    notify(reply.pk, Notification.Kind.SOLUTION, by.pk)
    return thread


@transaction.atomic
def thread_unaccept(*, thread: Thread, by) -> Thread:
    """Take back the solution mark. The caller checks ``permissions.can_accept``."""
    thread = lock_thread(thread.pk)
    if thread.solution_id:
        thread.solution = None
        thread.save(update_fields=["solution"])
        changed(thread.pk)
    return thread


@transaction.atomic
def reply_mark_official(*, reply: Post, by) -> Thread:
    """Make the reply the thread's one official answer (replacing any other). The caller
    checks ``permissions.can_mark_official``."""
    thread = lock_thread(reply.thread_id)
    _visible_reply(reply, thread)
    if thread.official_answer_id == reply.pk:
        return thread
    previous = thread.official_answer_id
    thread.official_answer = reply
    thread.save(update_fields=["official_answer"])
    log(ModerationLog.Action.OFFICIAL, actor=by, thread=thread, post=reply, replaced=previous)
    changed(thread.pk)
    notify(reply.pk, Notification.Kind.OFFICIAL, by.pk)
    return thread


@transaction.atomic
def reply_unmark_official(*, thread: Thread, by) -> Thread:
    """Remove the official mark. The caller checks ``permissions.can_mark_official``."""
    thread = lock_thread(thread.pk)
    if thread.official_answer_id:
        post_id = thread.official_answer_id
        thread.official_answer = None
        thread.save(update_fields=["official_answer"])
        log(ModerationLog.Action.UNOFFICIAL, actor=by, thread=thread, post_id=post_id)
        changed(thread.pk)
    return thread


@transaction.atomic
def reply_vote(*, reply: Post, user, value: int) -> Post:
    """Record, change (``value`` 1 or -1) or withdraw (0) the member's vote on a reply. The
    caller checks ``permissions.can_vote``."""
    if value not in (Vote.HELPFUL, Vote.UNHELPFUL, 0):
        raise ValidationError(_("Unknown vote."))
    post = Post.objects.select_for_update().get(pk=reply.pk)
    if value == 0:
        Vote.objects.filter(post=post, user=user).delete()
    else:
        Vote.objects.update_or_create(post=post, user=user, defaults={"value": value})
    post.helpful_count = post.votes.filter(value=Vote.HELPFUL).count()
    post.unhelpful_count = post.votes.filter(value=Vote.UNHELPFUL).count()
    post.save(update_fields=["helpful_count", "unhelpful_count"])
    return post


@transaction.atomic
def thread_me_too(*, thread: Thread, user, on: bool) -> Thread:
    """Say (or take back) "I have this problem too". The caller checks
    ``permissions.can_me_too``."""
    thread = lock_thread(thread.pk)
    if on:
        MeToo.objects.get_or_create(thread=thread, user=user)
    else:
        MeToo.objects.filter(thread=thread, user=user).delete()
    thread.me_too_count = thread.me_toos.count()
    thread.save(update_fields=["me_too_count"])
    return thread


_KB_TAGS = ["p", "br", "a", "ul", "ol", "li", "b", "i", "strong", "em"]


@transaction.atomic
def reply_promote_to_kb(*, reply: Post, by) -> KbPromotion:
    """Copy an official answer into a draft FAQ question for an editor to review: into the
    first FAQ page of the board's topic in the thread's language, or a new draft FAQ page
    there. Nothing goes live. The caller checks ``permissions.can_promote``."""
    from wagtail.models import Locale, PageLogEntry
    from wagtail.rich_text import RichText

    from kb.blocks import anchor_for
    from kb.models import FaqPage

    thread = lock_thread(reply.thread_id)
    if thread.official_answer_id != reply.pk:
        raise ValidationError(_("Only the official answer can be promoted."))
    existing = KbPromotion.objects.filter(post=reply).select_related("page").first()
    if existing is not None:  # a second click, or a second member of staff
        return existing
    topic = thread.board.topic
    if topic is None:
        raise ValidationError(
            _("This board has no knowledge base topic. Link one to the board first.")
        )
    locale = Locale.objects.filter(language_code=thread.language).first()
    topic = topic.get_translation_or_none(locale) if locale else None
    if topic is None:
        raise ValidationError(_("The board's topic has no page in this thread's language yet."))

    answer = bleach.clean(reply.body_html, tags=_KB_TAGS, attributes={"a": ["href"]}, strip=True)
    faq = FaqPage.objects.child_of(topic).filter(alias_of__isnull=True).order_by("path").first()
    if faq is None:
        faq = topic.add_child(
            instance=FaqPage(
                title=thread.title,
                slug=f"community-{thread.pk}",
                intro=Truncator(thread.title).chars(250),
                live=False,
            )
        )
        draft = faq
    else:
        draft = faq.get_latest_revision_as_object()
    taken = {block.value.get("anchor") for block in draft.items}
    anchor = base = anchor_for(thread.title)
    n = 2
    while anchor in taken:
        anchor, n = f"{base}-{n}", n + 1
    draft.items.append(
        ("item", {"question": thread.title, "answer": RichText(answer), "anchor": anchor})
    )
    draft.save_revision(user=by, log_action=True)
    promotion = KbPromotion.objects.create(post=reply, page=faq, anchor=anchor, created_by=by)
    PageLogEntry.objects.log_action(
        instance=faq,
        action="forum.promote",
        user=by,
        data={
            "thread_id": thread.pk,
            "thread_title": thread.title,
            "url": thread.get_absolute_url(),
        },
    )
    log(ModerationLog.Action.PROMOTE, actor=by, thread=thread, post=reply, page_id=faq.pk)
    return promotion
