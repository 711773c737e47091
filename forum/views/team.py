"""The shop's team: the support queue, the moderation queue, the audit log and the
moderation actions. Permission is asked of ``forum.permissions`` in every view."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from forum import permissions, selectors, services
from forum.forms import BanForm, MergeForm, MoveForm, ReasonForm
from forum.models import ModerationLog, Report
from forum.views._helpers import back, post_or_404, require, thread_or_404

# Thread actions that set a yes/no state: action -> (service, its argument, value).
FLAG_ACTIONS = {
    "lock": (services.thread_lock, "locked", True),
    "unlock": (services.thread_lock, "locked", False),
    "pin": (services.thread_pin, "pinned", True),
    "unpin": (services.thread_pin, "pinned", False),
}


@login_required
def staff_queue(request):
    require(permissions.can_view_staff_queue(request.user))
    all_languages = request.GET.get("lang") == "all"
    queues = selectors.staff_queue(language=None if all_languages else get_language())
    context = {
        "unanswered": queues["unanswered"][:50],
        "no_official": queues["no_official"][:50],
        "answered": queues["answered"][:50],
        "all_languages": all_languages,
    }
    return TemplateResponse(request, "forum/staff_queue.html", context)


@login_required
def moderation(request):
    require(permissions.can_moderate(request.user))
    reports: dict = {}
    for report in selectors.open_reports()[:200]:
        reports.setdefault(report.post_id, {"post": report.post, "reports": []})["reports"].append(
            report
        )
    held = list(selectors.held_posts()[:100])
    authors = {post.author_id for post in held}
    # Everyone but the team and oneself may be banned (permissions.can_ban), in one query.
    bannable = authors - selectors.team_member_ids(authors) - {request.user.pk}
    context = {"held": held, "reported": list(reports.values()), "bannable": bannable}
    return TemplateResponse(request, "forum/moderation.html", context)


@login_required
def moderation_log(request):
    require(permissions.can_moderate(request.user))
    page = Paginator(selectors.moderation_log(), 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "forum/moderation_log.html", {"page_obj": page, "entries": page.object_list}
    )


# Lazy: translated when shown, in the moderator's language (not once, at import, in English).
_POST_ACTIONS = {
    "approve": (services.post_approve, gettext_lazy("Approved: the post is visible now.")),
    "reject": (services.post_reject, gettext_lazy("Rejected: the post stays hidden.")),
    "hide": (services.post_hide, gettext_lazy("Hidden. Moderators can still see and restore it.")),
    "restore": (services.post_restore, gettext_lazy("Restored: the post is visible again.")),
}


@require_POST
@login_required
def moderate_post(request, post_id: int, action: str):
    post = post_or_404(request, post_id)
    require(permissions.can_moderate(request.user))
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    try:
        if action == "dismiss":
            for report in Report.objects.filter(post=post, resolved_at__isnull=True):
                services.report_dismiss(report=report, by=request.user, reason=reason)
            messages.success(request, _("Reports dismissed."))
        elif action in _POST_ACTIONS:
            service, done = _POST_ACTIONS[action]
            service(post=post, by=request.user, reason=reason)
            messages.success(request, str(done))
        else:
            raise ValidationError(_("Unknown action."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return back(request, reverse("forum:moderation"))


@login_required
def moderate_thread(request, pk: int):
    """Lock, pin, move or merge one thread."""
    thread = thread_or_404(request, pk)
    require(permissions.can_moderate(request.user))
    move_form = MoveForm(initial={"board": thread.board_id})
    merge_form = MergeForm()
    if request.method == "POST":
        action = request.POST.get("action")
        user = request.user
        try:
            if action in FLAG_ACTIONS:
                reason = ReasonForm(request.POST)
                reason.is_valid()
                set_flag, argument, value = FLAG_ACTIONS[action]
                set_flag(
                    thread=thread,
                    by=user,
                    reason=reason.cleaned_data.get("reason", ""),
                    **{argument: value},
                )
                return redirect(thread)
            if action == "move":
                move_form = MoveForm(request.POST)
                if move_form.is_valid():
                    services.thread_move(
                        thread=thread,
                        board=move_form.cleaned_data["board"],
                        by=user,
                        reason=move_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The thread was moved."))
                    return redirect(thread)
            if action == "merge":
                merge_form = MergeForm(request.POST)
                if merge_form.is_valid():
                    target = services.thread_merge(
                        source=thread,
                        target=merge_form.cleaned_data["target"],
                        by=user,
                        reason=merge_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("The threads were merged."))
                    return redirect(target)
        except ValidationError as exc:
            form = merge_form if action == "merge" else move_form
            for errors in getattr(exc, "message_dict", {"__all__": exc.messages}).values():
                form.add_error(None, errors)
    context = {"thread": thread, "move_form": move_form, "merge_form": merge_form}
    return TemplateResponse(request, "forum/moderate_thread.html", context)


@login_required
def ban(request, user_id: int):
    member = get_object_or_404(get_user_model(), pk=user_id)
    require(permissions.can_ban(request.user, member))
    profile = selectors.profile_for_user(member)
    if request.method == "POST":
        if request.POST.get("action") == "unban":
            try:
                services.user_unban(
                    user=member, by=request.user, reason=request.POST.get("reason", "")
                )
            except ValidationError as exc:
                messages.info(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The member can post again."))
            return redirect("forum:member", user_id=member.pk)
        form = BanForm(request.POST)
        if form.is_valid():
            services.user_ban(
                user=member,
                by=request.user,
                reason=form.cleaned_data["reason"],
                hide_posts=form.cleaned_data["hide_posts"],
            )
            messages.success(request, _("The member is banned and cannot post."))
            return redirect("forum:member", user_id=member.pk)
    else:
        form = BanForm()
    log = ModerationLog.objects.filter(target_user=member).select_related("actor__forum_profile")
    return TemplateResponse(
        request,
        "forum/ban.html",
        {"member": member, "profile": profile, "form": form, "log": log[:20]},
    )
