"""Background work for support requests (django-tasks; run at once in development)."""

from django_tasks import task


@task()
def send_received(request_id: int) -> bool:
    """The e-mail that confirms a request (or asks to confirm the address)."""
    from support import emails

    return emails.send_received(request_id)


@task()
def send_team_reply(message_id: int) -> bool:
    """The team's answer, to the customer."""
    from support import emails

    return emails.send_team_reply(message_id)


@task()
def apply_retention() -> int:
    """Anonymise the requests past the retention period (``manage.py support_retention``
    does the same from the scheduler)."""
    from support import privacy

    return privacy.retention_apply()


@task()
def send_due_warning(request_id: int, user_ids: list[int]) -> int:
    """The team's warning that a request's first answer is nearly due, or overdue."""
    from support import due_warnings

    return due_warnings.send_due_warning(request_id, user_ids)


@task()
def warn_due_requests() -> int:
    """Warn the team about first answers nearly due or overdue (``manage.py
    support_due_warnings`` does the same from the scheduler)."""
    from support import due_warnings

    return due_warnings.warn_due()


@task()
def send_solved(request_id: int) -> bool:
    """The request is solved: the news, and "How did we do?"."""
    from support import emails

    return emails.send_solved(request_id)
