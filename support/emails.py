"""E-mails to the customer, in the language they wrote in, with the shop's name, a text and
an HTML part. A mail server that fails is logged: the request is kept all the same."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site

logger = logging.getLogger(__name__)


def request_url(request) -> str:
    with translation.override(request.language):
        path = reverse("support:request", kwargs={"secret": request.secret})
    return settings.BASE_URL + path


def send_received(request_pk: int) -> bool:
    """Never raises: the request is saved whatever the mail server or a template does."""
    try:
        return _send_received(request_pk)
    except Exception:
        logger.exception("support request %s: the confirmation could not be e-mailed", request_pk)
        return False


def _send_received(request_pk: int) -> bool:
    from site_config import branding
    from support.models import Request
    from support.services import hours_for

    request = Request.objects.filter(pk=request_pk).first()
    if request is None:
        return False
    site = Site.objects.filter(is_default_site=True).first()
    clock = hours_for(site).clock()
    # The team's time zone: "by 09:30" means the clock the customer was promised.
    with translation.override(request.language), timezone.override(clock.zone):
        context = {
            "request": request,
            "brand": branding.for_site(site, request.language),
            "url": request_url(request),
            "due": request.first_response_due,
            "needs_confirmation": request.confirmed_at is None,
            "language": request.language,
        }
        subject = " ".join(render_to_string("support/email/received_subject.txt", context).split())
        text = render_to_string("support/email/received.txt", context)
        html = render_to_string("support/email/received.html", context)
    message = EmailMultiAlternatives(subject, text, None, [request.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def send_team_reply(message_id: int) -> bool:
    """Never raises, like ``send_received``."""
    try:
        return _send_team_reply(message_id)
    except Exception:
        logger.exception("support message %s could not be e-mailed", message_id)
        return False


def _send_team_reply(message_id: int) -> bool:
    from site_config import branding
    from support.models import Message

    message = Message.objects.select_related("request").filter(pk=message_id).first()
    if message is None or message.internal or not message.from_team:
        return False
    request = message.request
    site = Site.objects.filter(is_default_site=True).first()
    with translation.override(request.language):
        context = {
            "request": request,
            "message": message,
            "brand": branding.for_site(site, request.language),
            "url": request_url(request),
            "language": request.language,
        }
        subject = " ".join(render_to_string("support/email/reply_subject.txt", context).split())
        text = render_to_string("support/email/reply.txt", context)
        html = render_to_string("support/email/reply.html", context)
    # Replies to this e-mail find the request by its reference (e-mail in, a later step).
    mail = EmailMultiAlternatives(subject, text, None, [request.email])
    mail.attach_alternative(html, "text/html")
    mail.send()
    return True
