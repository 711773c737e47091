"""Promotion of an official answer to the knowledge base: a draft FAQ question that goes
through Wagtail's review before anyone reads it.

Staff choose the FAQ page (or a topic that gets a new FAQ page) and rewrite the question and
the answer for every customer. The draft then enters Wagtail's own moderation: the page's
workflow is started, and Wagtail e-mails the reviewers of its first task. A page already in
review keeps its review, which now covers the new question too; a page without a workflow
gets a draft revision only, and the caller says so.

``faq_draft_add`` and ``faq_draft_send_to_review`` are the same steps from plain data, for
drafts that do not come from a forum answer (the support inbox's "Draft an FAQ")."""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from wagtail.coreutils import find_available_slug
from wagtail.log_actions import log as wagtail_log
from wagtail.rich_text import RichText

from forum import markup
from forum.models import KbPromotion, ModerationLog, Post
from forum.services._common import lock_thread, log
from kb.blocks import TEXT_ATTRIBUTES, TEXT_TAGS, anchor_for
from kb.models import FaqPage, TopicPage
from kb.text import html_to_text
from site_config import sanitise

QUESTION_MAX = 255  # FaqItemBlock's question
# A post's HTML narrowed to what an article's rich text holds.
_as_rich_text = sanitise.post_html_subset(tags=TEXT_TAGS, attributes=TEXT_ATTRIBUTES)


class Review(StrEnum):
    SUBMITTED = "submitted"  # the page's workflow started: Wagtail told its reviewers
    IN_PROGRESS = "in_progress"  # the page was already in review (or back for changes)
    NONE = "none"  # the page has no workflow: a draft revision only


def draft_added_message(page_title: str, review: Review) -> str:
    """What staff are told once a draft question went into an FAQ page (a promoted forum
    answer, or an FAQ drafted from a support request): where it is, and who hears of it."""
    if review == Review.SUBMITTED:
        return _("A draft question was added to “%(page)s” and sent to its reviewers.") % {
            "page": page_title
        }
    if review == Review.IN_PROGRESS:
        return _(
            "A draft question was added to “%(page)s”, which is already in review: the "
            "question is part of the draft its reviewers approve."
        ) % {"page": page_title}
    return _(
        "A draft question was added to “%(page)s”. This page has no review workflow, so "
        "nobody was told: ask an editor to review and publish it."
    ) % {"page": page_title}


@dataclass(frozen=True)
class Promoted:
    promotion: KbPromotion
    created: bool  # False: the answer had been promoted already (nothing changed)
    review: Review | None  # None when nothing was created


def kb_answer_html(source: str) -> str:
    """An answer's Markdown as the HTML an FAQ answer may hold."""
    return _as_rich_text(markup.render(source)).strip()


def _target_errors(into, language: str, by, wrong_page: str) -> str | None:
    if not isinstance(into, FaqPage | TopicPage) or into.alias_of_id:
        # An alias is a copy of another language's page: Wagtail does not edit it.
        return wrong_page
    if into.locale.language_code != language:
        return wrong_page
    lock = into.get_lock() if isinstance(into, FaqPage) else None
    if lock is not None and lock.for_user(by):
        return _(
            "“%(page)s” is locked in the editor (someone is editing it, or it is in review). "
            "Choose another page, or try again later."
        ) % {"page": into.title}
    return None


def _add_to_page(faq: FaqPage, *, item: dict, by):
    """The page's latest draft with the item at its end, saved as a new revision."""
    draft = faq.get_latest_revision_as_object()
    draft.items.append(("item", item))
    # save_revision() cleans the page first: FaqPage.clean() gives the new question an
    # anchor no other question on the page has ("…-2" when it would repeat one).
    revision = draft.save_revision(user=by, log_action=True)
    return draft, revision


def _new_page(topic: TopicPage, *, item: dict, by):
    """A new, unpublished FAQ page in the topic holding only the item."""
    title = item["question"]
    faq = topic.add_child(
        instance=FaqPage(
            title=title,
            slug=find_available_slug(topic, anchor_for(title)),
            intro=Truncator(title).chars(250),
            items=[("item", item)],
            owner=by,
            live=False,
        )
    )
    wagtail_log(instance=faq, action="wagtail.create", user=by)
    revision = faq.save_revision(user=by)
    return faq, revision


def faq_draft_send_to_review(page: FaqPage, by) -> Review:
    """Start the page's workflow (Wagtail tells the reviewers of its first task), unless it
    is in review already or has no workflow."""
    workflow = page.get_workflow()
    if workflow is None:
        return Review.NONE
    if page.current_workflow_state is not None:
        # One review at a time per page (Wagtail refuses a second); approving it publishes
        # the latest revision, which now holds the question.
        return Review.IN_PROGRESS
    workflow.start(page, by)
    return Review.SUBMITTED


@dataclass(frozen=True)
class FaqDraft:
    page: FaqPage
    revision: object  # wagtail.models.Revision
    anchor: str  # the new question's anchor on the page


@transaction.atomic
def faq_draft_add(
    *, into: FaqPage | TopicPage, language: str, question: str, answer: str, by, wrong_page: str
) -> FaqDraft:
    """Add ``question`` and ``answer`` (Markdown, cut down to what an FAQ answer may hold) as a
    draft question at the end of the FAQ page ``into``, or of a new FAQ page in the topic
    ``into``, which must be of ``language``. Nothing goes live, and nothing is sent to review
    yet (``faq_draft_send_to_review``). Raises ValidationError on ``question``, ``answer``
    or ``page`` (``wrong_page`` says what is wrong with the page). The caller checks
    permission: the forum's promotion and the support inbox share this."""
    question = " ".join(question.split())
    html = kb_answer_html(answer)
    errors = {}
    if not question or len(question) > QUESTION_MAX:
        errors["question"] = _("Write the question in up to %(max)d characters.") % {
            "max": QUESTION_MAX
        }
    if not html_to_text(html).strip():
        errors["answer"] = _("The answer needs some text.")
    if isinstance(into, FaqPage):
        # Two promotions into one page at once would each add to the same draft and the
        # second would drop the first's question: the second waits for the first.
        into = FaqPage.objects.select_for_update().get(pk=into.pk)
    problem = _target_errors(into, language, by, wrong_page)
    if problem:
        errors["page"] = problem
    if errors:
        raise ValidationError(errors)

    item = {"question": question, "answer": RichText(html), "anchor": anchor_for(question)}
    if isinstance(into, TopicPage):
        page, revision = _new_page(into, item=item, by=by)
    else:
        page, revision = _add_to_page(into, item=item, by=by)
    return FaqDraft(page=page, revision=revision, anchor=page.items[-1].value["anchor"])


@transaction.atomic
def reply_promote_to_kb(
    *, reply: Post, by, into: FaqPage | TopicPage, question: str, answer: str
) -> Promoted:
    """Add the official answer, in the words staff gave it (``answer`` is Markdown), as a
    draft question at the end of the FAQ page ``into``, or of a new FAQ page in the topic
    ``into``, and send the draft to review. Nothing goes live. Promoting an answer again
    changes nothing. The caller checks ``permissions.can_promote``."""
    thread = lock_thread(reply.thread_id)
    if thread.official_answer_id != reply.pk:
        raise ValidationError(_("Only the official answer can be promoted."))
    existing = KbPromotion.objects.filter(post=reply).select_related("page").first()
    if existing is not None:  # a second click, or a second member of staff
        return Promoted(existing, created=False, review=None)

    draft = faq_draft_add(
        into=into,
        language=thread.language,
        question=question,
        answer=answer,
        by=by,
        wrong_page=_("Choose a FAQ page of this thread's language from the list."),
    )
    page, revision, anchor = draft.page, draft.revision, draft.anchor
    promotion = KbPromotion.objects.create(post=reply, page=page, anchor=anchor, created_by=by)
    wagtail_log(
        instance=page,
        action="forum.promote",
        user=by,
        revision=revision,
        data={
            "thread_id": thread.pk,
            "thread_title": thread.title,
            "url": thread.get_absolute_url(),
            "post_id": reply.pk,
            "anchor": anchor,
        },
    )
    log(ModerationLog.Action.PROMOTE, actor=by, thread=thread, post=reply, page_id=page.pk)
    review = faq_draft_send_to_review(page, by)
    return Promoted(promotion, created=True, review=review)
