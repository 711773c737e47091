"""E-mails of the account pages (allauth's), sent by the task worker: a sign-up answers in
the same time whether or not the address has an account (the two paths send different
mails; neither waits for the mail server), and a slow mail server never slows a page."""

import logging

from django.core.mail import EmailMultiAlternatives
from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def send_email(
    *, subject: str, body: str, from_email: str, to: list[str], html: str = "", headers=None
) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
