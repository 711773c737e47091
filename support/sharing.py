"""What the team shares from a request with every customer: a forum thread asked in the
request's words, or an FAQ draft from the team's answer (the forum's promotion steps,
``forum.services.faq_draft_add``).

Neither may carry the customer's personal details. The forms start from the text with the
customer's e-mail address (and any other address) and order number already taken out
(``scrub``); staff remove the rest (names, street addresses) and say they did; a text that
still holds the address or the order number is refused here, whoever calls."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from forum import services as forum_services
from forum.models import Board, Thread
from kb.models import FaqPage, TopicPage
from support.models import Request, RequestEvent

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def scrub(text: str, request_obj: Request) -> str:
    """``text`` without the customer's e-mail address (nor any other), nor the request's
    order number (also written without its letters, "12345678" for "NL-12345678"); each is
    replaced by a mark in the request's language that says what stood there."""
    with translation.override(request_obj.language):
        email_mark, order_mark = _("[e-mail address]"), _("[order number]")
    if request_obj.email:
        text = re.sub(re.escape(request_obj.email), email_mark, text, flags=re.IGNORECASE)
    text = EMAIL_RE.sub(email_mark, text)
    order = request_obj.order_number.strip()
    for written in sorted({order, re.sub(r"^\D+", "", order)}, key=len, reverse=True):
        if len(written) >= 4:
            pattern = rf"(?<![\w-]){re.escape(written)}(?![\w-])"
            text = re.sub(pattern, order_mark, text, flags=re.IGNORECASE)
    return text


def customer_question(request_obj: Request) -> str:
    """What the customer first wrote."""
    first = request_obj.messages.filter(from_team=False).order_by("created_at", "pk").first()
    return first.body if first is not None else ""


def team_answer(request_obj: Request) -> str:
    """The team's latest answer to the customer (notes are not answers)."""
    latest = (
        request_obj.messages.filter(from_team=True, internal=False)
        .order_by("-created_at", "-pk")
        .first()
    )
    return latest.body if latest is not None else ""


def _refuse_personal(request_obj: Request, **texts: str) -> None:
    errors = {
        name: _(
            "This still holds the customer's e-mail address or order number. Take it out: "
            "everyone can read what you share."
        )
        for name, text in texts.items()
        if scrub(text, request_obj) != text
    }
    if errors:
        raise ValidationError(errors)


def _event(request_obj: Request, by, action: str, detail: str) -> None:
    RequestEvent.objects.create(request=request_obj, actor=by, action=action, detail=detail[:200])


@transaction.atomic
def forum_thread_start(
    *, request_obj: Request, by, board: Board, title: str, body: str, tags=()
) -> Thread:
    """Ask the request's question in the forum, as ``by`` and in the request's language
    (the forum's own rules apply: ``forum.services.thread_create``, whose DuplicatePost a
    second click meets). The caller checks ``permissions.can_start_forum_thread``."""
    _refuse_personal(request_obj, title=title, body=body)
    thread = forum_services.thread_create(
        board=board,
        author=by,
        title=title,
        body=body,
        language=request_obj.language,
        tags=tags,
    )
    _event(request_obj, by, RequestEvent.Action.FORUM, f"#{thread.pk} {thread.title}")
    return thread


@dataclass(frozen=True)
class SharedFaq:
    draft: forum_services.FaqDraft | None
    review: forum_services.Review | None
    created: bool  # False: this question was drafted from this request already


@transaction.atomic
def faq_draft_start(
    *, request_obj: Request, by, into: FaqPage | TopicPage, question: str, answer: str
) -> SharedFaq:
    """Add the team's answer, in the words staff gave it (Markdown), as a draft question on
    the FAQ page ``into`` (or a new FAQ page in the topic ``into``) of the request's
    language, and send it to review, as the forum's promotion does. The same question from
    the same request again changes nothing. The caller checks ``permissions.can_draft_faq``."""
    locked = Request.objects.select_for_update().get(pk=request_obj.pk)
    _refuse_personal(locked, question=question, answer=answer)
    detail = " ".join(question.split())[:200]
    if RequestEvent.objects.filter(
        request=locked, action=RequestEvent.Action.FAQ, detail=detail
    ).exists():
        return SharedFaq(draft=None, review=None, created=False)
    draft = forum_services.faq_draft_add(
        into=into,
        language=locked.language,
        question=question,
        answer=answer,
        by=by,
        wrong_page=_("Choose a FAQ page of this request's language from the list."),
    )
    _event(locked, by, RequestEvent.Action.FAQ, detail)
    review = forum_services.faq_draft_send_to_review(draft.page, by)
    return SharedFaq(draft=draft, review=review, created=True)
