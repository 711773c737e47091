"""E-mails to the customer, in the language they wrote in, with the shop's name, a text and
an HTML part, on the team's clock. Sending never raises: a mail server or a template that
fails is logged, and the request is kept all the same."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site

from site_config import branding
from support import mail_ids
from support.models import Message, Request
from support.selectors import hours_for

logger = logging.getLogger(__name__)


def request_url(request) -> str:
    with translation.override(request.language):
        path = reverse("support:request", kwargs={"secret": request.secret})
    return settings.BASE_URL + path


def _send(request, template: str, *, automatic: bool = False, message=None, **extra) -> bool:
    """``support/email/<template>_subject.txt``, ``.txt`` and ``.html`` to the customer.

    Threading for e-mail in (``support.inbound``): our Message-ID names the request, the
    Reply-To carries its reference, and a reply to the customer's last e-mail says so. An
    ``automatic`` one (not written by a person) says that too (RFC 3834), so that the
    customer's out-of-office does not answer it."""
    site = Site.objects.filter(is_default_site=True).first()
    # The team's time zone: "by 09:30" means the clock the customer was promised.
    zone = hours_for(site).clock().zone
    with translation.override(request.language), timezone.override(zone):
        context = {
            "request": request,
            "brand": branding.for_site(site, request.language),
            "url": request_url(request),
            "language": request.language,
            "reply_by_mail": bool(mail_ids.reply_address(request)),
            "message": message,
            **extra,
        }
        prefix = f"support/email/{template}"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
    headers = {"Message-ID": mail_ids.message_id(request)}
    if automatic:
        headers["Auto-Submitted"] = "auto-generated"
    last = (
        request.messages.filter(from_team=False)
        .exclude(email_message_id="")
        .values_list("email_message_id", flat=True)
        .last()
    )
    if last:
        headers["In-Reply-To"] = headers["References"] = last
    reply_to = mail_ids.reply_address(request)
    email = EmailMultiAlternatives(
        subject,
        text,
        None,
        [request.email],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    email.send()
    if message is not None:
        type(message).objects.filter(pk=message.pk).update(email_message_id=headers["Message-ID"])
    return True


def send_received(request_pk: int) -> bool:
    """The request arrived (or: please confirm the address)."""
    try:
        request = Request.objects.filter(pk=request_pk).first()
        if request is None:
            return False
        return _send(
            request,
            "received",
            automatic=True,
            due=request.first_response_due,
            needs_confirmation=request.confirmed_at is None,
        )
    except Exception:
        logger.exception("support request %s: the confirmation could not be e-mailed", request_pk)
        return False


def send_team_reply(message_id: int) -> bool:
    """The team's answer. Replies to it will find the request by its reference (e-mail in,
    a later step)."""
    try:
        message = Message.objects.select_related("request").filter(pk=message_id).first()
        if message is None or message.internal or not message.from_team:
            return False
        request = message.request
        solved = request.status == request.Status.SOLVED
        links = rating_links(request) if solved else None
        return _send(request, "reply", message=message, rating_links=links)
    except Exception:
        logger.exception("support message %s could not be e-mailed", message_id)
        return False


def send_solved(request_pk: int) -> bool:
    """The team marked the request solved (without a reply that says so): the news, and
    "How did we do?" with one link per answer."""
    try:
        request = Request.objects.filter(pk=request_pk).first()
        if request is None or request.status != Request.Status.SOLVED:
            return False
        return _send(request, "solved", automatic=True, rating_links=rating_links(request))
    except Exception:
        logger.exception("support request %s: the solved notice could not be e-mailed", request_pk)
        return False


def rating_links(request) -> dict:
    """ "How did we do?" in an e-mail: each answer opens the request page with it chosen
    (the page asks to confirm it: a mail scanner that opens links never rates)."""
    url = request_url(request)
    return {"good": f"{url}?rating=good#rate", "bad": f"{url}?rating=bad#rate"}
