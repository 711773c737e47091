"""Small POST actions on a thread or post. Each works without JavaScript: it redirects
back to where the button was, with a message."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from forum import permissions, selectors, services
from forum.forms import PromoteForm, ReportForm
from forum.models import Board, Vote
from forum.views._helpers import (
    apply_errors,
    back,
    post_or_404,
    require,
    thread_or_404,
    within_limits,
)
from site_config.ids import parse_id


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _mark(request, post, *, allowed: bool, mark, unmark, marked: str, unmarked: str):
    """A mark on a reply and its undo button (the solution, the official answer): one
    permission check, one service call, a message, and back to the reply."""
    require(allowed)
    try:
        if request.POST.get("undo"):
            unmark()
            messages.success(request, unmarked)
        else:
            mark()
            messages.success(request, marked)
    except ValidationError as exc:
        _error(request, exc)
    return back(request, post.get_absolute_url())


@require_POST
@login_required
def accept(request, post_id: int):
    post = post_or_404(request, post_id)
    return _mark(
        request,
        post,
        allowed=permissions.can_accept(request.user, post.thread),
        mark=lambda: services.reply_accept(reply=post, by=request.user),
        unmark=lambda: services.thread_unaccept(thread=post.thread, by=request.user),
        marked=_("Marked as the solution. Thank you!"),
        unmarked=_("The solution mark was removed."),
    )


@require_POST
@login_required
def official(request, post_id: int):
    post = post_or_404(request, post_id)
    return _mark(
        request,
        post,
        allowed=permissions.can_mark_official(request.user, post),
        mark=lambda: services.reply_mark_official(reply=post, by=request.user),
        unmark=lambda: services.reply_unmark_official(thread=post.thread, by=request.user),
        marked=_("Marked as the official answer."),
        unmarked=_("The official mark was removed."),
    )


@require_POST
@login_required
def vote(request, post_id: int):
    post = post_or_404(request, post_id)
    require(permissions.can_vote(request.user, post))
    if not within_limits(request, "forum-vote", settings.FORUM_VOTE_LIMITS):
        messages.error(request, _("Too many votes in a short time. Please try again in a minute."))
        return back(request, post.get_absolute_url())
    value = {"helpful": Vote.HELPFUL, "unhelpful": Vote.UNHELPFUL, "clear": 0}.get(
        request.POST.get("value")
    )
    if value is None:
        messages.error(request, _("Unknown vote."))
    else:
        services.reply_vote(reply=post, user=request.user, value=value)
    return back(request, post.get_absolute_url())


@require_POST
@login_required
def me_too(request, pk: int):
    thread = thread_or_404(request, pk)
    require(permissions.can_me_too(request.user, thread))
    if not within_limits(request, "forum-vote", settings.FORUM_VOTE_LIMITS):
        messages.error(request, _("Too many votes in a short time. Please try again in a minute."))
    else:
        services.thread_me_too(thread=thread, user=request.user, on=not request.POST.get("undo"))
    return back(request, thread.get_absolute_url())


@require_POST
@login_required
def watch_thread(request, pk: int):
    thread = thread_or_404(request, pk)
    require(permissions.can_subscribe(request.user))
    on = not request.POST.get("undo")
    services.subscription_set(user=request.user, thread=thread, on=on)
    messages.success(
        request,
        _("You will get an e-mail about new answers.") if on else _("You stopped watching this."),
    )
    return back(request, thread.get_absolute_url())


@require_POST
@login_required
def watch_board(request, slug: str):
    board = get_object_or_404(Board, slug=slug)
    require(permissions.can_subscribe(request.user))
    on = not request.POST.get("undo")
    services.subscription_set(user=request.user, board=board, on=on)
    messages.success(
        request,
        _("You will get an e-mail about new questions here.")
        if on
        else _("You stopped watching this."),
    )
    from django.urls import reverse

    return back(request, reverse("forum:board", kwargs={"slug": board.slug}))


@login_required
def report(request, post_id: int):
    post = post_or_404(request, post_id)
    require(permissions.can_report(request.user, post))
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            if not within_limits(request, "forum-report", settings.FORUM_REPORT_LIMITS):
                form.add_error(None, _("You sent many reports in a short time. Please try later."))
            else:
                services.post_report(
                    post=post,
                    reporter=request.user,
                    reason=form.cleaned_data["reason"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Thank you. A moderator will look at it."))
                return redirect(post)
    else:
        form = ReportForm()
    return TemplateResponse(
        request, "forum/report.html", {"post": post, "thread": post.thread, "form": form}
    )


@login_required
def notifications(request):
    if request.method == "POST":
        given = request.POST.getlist("id")
        # No id: "mark all read". Ids that are all invalid mark nothing, not everything.
        ids = [n for n in map(parse_id, given) if n is not None] if given else None
        services.notifications_mark_read(user=request.user, ids=ids)
        return redirect("forum:notifications")
    page = Paginator(selectors.notifications_for(request.user), 30).get_page(
        request.GET.get("page")
    )
    return TemplateResponse(
        request,
        "forum/notifications.html",
        {
            "page_obj": page,
            "notifications": page.object_list,
            "watched": selectors.watched_for(request.user),
        },
    )


# Mail clients send the one-click unsubscribe (RFC 8058) as a POST without our CSRF token;
# the signed token in the address is what proves the request, and all it can do is stop
# e-mails for one subscription.
@csrf_exempt
def unsubscribe(request, token: str):
    if request.method == "POST":
        try:
            subscription = services.unsubscribe_with_token(token)
        except ValueError:
            raise Http404 from None
        return TemplateResponse(request, "forum/unsubscribed.html", {"subscription": subscription})
    if not services.unsubscribe_token_is_valid(token):
        raise Http404
    return TemplateResponse(request, "forum/unsubscribe.html", {"token": token})


def _already_promoted(request, promotion) -> None:
    messages.info(
        request,
        _("This answer is already in the knowledge base: “%(page)s”.")
        % {"page": promotion.page.title},
    )


@login_required
def promote(request, post_id: int):
    """Staff choose the FAQ page and reword the official answer; it becomes a draft
    question sent to review."""
    post = post_or_404(request, post_id)
    require(permissions.can_promote(request.user, post))
    thread = post.thread
    promotion = selectors.promotion_of(post)
    if promotion is not None:
        _already_promoted(request, promotion)
        return redirect(post)
    targets = selectors.kb_promotion_targets(language=thread.language, board=thread.board)
    if request.method == "POST":
        form = PromoteForm(request.POST, targets=targets)
        if form.is_valid():
            if not within_limits(request, "forum-promote", settings.FORUM_PROMOTE_LIMITS):
                form.add_error(
                    None, _("You promoted many answers in a short time. Please try later.")
                )
            else:
                try:
                    outcome = services.reply_promote_to_kb(
                        reply=post,
                        by=request.user,
                        into=form.cleaned_data["page"],
                        question=form.cleaned_data["question"],
                        answer=form.cleaned_data["answer"],
                    )
                except ValidationError as exc:
                    apply_errors(form, exc)
                else:
                    if outcome.created:
                        messages.success(
                            request,
                            services.draft_added_message(
                                outcome.promotion.page.title, outcome.review
                            ),
                        )
                    else:
                        _already_promoted(request, outcome.promotion)
                    return redirect(post)
    else:
        form = PromoteForm(initial={"question": thread.title, "answer": post.body}, targets=targets)
    return TemplateResponse(
        request,
        "forum/promote.html",
        {"post": post, "thread": thread, "form": form, "has_targets": bool(targets)},
    )
