"""What anyone can read: the index, boards, threads, profiles, official answers."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from forum import permissions, selectors, structured_data
from forum.forms import ReplyForm
from forum.models import Board
from site_config.feeds import XmlSafeAtom1Feed

PAGE_SIZE = 20


def _listing(request, *, board: Board | None):
    language = get_language()
    all_languages = request.GET.get("lang") == "all"
    sort = request.GET.get("sort", "active")
    if sort not in selectors.sort_labels():
        sort = "active"
    qs = selectors.threads(language=None if all_languages else language, board=board, sort=sort)
    if all_languages:
        qs = selectors.threads_in_language_first(qs, language)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page_obj": page,
        "threads": page.object_list,
        "sort": sort,
        "sorts": selectors.sort_labels(),
        "all_languages": all_languages,
        "boards": selectors.boards(),
        "board": board,
        "watching_board": bool(
            board
            and request.user.is_authenticated
            and board.subscriptions.filter(user=request.user).exists()
        ),
    }


def index(request):
    return TemplateResponse(request, "forum/index.html", _listing(request, board=None))


def board(request, slug: str):
    board = get_object_or_404(selectors.boards(), slug=slug)
    return TemplateResponse(request, "forum/board.html", _listing(request, board=board))


def thread(request, pk: int, slug: str = ""):
    found = selectors.thread_for_view(pk)
    if found is None or not permissions.can_view_thread(request.user, found):
        raise Http404
    if found.merged_into_id:
        return redirect(found.merged_into, permanent=True)
    canonical = found.get_absolute_url()
    if request.path != canonical:
        # Wrong slug (the title changed) or another language's prefix: one address each.
        query = request.META.get("QUERY_STRING")
        return redirect(f"{canonical}?{query}" if query else canonical, permanent=True)
    data = selectors.thread_page(found, request.user)
    user = request.user
    alternates = {found.language: canonical} | {
        v.language: v.get_absolute_url() for v in data.versions
    }
    context = {
        "thread": found,
        "data": data,
        "language_alternates": alternates,
        "language_fallbacks": _forum_indexes(),
        "board": found.board,
        "reply_form": ReplyForm(),
        "can_reply": permissions.can_reply(user, found),
        "can_post": permissions.can_post(user),
        "can_accept": permissions.can_accept(user, found),
        "can_official": permissions.can_mark_official(user),
        "can_moderate": permissions.can_moderate(user),
        "can_me_too": permissions.can_me_too(user, found),
        "is_team": permissions.is_team(user),
        "jsonld": [structured_data.qa_page(data, request)] if found.is_visible else [],
        "promotions": structured_data.promotions_for(data) if permissions.is_team(user) else {},
    }
    return TemplateResponse(request, "forum/thread.html", context)


def _forum_indexes() -> dict[str, str]:
    from django.urls import reverse
    from django.utils import translation

    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = reverse("forum:index")
    return urls


def member(request, user_id: int):
    user = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    profile = selectors.profile_for_user(user)
    context = {
        "member": user,
        "profile": profile,
        "stats": selectors.member_stats(user),
        "recent": selectors.recent_posts_of(user),
        "is_team_member": bool(selectors.team_member_ids([user.pk])),
        "can_ban": permissions.can_ban(request.user, user),
    }
    return TemplateResponse(request, "forum/member.html", context)


def official(request):
    page = Paginator(selectors.official_answers(get_language()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request, "forum/official.html", {"page_obj": page, "threads": page.object_list}
    )


class OfficialAnswersFeed(Feed):
    """The newest official answers in the visitor's language, as Atom."""

    feed_type = XmlSafeAtom1Feed
    description = gettext_lazy("Answers from the shop's support team.")

    def title(self):
        return _("Official answers") + " · " + str(settings.WAGTAIL_SITE_NAME)

    def link(self):
        from django.urls import reverse

        return reverse("forum:official")

    def items(self):
        return selectors.official_answers(get_language())[:30]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.official_answer.body_html

    def item_link(self, item):
        return f"{item.get_absolute_url()}#post-{item.official_answer_id}"

    def item_pubdate(self, item):
        return item.official_answer.created_at

    def item_updateddate(self, item):
        return item.official_answer.edited_at or item.official_answer.created_at

    def item_author_name(self, item):
        return str(getattr(item.official_answer.author, "forum_profile", "") or "")
