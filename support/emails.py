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

logger = logging.getLogger(__name__)


def request_url(request) -> str:
    with translation.override(request.language):
        path = reverse("support:request", kwargs={"secret": request.secret})
    return settings.BASE_URL + path


def _send(request, template: str, **extra) -> bool:
    """``support/email/<template>_subject.txt``, ``.txt`` and ``.html`` to the customer."""
    from site_config import branding
    from support.services import hours_for

    site = Site.objects.filter(is_default_site=True).first()
    # The team's time zone: "by 09:30" means the clock the customer was promised.
    zone = hours_for(site).clock().zone
    with translation.override(request.language), timezone.override(zone):
        context = {
            "request": request,
            "brand": branding.for_site(site, request.language),
            "url": request_url(request),
            "language": request.language,
            **extra,
        }
        prefix = f"support/email/{template}"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
    message = EmailMultiAlternatives(subject, text, None, [request.email])
    message.attach_alternative(html, "text/html")
    message.send()
    return True


def send_received(request_pk: int) -> bool:
    """The request arrived (or: please confirm the address)."""
    from support.models import Request

    try:
        request = Request.objects.filter(pk=request_pk).first()
        if request is None:
            return False
        return _send(
            request,
            "received",
            due=request.first_response_due,
            needs_confirmation=request.confirmed_at is None,
        )
    except Exception:
        logger.exception("support request %s: the confirmation could not be e-mailed", request_pk)
        return False


def send_team_reply(message_id: int) -> bool:
    """The team's answer. Replies to it will find the request by its reference (e-mail in,
    a later step)."""
    from support.models import Message

    try:
        message = Message.objects.select_related("request").filter(pk=message_id).first()
        if message is None or message.internal or not message.from_team:
            return False
        return _send(message.request, "reply", message=message)
    except Exception:
        logger.exception("support message %s could not be e-mailed", message_id)
        return False
