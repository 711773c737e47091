"""Saved replies in the team's inbox: which ones a request is offered (each in the request's
language, else in the default language until someone translates it), and the text one
inserts, its article linked in the customer's language when that version exists."""

from django.conf import settings
from wagtail.models import Page

from support.models import ARTICLE_PLACEHOLDER_RE, Request, SavedReply


def for_request(request_obj: Request) -> list[SavedReply]:
    """One version of every saved reply: the request's language's, else the default
    language's. One query, however many replies."""
    language = request_obj.language
    rows = SavedReply.objects.filter(
        locale__language_code__in={language, settings.LANGUAGE_CODE}
    ).select_related("locale")
    chosen: dict = {}
    for row in rows:
        if row.translation_key not in chosen or row.locale.language_code == language:
            chosen[row.translation_key] = row
    return sorted(chosen.values(), key=lambda row: (row.title.casefold(), row.pk))


def article_url(page: Page, language: str) -> str:
    """The public address of ``page`` in ``language`` when that version is published, else
    of the page as chosen (which tells the reader it is not in their language yet)."""
    if page.locale.language_code != language:
        translated = Page.objects.filter(
            translation_key=page.translation_key, locale__language_code=language, live=True
        ).first()
        page = translated or page
    return page.get_full_url() or ""


def text_for(reply: SavedReply, request_obj: Request) -> str:
    """The reply's text for this request, its article linked where ``{{ article }}`` stands
    (or at the end). Without an article, the placeholder stays for the agent to see."""
    body = reply.body.strip()
    article = reply.article
    if article is None:
        return body
    url = article_url(article, request_obj.language)
    if ARTICLE_PLACEHOLDER_RE.search(body):
        return ARTICLE_PLACEHOLDER_RE.sub(lambda _match: url, body)
    return f"{body}\n\n{url}"


def text_by_id(reply_id: str, request_obj: Request) -> str:
    """``text_for`` the saved reply with this id (as a form sends it); empty when there is
    none."""
    if not str(reply_id).isdigit():
        return ""
    reply = SavedReply.objects.select_related("article__locale").filter(pk=int(reply_id)).first()
    return text_for(reply, request_obj) if reply is not None else ""
