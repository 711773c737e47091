"""Members asking, answering and editing. Every form re-renders with what was typed when
something is wrong; nothing a member wrote is lost."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from forum import markup, permissions, selectors, services
from forum.forms import AskForm, EditForm, ReplyForm
from forum.views._helpers import (
    apply_errors,
    post_or_404,
    require,
    thread_or_404,
    within_limits,
)
from kb.text import html_to_text
from site_config.ids import parse_id


def _posting_blocked(request):
    """Why this member cannot post yet, as a page that says what to do."""
    if permissions.can_post(request.user):
        return None
    if permissions.is_banned(request.user):
        reason = "banned"
    elif not permissions.has_confirmed_email(request.user):
        reason = "unconfirmed"
    else:
        reason = "inactive"
    return TemplateResponse(request, "forum/cannot_post.html", {"reason": reason}, status=403)


def suggestions(title: str, language: str) -> dict:
    """Articles and threads that may already answer the question being typed. A failing
    search never stops anyone asking."""
    from search import api as search_api

    articles, threads = [], []
    try:
        results = search_api.search(title, language)
    except Exception:  # noqa: BLE001 - suggestions are a courtesy; asking must still work
        results = None
    for hit in results.hits if results else []:
        # The snippet as plain text: the page and the script both show it as text.
        snippet = html_to_text(hit.snippet)
        if hit.kind == "thread":
            threads.append(
                {"title": hit.title, "url": hit.url, "solved": hit.solved, "snippet": snippet}
            )
        else:
            articles.append({"title": hit.title, "url": hit.url, "snippet": snippet})
    seen = {t["url"] for t in threads}
    for thread in selectors.similar_solved_threads(title, language):
        if thread.get_absolute_url() not in seen:
            threads.append(
                {
                    "title": thread.title,
                    "url": thread.get_absolute_url(),
                    "solved": thread.is_solved,
                    "snippet": "",
                }
            )
    return {"articles": articles[:5], "threads": threads[:5]}


@login_required
def ask(request):
    blocked = _posting_blocked(request)
    if blocked:
        return blocked
    boards = selectors.boards()
    preview = found = None
    if request.method == "POST":
        form = AskForm(request.POST, boards=boards)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview = markup.render(data["body"])
                found = suggestions(form.data.get("title", ""), get_language())
            else:
                try:
                    thread = services.thread_create(
                        board=data["board"],
                        author=request.user,
                        title=data["title"],
                        body=data["body"],
                        language=data["language"],
                        tags=data["tags"],
                    )
                except services.DuplicatePost as exc:
                    messages.info(request, _("You asked this a moment ago: here it is."))
                    return redirect(exc.post.thread)
                except services.PostingLimited as exc:
                    form.add_error(None, str(exc))
                    found = suggestions(form.data.get("title", ""), get_language())
                except ValidationError as exc:
                    apply_errors(form, exc)
                    found = suggestions(form.data.get("title", ""), get_language())
                else:
                    if thread.is_visible:
                        messages.success(
                            request,
                            _("Your question is posted. We will e-mail you when someone answers."),
                        )
                    else:
                        messages.info(
                            request,
                            _(
                                "Thanks! As a new member, your question is shown once a "
                                "moderator has looked at it (usually within a few hours)."
                            ),
                        )
                    return redirect(thread)
    else:
        initial = {"title": request.GET.get("q", "")[:150]}
        board_slug = request.GET.get("board")
        if board_slug:
            initial["board"] = boards.filter(slug=board_slug).first()
        form = AskForm(initial=initial, boards=boards)
        if initial["title"]:
            found = suggestions(initial["title"], get_language())
    return TemplateResponse(
        request,
        "forum/ask.html",
        {"form": form, "preview": preview, "suggestions": found},
    )


@require_GET
def ask_suggestions(request):
    """JSON for the ask form: shown while the title is typed."""
    title = request.GET.get("q", "")[:150]
    if len(title.strip()) < 3 or not within_limits(
        request, "forum-suggest", settings.FORUM_SUGGEST_LIMITS
    ):
        return JsonResponse({"articles": [], "threads": []})
    return JsonResponse(suggestions(title, get_language()))


@login_required
def reply(request, pk: int):
    thread = thread_or_404(request, pk)
    blocked = _posting_blocked(request)
    if blocked:
        return blocked
    require(permissions.can_reply(request.user, thread))
    quote_of = None
    preview = None
    if request.method == "POST":
        form = ReplyForm(request.POST)
        if form.is_valid():
            if "preview" in request.POST:
                preview = markup.render(form.cleaned_data["body"])
            else:
                try:
                    post = services.reply_create(
                        thread=thread, author=request.user, body=form.cleaned_data["body"]
                    )
                except services.DuplicatePost as exc:
                    messages.info(request, _("You posted this answer a moment ago: here it is."))
                    return redirect(exc.post)
                except services.PostingLimited as exc:
                    form.add_error(None, str(exc))
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    if not post.is_visible:
                        messages.info(
                            request,
                            _(
                                "Thanks! As a new member, your answer is shown once a "
                                "moderator has looked at it."
                            ),
                        )
                    return redirect(post)
    else:
        initial = ""
        quote_id = parse_id(request.GET.get("quote", ""))
        if quote_id is not None:
            quote_of = post_or_404(request, quote_id)
            if quote_of.thread_id == thread.pk:
                name = selectors.profile_for_user(quote_of.author).display_name
                initial = markup.quote(name, quote_of.body)
        form = ReplyForm(initial={"body": initial})
    return TemplateResponse(
        request, "forum/reply.html", {"thread": thread, "form": form, "preview": preview}
    )


@login_required
def edit(request, post_id: int):
    post = post_or_404(request, post_id)
    require(permissions.can_edit_post(request.user, post))
    thread = post.thread
    as_moderator = post.author_id != request.user.pk
    preview = None
    if request.method == "POST":
        form = EditForm(request.POST, post=post, reason_required=as_moderator)
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                preview = markup.render(data["body"])
            else:
                try:
                    services.post_edit(
                        post=post,
                        by=request.user,
                        body=data["body"],
                        title=data.get("title"),
                        reason=data["reason"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    messages.success(request, _("Your changes are saved."))
                    return redirect(post)
    else:
        form = EditForm(
            initial={"title": thread.title, "body": post.body},
            post=post,
            reason_required=as_moderator,
        )
    return TemplateResponse(
        request,
        "forum/edit.html",
        {
            "post": post,
            "thread": thread,
            "form": form,
            "preview": preview,
            "as_moderator": as_moderator,
        },
    )


@login_required
def history(request, post_id: int):
    post = post_or_404(request, post_id)
    require(permissions.can_view_history(request.user, post))
    revisions = post.revisions.select_related("edited_by__forum_profile")
    return TemplateResponse(
        request, "forum/history.html", {"post": post, "thread": post.thread, "revisions": revisions}
    )


@require_POST
def preview(request):
    """The rendered HTML of a draft, exactly as it will be shown (for the preview button's
    progressive enhancement)."""
    require(request.user.is_authenticated)
    if not within_limits(request, "forum-preview", settings.FORUM_SUGGEST_LIMITS):
        return JsonResponse({"html": ""}, status=429)
    return JsonResponse({"html": markup.render(request.POST.get("body", "")[: markup.MAX_CHARS])})
