"""The request page's tools in the team's inbox (beside ``support.admin_views``): a saved
reply's text for the reply box, merging into another request, and sharing a request with
every customer as a forum thread or an FAQ draft. Who may: ``support.permissions``; the
changes: ``support.services.request_merge`` and ``support.sharing``."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from forum import selectors as forum_selectors
from forum import services as forum_services
from forum.forms import AskForm, PromoteForm
from support import permissions, references, saved_replies, services, sharing
from support.models import Request

REMOVED_LABEL = gettext_lazy(
    "I removed the customer's name, addresses, numbers and anything else personal"
)


class _RequestTool(WagtailAdminTemplateMixin, TemplateView):
    """A page about one request, for the agents who may use the tool on it."""

    header_icon = "mail"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.support_request = get_object_or_404(
            Request.objects.select_related("topic"), pk=kwargs["pk"]
        )

    def dispatch(self, request, *args, **kwargs):
        if not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed(self, user) -> bool:
        return permissions.can_work_on(user, self.support_request)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("support_inbox"), "label": _("Support inbox")},
            {
                "url": reverse("support_request", args=[self.support_request.pk]),
                "label": self.support_request.reference,
            },
            {"url": "", "label": self.get_page_title()},
        ]

    def back(self):
        return redirect("support_request", pk=self.support_request.pk)

    def get_context_data(self, **kwargs):
        return super().get_context_data(support_request=self.support_request, **kwargs)


class SavedReplyTextView(View):
    """JSON for the reply box: ``{"text": …}``, the saved reply ``?saved_reply=<id>`` for
    this request (its article in the customer's language)."""

    def get(self, request, pk: int):
        found = get_object_or_404(Request, pk=pk)
        if not permissions.can_work_on(request.user, found):
            raise PermissionDenied
        text = saved_replies.text_by_id(request.GET.get("saved_reply", ""), found)
        if not text:
            raise Http404
        return JsonResponse({"text": text})


class MergeView(_RequestTool):
    """POST ``into`` (a reference as the agent typed it): merge this request into that one
    (the same customer's only: ``services.request_merge``)."""

    template_name = "support/admin/request.html"  # never rendered: POST answers a redirect
    page_title = gettext_lazy("Merge into another request")
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        source = self.support_request
        reference = references.normalise(request.POST.get("into", ""))
        into = Request.objects.filter(reference=reference).first() if reference else None
        if into is None:
            messages.error(
                request,
                _("No request has the reference “%(typed)s”. It looks like HC-7KQ4-9M2P.")
                % {"typed": request.POST.get("into", "")[:40]},
            )
            return self.back()
        if not permissions.can_merge(request.user, source, into):
            messages.error(
                request,
                _(
                    "%(ref)s cannot be merged into: it is not confirmed, or its personal data "
                    "was removed."
                )
                % {"ref": into.reference},
            )
            return self.back()
        try:
            services.request_merge(source=source, into=into, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return self.back()
        messages.success(
            request,
            _("%(source)s was merged into %(into)s: its conversation is here now.")
            % {"source": source.reference, "into": into.reference},
        )
        return redirect("support_request", pk=into.pk)


def _apply_errors(form, exc: ValidationError) -> None:
    """A service's refusal on the form: on the field it names, else above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ForumThreadForm(AskForm):
    """The forum's ask form, in the request's language, with the staff member's word that
    nothing personal is left."""

    removed = forms.BooleanField(label=REMOVED_LABEL)

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["language"]
        self.fields["title"].label = _("Question in one line")
        self.fields["board"].label_from_instance = lambda board: board.localized_name(language)


class FaqDraftForm(PromoteForm):
    """The forum's promote form (FAQ page, question, answer), with the same word."""

    removed = forms.BooleanField(label=REMOVED_LABEL)


class ForumThreadView(_RequestTool):
    """Start a forum thread from the request: the customer's question, as the staff member."""

    template_name = "support/admin/share.html"
    page_title = gettext_lazy("Start a forum thread from this")

    def allowed(self, user) -> bool:
        return permissions.can_start_forum_thread(user, self.support_request)

    def form(self, data=None):
        found = self.support_request
        boards = forum_selectors.boards()
        initial = {}
        if data is None:
            initial = {
                "title": sharing.scrub(found.subject, found)[:150],
                "body": sharing.scrub(sharing.customer_question(found), found),
                "board": boards.filter(topic__translation_key=found.topic.translation_key).first()
                if found.topic
                else None,
            }
        return ForumThreadForm(data, initial=initial, boards=boards, language=found.language)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                thread = sharing.forum_thread_start(
                    request_obj=self.support_request,
                    by=request.user,
                    board=data["board"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                )
            except forum_services.DuplicatePost as exc:
                thread = exc.post.thread
                messages.info(
                    request,
                    _("You started this thread a moment ago."),
                    buttons=[messages.button(thread.get_absolute_url(), _("Open it"))],
                )
                return self.back()
            except forum_services.PostingLimited as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The thread “%(title)s” is in the forum.") % {"title": thread.title},
                    buttons=[messages.button(thread.get_absolute_url(), _("Open it"))],
                )
                return self.back()
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submit_label=_("Start the thread"),
            intro=_(
                "The thread is posted as you, in %(language)s, and everyone can read it. The "
                "customer's e-mail address and order number were taken out; remove their "
                "name and anything else personal too."
            )
            % {"language": self.support_request.get_language_display()},
            **kwargs,
        )


class FaqDraftView(_RequestTool):
    """Draft an FAQ question from the team's answer, sent to review as promoted forum
    answers are."""

    template_name = "support/admin/share.html"
    page_title = gettext_lazy("Draft an FAQ from this answer")

    def allowed(self, user) -> bool:
        return permissions.can_draft_faq(user, self.support_request)

    def form(self, data=None):
        found = self.support_request
        targets = forum_selectors.kb_promotion_targets(
            language=found.language, topic_id=found.topic_id
        )
        initial = {}
        if data is None:
            initial = {
                "question": sharing.scrub(found.subject, found),
                "answer": sharing.scrub(sharing.team_answer(found), found),
            }
        return FaqDraftForm(data, initial=initial, targets=targets)

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(form=self.form()))

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                outcome = sharing.faq_draft_start(
                    request_obj=self.support_request,
                    by=request.user,
                    into=data["page"],
                    question=data["question"],
                    answer=data["answer"],
                )
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                if outcome.created:
                    messages.success(
                        request,
                        forum_services.draft_added_message(
                            outcome.draft.page.title, outcome.review
                        ),
                    )
                else:
                    messages.info(
                        request, _("This question was drafted from this request already.")
                    )
                return self.back()
        return self.render_to_response(self.get_context_data(form=form))

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            submit_label=_("Add the draft question"),
            intro=_(
                "The question and its answer are added as a draft to the FAQ page you choose. "
                "Nothing is published: the page's reviewers check the draft first. Write it "
                "for every customer: the customer's e-mail address and order number were "
                "taken out; remove their name and anything else personal too."
            ),
            **kwargs,
        )
