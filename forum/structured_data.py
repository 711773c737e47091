"""schema.org ``QAPage`` JSON-LD for a thread: the question, its accepted answer and the
other answers as suggestions. Only what every visitor can see goes in."""

from django.conf import settings

from forum.models import KbPromotion
from kb.models import FaqPage
from kb.text import html_to_text


def _text(body_html: str) -> str:
    return html_to_text(body_html)


def _person(post) -> dict:
    profile = getattr(post.author, "forum_profile", None)
    from django.urls import reverse

    return {
        "@type": "Person",
        "name": profile.display_name if profile else "",
        "url": settings.BASE_URL + reverse("forum:member", kwargs={"user_id": post.author_id}),
    }


def _answer(post) -> dict:
    return {
        "@type": "Answer",
        "text": _text(post.body_html),
        "dateCreated": post.created_at.isoformat(),
        "upvoteCount": post.helpful_count,
        "url": settings.BASE_URL + post.get_absolute_url(),
        "author": _person(post),
    }


def qa_page(data, request) -> dict:
    thread, question = data.thread, data.question
    replies = [p for p in data.replies if p.is_visible]
    accepted = data.solution if data.solution and data.solution.is_visible else None
    suggested = [p for p in replies if accepted is None or p.pk != accepted.pk]
    main = {
        "@type": "Question",
        "name": thread.title,
        "text": _text(question.body_html) if question else thread.title,
        "answerCount": len(replies),
        "upvoteCount": thread.me_too_count,
        "dateCreated": thread.created_at.isoformat(),
        "inLanguage": thread.language,
    }
    if question:
        main["author"] = _person(question)
    if accepted:
        main["acceptedAnswer"] = _answer(accepted)
    if suggested:
        main["suggestedAnswer"] = [_answer(p) for p in suggested]
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": main}


def promotions_for(data) -> dict:
    """Post id → the knowledge base page it was promoted to (for the team's view), with
    ``is_published``: whether readers see the question yet. No query per promotion."""
    ids = [p.pk for p in data.replies]
    promotions = list(KbPromotion.objects.filter(post_id__in=ids).select_related("page"))
    live_anchors = {}
    if promotions:
        pages = FaqPage.objects.filter(pk__in={p.page_id for p in promotions}, live=True)
        live_anchors = {page.pk: {q["anchor"] for q in page.questions()} for page in pages}
    for promotion in promotions:
        promotion.is_published = promotion.anchor in live_anchors.get(promotion.page_id, ())
    return {promotion.post_id: promotion for promotion in promotions}
