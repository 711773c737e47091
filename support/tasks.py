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
