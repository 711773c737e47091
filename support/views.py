"""The customer's way to a person: the contact form (answers first), the request page behind
its secret link, and "My requests"."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from wagtail.models import Site

from site_config import ratelimit
from support import permissions, services
from support.forms import ContactForm, ReplyForm, SubjectForm
from support.models import Request

# Requests per visitor address, and per e-mail address: (count, seconds).
CONTACT_LIMITS = ((5, 3600), (20, 86400))


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
        form = ContactForm(request.POST, topics=topics, user=request.user)
        if form.is_valid():
            limited = _limited(request, form.cleaned_data["email"])
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
                )
                request.session["support_sent"] = created.pk
                return redirect("support:sent")
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
        form = ContactForm(initial={**data, "visit": visit}, topics=topics, user=request.user)
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


def _limited(request, email: str) -> str:
    """Too many requests from one address or for one e-mail address: say so (each limit
    counts on its own)."""
    who = (("contact-ip", ratelimit.client_ip(request)), ("contact-email", email.lower()))
    for limit, period in CONTACT_LIMITS:
        for scope, key in who:
            if not ratelimit.hit(f"{scope}-{period}", key, limit=limit, period=period):
                return _("You sent many requests in a short time. Please wait, or call us.")
    return ""


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
    found = get_object_or_404(Request.objects.select_related("topic"), secret=secret)
    if not permissions.can_read_with_secret(found, secret):
        raise Http404
    site = Site.find_for_request(request)
    form = ReplyForm()
    if request.method == "POST":
        if request.POST.get("action") == "confirm":
            if services.request_confirm(found, site):
                messages.success(request, _("Thank you: your request is with our team now."))
            return redirect("support:request", secret=secret)
        if found.status == Request.Status.CLOSED:
            messages.error(request, _("This request is closed. Please send a new one."))
            return redirect("support:contact")
        form = ReplyForm(request.POST)
        if form.is_valid():
            services.customer_reply(found, body=form.cleaned_data["body"], user=request.user)
            messages.success(request, _("Added to your request. We will answer by e-mail."))
            return redirect("support:request", secret=secret)
    context = {
        "support_request": found,
        # Notes for the team are never shown to the customer.
        "conversation": list(found.messages.filter(internal=False)),
        "form": form,
        "zone": services.hours_for(site).clock().zone,
    }
    response = TemplateResponse(request, "support/request.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the address is the key: never pass it on
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def mine(request):
    found = Request.objects.filter(user=request.user).select_related("topic")
    return TemplateResponse(request, "support/mine.html", {"requests": found[:100]})
