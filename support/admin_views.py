"""The team's inbox in the Wagtail admin: the queue of confirmed requests, due first, and one
request with its conversation, where agents reply, note, assign and change the status.
Permission: ``support.permissions`` (the "Support staff" group)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Site

from support import addresses, permissions, saved_replies, services
from support.forms import BODY_MAX, CleanTextMixin
from support.models import Request

QUEUE_SIZE = 100
DUE_SOON = timedelta(hours=1)

FILTERS = {
    "waiting": gettext_lazy("Waiting for the team"),
    "mine": gettext_lazy("Mine"),
    "unassigned": gettext_lazy("Unassigned"),
    "due_soon": gettext_lazy("First answer due within an hour"),
    "overdue": gettext_lazy("First answer overdue"),
    "all": gettext_lazy("All"),
}
OPEN_STATUSES = (Request.Status.NEW, Request.Status.OPEN)


def queue(user, *, show: str, language: str = "", topic: str = ""):
    now = timezone.now()
    found = Request.objects.filter(confirmed_at__isnull=False)
    unanswered = Q(first_response_at__isnull=True) & Q(status__in=OPEN_STATUSES)
    found = {
        "waiting": found.filter(status__in=OPEN_STATUSES),
        "mine": found.filter(assignee=user).exclude(status=Request.Status.CLOSED),
        "unassigned": found.filter(assignee__isnull=True, status__in=OPEN_STATUSES),
        "due_soon": found.filter(
            unanswered, first_response_due__gt=now, first_response_due__lte=now + DUE_SOON
        ),
        "overdue": found.filter(unanswered, first_response_due__lte=now),
        "all": found,
    }[show if show in FILTERS else "waiting"]
    if language:
        found = found.filter(language=language)
    if topic.isdigit():
        found = found.filter(topic_id=int(topic))
    return found.select_related("topic", "assignee").order_by("first_response_due", "pk")


class _AgentsOnly:
    def dispatch(self, request, *args, **kwargs):
        if not permissions.is_support_agent(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class InboxView(_AgentsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "support/admin/inbox.html"
    page_title = gettext_lazy("Support inbox")
    header_icon = "mail"

    def get_breadcrumbs_items(self):
        return [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        from django.conf import settings

        context = super().get_context_data(**kwargs)
        show = self.request.GET.get("show", "waiting")
        language = self.request.GET.get("language", "")
        rows = list(queue(self.request.user, show=show, language=language)[:QUEUE_SIZE])
        now = timezone.now()
        for row in rows:
            row.overdue = row.first_response_at is None and row.first_response_due <= now
            row.time_left = row.first_response_due - now
        context.update(
            rows=rows,
            show=show if show in FILTERS else "waiting",
            filters=FILTERS,
            language=language,
            languages=settings.LANGUAGES,
            now=now,
        )
        return context


class AgentForm(CleanTextMixin, forms.Form):
    body = forms.CharField(max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 6}))


class RequestView(_AgentsOnly, WagtailAdminTemplateMixin, TemplateView):
    template_name = "support/admin/request.html"
    header_icon = "mail"

    def get_page_title(self):
        return f"{self.support_request.reference}: {self.support_request.subject}"

    def get_breadcrumbs_items(self):
        from django.urls import reverse

        return [
            {"url": reverse("support_inbox"), "label": _("Support inbox")},
            {"url": "", "label": self.support_request.reference},
        ]

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.support_request = get_object_or_404(
            Request.objects.select_related("topic", "assignee", "user", "rating"), pk=kwargs["pk"]
        )

    def post(self, request, *args, **kwargs):
        found = self.support_request
        if not permissions.can_work_on(request.user, found):
            raise PermissionDenied
        action = request.POST.get("action", "")
        if action in ("reply", "note"):
            form = AgentForm(request.POST)
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form, action=action))
            body = form.cleaned_data["body"]
            if action == "reply":
                status = request.POST.get("status", Request.Status.WAITING)
                if status not in Request.Status.values:
                    status = Request.Status.WAITING
                services.team_reply(found, body=body, by=request.user, status=status)
                messages.success(
                    request, _("Your answer was sent to %(email)s.") % {"email": found.email}
                )
            else:
                services.team_note(found, body=body, by=request.user)
                messages.success(request, _("Note added. The customer does not see it."))
        elif action == "assign":
            agent_id = request.POST.get("assignee", "")
            agent = None
            if agent_id.isdigit():
                agent = (
                    get_user_model()
                    .objects.filter(permissions.agents_q(), pk=int(agent_id))
                    .distinct()
                    .first()
                )
                if agent is None:
                    messages.error(
                        request, _("Only a member of the support team can take a request.")
                    )
                    return redirect("support_request", pk=found.pk)
            services.assign(found, to=agent, by=request.user)
        elif action == "status" and request.POST.get("status") in Request.Status.values:
            services.set_status(found, status=request.POST["status"], by=request.user)
        return redirect("support_request", pk=found.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = self.support_request
        # A saved reply picked without JavaScript: the page again, its text in the box.
        picked = saved_replies.text_by_id(self.request.GET.get("saved_reply", ""), found)
        context.setdefault("form", AgentForm(initial={"body": picked}))
        context.update(
            support_request=found,
            conversation=list(
                found.messages.select_related("author").prefetch_related("attachments")
            ),
            events=list(found.events.select_related("actor")),
            others=[
                other
                for other in Request.objects.filter(email__iexact=found.email)
                .exclude(pk=found.pk)
                .order_by("-created_at")[:20]
                if addresses.same(other.email, found.email)
            ][:10],
            agents=list(
                get_user_model().objects.filter(permissions.agents_q()).distinct().order_by("email")
            ),
            statuses=Request.Status.choices,
            # Times on the team's clock, as the promise to the customer was made.
            zone=services.hours_for(Site.find_for_request(self.request)).clock().zone,
            can_work=permissions.can_work_on(self.request.user, found),
        )
        # The request page's tools (``support.admin_tools``).
        context.update(
            saved_replies=saved_replies.for_request(found),
            can_edit_saved_replies=permissions.can_edit_saved_replies(self.request.user),
            can_start_forum_thread=permissions.can_start_forum_thread(self.request.user, found),
            can_draft_faq=permissions.can_draft_faq(self.request.user, found),
        )
        return context


def attachment(request, pk: int, file_pk: int):
    """A request's file, for the team."""
    from support import attachments
    from support.models import Attachment

    if not permissions.can_open_attachments(request.user):
        raise PermissionDenied  # before any lookup: nothing said about which files exist
    found = get_object_or_404(
        Attachment.objects.select_related("message__request"), pk=file_pk, message__request_id=pk
    )
    return attachments.response(found)
