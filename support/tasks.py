"""Background work for support requests (django-tasks; run at once in development).

Tasks sit above what they run (the e-mails, privacy, the due-time warnings) and below
``support.services``, which queues them after its transaction commits; none of those
modules imports this one back. The due-time warning e-mail's own task is
``support.due_warnings.send_due_warning``, queued by ``warn_due`` beside it."""

from django_tasks import task

from support import due_warnings, emails, privacy


@task()
def send_received(request_id: int) -> bool:
    """The e-mail that confirms a request (or asks to confirm the address)."""
    return emails.send_received(request_id)


@task()
def send_team_reply(message_id: int) -> bool:
    """The team's answer, to the customer."""
    return emails.send_team_reply(message_id)


@task()
def apply_retention() -> int:
    """Anonymise the requests past the retention period (``manage.py support_retention``
    does the same from the scheduler)."""
    return privacy.retention_apply()


@task()
def warn_due_requests() -> int:
    """Warn the team about first answers nearly due or overdue (``manage.py
    support_due_warnings`` does the same from the scheduler)."""
    return due_warnings.warn_due()


@task()
def send_solved(request_id: int) -> bool:
    """The request is solved: the news, and "How did we do?"."""
    return emails.send_solved(request_id)
