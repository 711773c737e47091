"""E-mails of the account pages (allauth's), sent by the task worker: a sign-up answers in
the same time whether or not the address has an account (the two paths send different
mails; neither waits for the mail server), and a slow mail server never slows a page.

A message carries its links (e-mail confirmation, password reset): the scheduler in
``deploy/`` prunes finished task results after a day (``prune_db_task_results``), so they
do not stay in the database."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)
RETRY_DELAYS = [60, 300, 1800, 7200]  # seconds


@task()
def send_email(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    html: str = "",
    headers=None,
    attempt: int = 0,
) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers or {})
    if html:
        message.attach_alternative(html, "text/html")
    try:
        message.send()
    except (SMTPException, OSError) as exc:
        # The mail server is down or refused: try again later, as search's index tasks do.
        if attempt >= len(RETRY_DELAYS) or not default_task_backend.supports_defer:
            logger.error("giving up on an e-mail to %s: %s", ", ".join(to), exc)
            raise
        logger.warning("e-mail to %s not sent (%s); retrying", ", ".join(to), exc)
        run_after = timezone.now() + timedelta(seconds=RETRY_DELAYS[attempt])
        send_email.using(run_after=run_after).enqueue(
            subject=subject,
            body=body,
            from_email=from_email,
            to=to,
            html=html,
            headers=headers,
            attempt=attempt + 1,
        )
