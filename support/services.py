"""What changes a support request. Views check permissions (``support.permissions``) and
hand over plain, cleaned data; e-mails go out after the transaction commits and a mail
server that fails never loses a request."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Site

from support import tasks
from support.models import ContactVisit, Message, Request, SupportHours
from support.references import new_reference

logger = logging.getLogger(__name__)


def hours_for(site: Site | None) -> SupportHours:
    """The team's hours for a site; the defaults until staff set them."""
    found = SupportHours.objects.filter(site=site).first() if site else None
    return found or SupportHours(site=site)


@dataclass(frozen=True)
class Promise:
    due: datetime
    hours: int
    open_now: bool


def promise(hours: SupportHours, now: datetime | None = None) -> Promise:
    """When the first answer is due for a request sent at ``now``."""
    clock = hours.clock()
    now = now or timezone.now()
    return Promise(
        due=clock.add_business_hours(now, hours.first_response_hours),
        hours=hours.first_response_hours,
        open_now=clock.is_open(now),
    )


@transaction.atomic
def request_create(
    *,
    site: Site | None,
    subject: str,
    body: str,
    email: str,
    language: str,
    topic=None,
    order_number: str = "",
    user=None,
    visit_key: str = "",
) -> Request:
    """A new request and its first message. A signed-in customer's verified address counts
    as confirmed; anyone else confirms through the link in the e-mail first."""
    now = timezone.now()
    confirmed = user is not None and user.is_authenticated and _verified(user, email)
    if visit_key:
        # The same form sent twice (a double click, the back button): one request. The
        # visit's row serialises the two.
        visit, _created = ContactVisit.objects.get_or_create(
            key=visit_key, defaults={"language": language}
        )
        visit = ContactVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.request_id is not None:
            return Request.objects.get(pk=visit.request_id)
    fields = {
        # Only an address the account proved is linked to it: "My requests" shows the secret
        # link, and an address typed by someone else must be confirmed by its owner.
        "user": user if confirmed else None,
        "email": email,
        "language": language,
        "topic": topic,
        "subject": subject,
        "order_number": order_number,
        "confirmed_at": now if confirmed else None,
        "first_response_due": promise(hours_for(site), now).due,
    }
    for attempt in range(5):  # a clash of two random references is rare, never fatal
        try:
            with transaction.atomic():
                request = Request.objects.create(reference=new_reference(), **fields)
            break
        except IntegrityError:
            if attempt == 4:
                raise
    Message.objects.create(request=request, author=fields["user"], body=body)
    if visit_key:
        ContactVisit.objects.filter(pk=visit.pk).update(request=request)
    transaction.on_commit(lambda: tasks.send_received.enqueue(request.pk), robust=True)
    return request


def _verified(user, email: str) -> bool:
    from allauth.account.models import EmailAddress

    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


@transaction.atomic
def request_confirm(request: Request, site: Site | None) -> bool:
    """The customer opened the link and confirmed: the team sees the request from now on,
    and the promised time counts from now. False when it was confirmed already."""
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if locked.confirmed_at is not None:
        return False
    now = timezone.now()
    locked.confirmed_at = now
    locked.first_response_due = promise(hours_for(site), now).due
    locked.save(update_fields=["confirmed_at", "first_response_due", "updated_at"])
    _event(locked, None, "confirmed")
    request.confirmed_at, request.first_response_due = (
        locked.confirmed_at,
        locked.first_response_due,
    )
    return True


@transaction.atomic
def customer_reply(request: Request, *, body: str, user=None, source=Message.Source.WEB) -> Message:
    """The customer adds to the conversation: a request waiting for them, or solved, is
    open again for the team."""
    locked = Request.objects.select_for_update().get(pk=request.pk)
    message = Message.objects.create(
        request=locked,
        author=user if user is not None and user.is_authenticated else None,
        body=body,
        source=source,
    )
    if locked.status in (Request.Status.WAITING, Request.Status.SOLVED):
        locked.status = Request.Status.OPEN
    locked.save(update_fields=["status", "updated_at"])
    _event(locked, message.author, "customer")
    request.status = locked.status
    return message


def visit_seen(key: str, language: str) -> None:
    if key:
        ContactVisit.objects.get_or_create(key=key, defaults={"language": language})


def visit_opened_answer(key: str, language: str) -> None:
    from django.db.models import F

    if key:
        visit_seen(key, language)
        ContactVisit.objects.filter(key=key).update(answers_opened=F("answers_opened") + 1)


def visit_deflected(key: str) -> bool:
    """The visitor said "this answered my question": the visit ends without a request."""
    return bool(
        ContactVisit.objects.filter(
            key=key, deflected_at__isnull=True, request__isnull=True
        ).update(deflected_at=timezone.now())
    )


def promise_sentence(found: Promise, zone, now: datetime | None = None) -> str:
    """The promise in plain words, in the active language: "We usually answer within 4
    business hours. It is outside our hours now, so expect an answer by 09:30 tomorrow."."""
    from datetime import timedelta

    from django.utils.formats import date_format, time_format
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    now = (now or timezone.now()).astimezone(zone)
    due = found.due.astimezone(zone)
    at = time_format(due, "H:i T")  # the team's clock, named: CET, CEST, +03
    if due.date() == now.date():
        when = _("%(time)s today") % {"time": at}
    elif due.date() == now.date() + timedelta(days=1):
        when = _("%(time)s tomorrow") % {"time": at}
    else:
        day = f"{date_format(due, 'l')}, {date_format(due, 'MONTH_DAY_FORMAT')}"
        when = _("%(time)s on %(day)s") % {"time": at, "day": day}
    usual = ngettext(
        "We usually answer within %(hours)d business hour.",
        "We usually answer within %(hours)d business hours.",
        found.hours,
    ) % {"hours": found.hours}
    if found.open_now:
        then = _("Expect an answer by %(when)s.") % {"when": when}
    else:
        then = _("It is outside our hours now, so expect an answer by %(when)s.") % {"when": when}
    return f"{usual} {then}"


# The team's work on a request. The inbox view checks ``permissions.can_work_on`` first.


def _locked(request: Request) -> Request:
    return Request.objects.select_for_update().get(pk=request.pk)


def _event(request: Request, by, action: str, detail: str = "") -> None:
    from support.models import RequestEvent

    RequestEvent.objects.create(request=request, actor=by, action=action, detail=detail[:200])


@transaction.atomic
def team_reply(request: Request, *, body: str, by, status: str = Request.Status.WAITING) -> Message:
    """An answer to the customer, e-mailed to them; the first one keeps the promise."""
    from support.models import RequestEvent

    locked = _locked(request)
    message = Message.objects.create(request=locked, author=by, from_team=True, body=body)
    now = timezone.now()
    fields = ["status", "updated_at"]
    if locked.first_response_at is None:
        locked.first_response_at = now
        fields.append("first_response_at")
    if locked.assignee_id is None:  # whoever answers first owns it
        locked.assignee = by
        fields.append("assignee")
    locked.status = status
    locked.save(update_fields=fields)
    _event(locked, by, RequestEvent.Action.REPLIED, locked.get_status_display())
    transaction.on_commit(lambda: tasks.send_team_reply.enqueue(message.pk), robust=True)
    _refresh(request, locked)
    return message


@transaction.atomic
def team_note(request: Request, *, body: str, by) -> Message:
    """A note for the team only."""
    from support.models import RequestEvent

    locked = _locked(request)
    message = Message.objects.create(
        request=locked, author=by, from_team=True, internal=True, body=body
    )
    _event(locked, by, RequestEvent.Action.NOTE)
    return message


@transaction.atomic
def assign(request: Request, *, to, by) -> bool:
    """Give the request to a team member (``to`` None: to nobody). False when nothing changed."""
    from support.models import RequestEvent

    locked = _locked(request)
    if locked.assignee_id == (to.pk if to else None):
        return False
    locked.assignee = to
    locked.save(update_fields=["assignee", "updated_at"])
    _event(locked, by, RequestEvent.Action.ASSIGNED, str(to.email if to else "-"))
    _refresh(request, locked)
    return True


@transaction.atomic
def set_status(request: Request, *, status: str, by) -> bool:
    from support.models import RequestEvent

    locked = _locked(request)
    if locked.status == status:
        return False
    locked.status = status
    locked.save(update_fields=["status", "updated_at"])
    _event(locked, by, RequestEvent.Action.STATUS, locked.get_status_display())
    _refresh(request, locked)
    return True


def _refresh(request: Request, locked: Request) -> None:
    for field in ("status", "assignee_id", "first_response_at"):
        setattr(request, field, getattr(locked, field))
