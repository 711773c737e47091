"""The customer's way to a person: the contact form (answers first), the request page behind
its secret link, and "My requests"."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from wagtail.models import Site

from site_config import proof_of_work, ratelimit
from support import permissions, services
from support.forms import ContactForm, RatingForm, ReplyForm, SubjectForm
from support.models import Request

# New requests per visitor address and per e-mail address, (count, seconds): as e-mail in's,
# ``services.CONTACT_LIMITS``. Tighter, on top: forms sent without a proof of work (no
# JavaScript, or a bot that skips it).
UNCHECKED_LIMITS = ((2, 3600), (5, 86400))


def _topics(language: str):
    from kb.models import HelpCenterPage, TopicPage
    from kb.selectors import readable

    home = HelpCenterPage.objects.filter(depth=2, locale__language_code=language).first()
    if home is None:
        return TopicPage.objects.none()
    return readable(TopicPage.objects.child_of(home))


def _answers(request, subject: str, language: str) -> list[dict]:
    """The answers for a subject; none past the same limit as the forum's suggestions (each
    is a search)."""
    from django.conf import settings

    from forum.views._helpers import within_limits
    from forum.views.posting import suggestions

    if not subject or not within_limits(request, "support-answers", settings.FORUM_SUGGEST_LIMITS):
        return []
    found = suggestions(subject, language)
    return (found["articles"] + [t for t in found["threads"] if t["solved"]])[:5]


def contact(request):
    language = get_language()
    topics = _topics(language)
    site = Site.find_for_request(request)
    hours = services.hours_for(site)
    promise = services.promise(hours)
    context = {
        "promise": services.promise_sentence(promise, hours.clock().zone),
        "business_hours": hours,
    }
    if request.method == "POST":
        form = ContactForm(request.POST, request.FILES, topics=topics, user=request.user)
        if form.is_valid():
            limited = _limited(
                request, form.cleaned_data["email"], checked=form.cleaned_data["proof_of_work"]
            )
            if limited:
                form.add_error(None, limited)
            else:
                data = form.cleaned_data
                created = services.request_create(
                    site=site,
                    subject=data["subject"],
                    body=data["body"],
                    email=data["email"],
                    language=language,
                    topic=data["topic"],
                    order_number=data["order_number"],
                    user=request.user,
                    visit_key=data["visit"],
                    files=data["attachments"],
                )
                request.session["support_sent"] = created.pk
                return redirect("support:sent")
        _choose_files_again(request, form)
        context.update(
            step=2, form=form, answers=_answers(request, form.data.get("subject", ""), language)
        )
        return TemplateResponse(request, "support/contact.html", context, status=200)

    # Step 1 sent (it has a subject), or a first visit (perhaps with ?q= from a search).
    step_one = SubjectForm(request.GET if "subject" in request.GET else None, topics=topics)
    if step_one.is_bound and step_one.is_valid():
        data = step_one.cleaned_data
        visit = data["visit"] or secrets.token_hex(16)
        services.visit_seen(visit, language)
        draft = request.session.pop("support_draft", "")  # from a closed request's page
        form = ContactForm(
            initial={**data, "visit": visit, "body": draft}, topics=topics, user=request.user
        )
        context.update(
            step=2, form=form, visit=visit, answers=_answers(request, data["subject"], language)
        )
    else:
        initial = {"visit": secrets.token_hex(16)}
        if request.GET.get("q"):  # from a search without results: what they searched for
            initial["subject"] = request.GET["q"][:150]
        if step_one.is_bound:  # an empty subject: say so, with a fresh visit
            step_one.data = step_one.data.copy()
            step_one.data["visit"] = step_one.data.get("visit") or initial["visit"]
        form = step_one if step_one.is_bound else SubjectForm(initial=initial, topics=topics)
        context.update(step=1, form=form)
    return TemplateResponse(request, "support/contact.html", context)


def answers_json(request):
    """Step 1's answers while the subject is typed (support.js)."""
    from django.http import JsonResponse

    subject = request.GET.get("q", "")[:150].strip()
    found = _answers(request, subject, get_language()) if len(subject) >= 3 else []
    return JsonResponse(
        {"answers": [{k: a[k] for k in ("title", "url", "snippet")} for a in found]}
    )


def _limited(request, email: str, *, checked: bool) -> str:
    """Too many requests from one address or for one e-mail address: say so (each limit
    counts on its own). Forms without a proof of work (``checked``) meet tighter limits."""
    who = (("contact-ip", ratelimit.client_ip(request)), ("contact-email", email.lower()))
    for limit, period in services.CONTACT_LIMITS:
        for scope, key in who:
            if not ratelimit.hit(f"{scope}-{period}", key, limit=limit, period=period):
                return _("You sent many requests in a short time. Please wait, or call us.")
    if checked:
        return ""
    for limit, period in UNCHECKED_LIMITS:
        for scope, key in who:
            if not ratelimit.hit(f"unchecked-{scope}-{period}", key, limit=limit, period=period):
                return _(
                    "Your browser could not check this form against automated messages "
                    "(it needs JavaScript), and several were sent from here without that check. "
                    "Please turn JavaScript on and send it again, or reach us another way. "
                    "Nothing you wrote is lost."
                )
    return ""


@require_GET
@never_cache
def challenge(request):
    """A fresh proof-of-work challenge for the contact form, for a page open longer than its
    embedded one lasts (static/js/proof_of_work.js)."""
    return JsonResponse(proof_of_work.create_challenge("contact"))


def _closed(request, found: Request):
    """A reply to a closed request: a new one, on the contact form, with what was written
    kept (the subject in the address, the message until step 2 asks for it)."""
    from urllib.parse import urlencode

    from support.forms import BODY_MAX

    request.session["support_draft"] = request.POST.get("body", "")[:BODY_MAX]
    messages.error(
        request, _("This request is closed. Please send a new one: what you wrote is kept.")
    )
    return redirect(reverse("support:contact") + "?" + urlencode({"q": found.subject}))


def _choose_files_again(request, form) -> None:
    """A form sent back keeps what was typed, but no browser keeps chosen files: say so."""
    if request.FILES and not form.has_error("attachments"):
        form.add_error(
            "attachments",
            _("Please choose your files again: they cannot be kept when a form is sent back."),
        )


def sent(request):
    pk = request.session.get("support_sent")
    found = Request.objects.filter(pk=pk).first() if pk else None
    if found is None:
        return redirect("support:contact")
    return TemplateResponse(request, "support/sent.html", {"support_request": found})


@require_POST
def answered(request):
    """The visitor said "this answered my question": the visit ends here, without a request."""
    services.visit_deflected(request.POST.get("visit", "")[:32])
    return TemplateResponse(request, "support/answered.html", {})


def open_answer(request):
    """An answer shown on the contact form was opened: counted, then the answer."""
    target = request.GET.get("to", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        raise Http404
    services.visit_opened_answer(request.GET.get("visit", "")[:32], get_language())
    return HttpResponseRedirect(target)


@never_cache
def request_page(request, secret: str):
    found = get_object_or_404(Request.objects.select_related("topic", "rating"), secret=secret)
    if not permissions.can_read_with_secret(found, secret):
        raise Http404
    if found.merged_into_id is not None and permissions.can_follow_merge(found):
        # The team merged it into another request of theirs: the conversation is there now.
        return redirect("support:request", secret=found.merged_into.secret)
    site = Site.find_for_request(request)
    hours = services.hours_for(site)
    form = ReplyForm()
    chosen = request.GET.get("rating")  # from "How did we do?" in the e-mail
    rating_form = RatingForm(
        initial={"rating": chosen if chosen in ("good", "bad") else None},
        ask_recommend=hours.ask_recommend,
    )
    action = request.POST.get("action") if request.method == "POST" else None
    if action == "confirm":
        if services.request_confirm(found, site):
            messages.success(request, _("Thank you: your request is with our team now."))
        return redirect("support:request", secret=secret)
    if action == "rate":
        if not services.can_rate(found):
            messages.info(request, _("Thank you: we have your rating already."))
            return redirect("support:request", secret=secret)
        rating_form = RatingForm(request.POST, ask_recommend=hours.ask_recommend)
        if rating_form.is_valid():
            data = rating_form.cleaned_data
            services.rate(
                found,
                good=data["rating"] == "good",
                comment=data["comment"],
                recommend=data.get("recommend"),
            )
            messages.success(request, _("Thank you for telling us how we did."))
            return redirect("support:request", secret=secret)
    elif request.method == "POST":
        if found.status == Request.Status.CLOSED:
            return _closed(request, found)
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.customer_reply(
                    found,
                    body=form.cleaned_data["body"],
                    user=request.user,
                    files=form.cleaned_data["attachments"],
                )
            except services.RequestNotOpen:  # closed while the customer wrote
                return _closed(request, found)
            messages.success(request, _("Added to your request. We will answer by e-mail."))
            return redirect("support:request", secret=secret)
        _choose_files_again(request, form)
    context = {
        "support_request": found,
        # Notes for the team are never shown to the customer.
        "conversation": list(found.messages.filter(internal=False).prefetch_related("attachments")),
        "form": form,
        "rating_form": rating_form if services.can_rate(found) else None,
        "zone": hours.clock().zone,
    }
    response = TemplateResponse(request, "support/request.html", context)
    # The address is the key: never passed to another site. Not "no-referrer": with it a
    # browser sends "Origin: null" on the page's own forms, and CSRF refuses them.
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def mine(request):
    found = Request.objects.filter(user=request.user).select_related("topic")
    return TemplateResponse(request, "support/mine.html", {"requests": found[:100]})


@never_cache
def attachment(request, secret: str, pk: int):
    """A file of the request, to whoever has its link (and only with that request's link)."""
    from support import attachments
    from support.models import Attachment

    found = get_object_or_404(
        Attachment.objects.select_related("message__request"),
        pk=pk,
        message__request__secret=secret,
        message__internal=False,
    )
    if not permissions.can_read_with_secret(found.message.request, secret):
        raise Http404
    return attachments.response(found)
