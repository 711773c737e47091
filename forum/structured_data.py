"""schema.org ``QAPage`` JSON-LD for a thread: the question, its accepted answer and the
other answers as suggestions. Only what every visitor can see goes in."""

from django.conf import settings

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
    """Post id → the knowledge base draft it was promoted to (for the team's view)."""
    from forum.models import KbPromotion

    ids = [p.pk for p in data.replies]
    return {
        promotion.post_id: promotion
        for promotion in KbPromotion.objects.filter(post_id__in=ids).select_related("page")
    }
