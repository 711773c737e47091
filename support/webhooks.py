"""Providers' inbound webhooks (django-anymail parses each provider's format into one
message, ``support.inbound`` takes it). A provider's address answers only once its secret
is configured: an unauthenticated webhook would let anyone on the web write into requests.

- Postmark: ``/mail/inbound/postmark/``, with HTTP basic auth (``ANYMAIL_WEBHOOK_SECRET``
  as ``user:password`` in the URL given to Postmark).
- Mailgun: ``/mail/inbound/mailgun/`` (a route's ``forward()``), signed with
  ``MAILGUN_WEBHOOK_SIGNING_KEY``."""

from anymail.signals import inbound as inbound_signal
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from django.conf import settings
from django.dispatch import receiver
from django.http import Http404
from django.views.decorators.csrf import csrf_exempt

PROVIDERS = {
    "postmark": (PostmarkInboundWebhookView, "WEBHOOK_SECRET"),
    "mailgun": (MailgunInboundWebhookView, "MAILGUN_WEBHOOK_SIGNING_KEY"),
}


@csrf_exempt  # the provider signs or authenticates the request instead
def inbound(request, provider: str):
    view, secret = PROVIDERS.get(provider, (None, ""))
    if view is None or not getattr(settings, "ANYMAIL", {}).get(secret):
        raise Http404
    return view.as_view()(request)


@receiver(inbound_signal, dispatch_uid="support-mail-in")
def take(sender, event, esp_name, **kwargs):
    """Anymail's inbound signal: an error here answers 500, and the provider sends the
    message again later (nothing is lost while the database is away)."""
    from support import inbound

    inbound.receive(event.message)
