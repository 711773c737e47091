"""What changes a support request. Views check permissions (``support.permissions``) and
hand over plain, cleaned data; e-mails go out after the transaction commits and a mail
server that fails never loses a request."""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.models import Site

from support import addresses, attachments, tasks
from support.models import ContactVisit, Message, Rating, Request, RequestEvent, SupportHours
from support.references import new_reference
from support.selectors import hours_for

logger = logging.getLogger(__name__)

# New requests one sender may open: through the contact form (per address and per
# connection, ``support.views``) and by e-mail (per address, ``support.inbound``).
CONTACT_LIMITS = ((5, 3600), (20, 86400))


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
    files=(),
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
    request = _create_with_reference(fields)
    message = Message.objects.create(request=request, author=fields["user"], body=body)
    attachments.store(message, files)
    if visit_key:
        ContactVisit.objects.filter(pk=visit.pk).update(request=request)
    transaction.on_commit(lambda: tasks.send_received.enqueue(request.pk), robust=True)
    return request


@transaction.atomic
def request_create_from_mail(
    *,
    sender: str,
    subject: str,
    body: str,
    original: str,
    language: str,
    email_message_id: str = "",
    files=(),
    refused=(),
    mentions=(),
) -> Request:
    """A new request from an e-mail (``support.inbound``). Confirmed at once when the address
    is known (an account's verified address, or one that confirmed a request before);
    anyone else confirms through the link first, as on the contact form."""
    now = timezone.now()
    site = Site.objects.filter(is_default_site=True).first()
    accounts = addresses.verified_accounts(sender)
    account = accounts[0] if accounts else None
    known = account is not None or addresses.confirmed_before(sender)
    fields = {
        "user": account.user if account is not None else None,
        "email": sender,
        "language": language,
        "subject": subject,
        "confirmed_at": now if known else None,
        "first_response_due": promise(hours_for(site), now).due,
    }
    request = _create_with_reference(fields)
    message = Message.objects.create(
        request=request,
        author=fields["user"],
        body=body,
        source=Message.Source.EMAIL,
        original=original,
        email_message_id=email_message_id,
    )
    attachments.store(message, files)
    _refused_note(request, refused)
    if mentions:
        from django.utils.translation import gettext as _

        # It names a request without answering our e-mail (or from another address): the
        # team decides whether it belongs there (and merges it if it is the same customer).
        Message.objects.create(
            request=request,
            from_team=True,
            internal=True,
            body=_(
                "This e-mail names %(references)s, but was not an answer to our e-mail from "
                "that request's address: it was not added there."
            )
            % {"references": ", ".join(mentions)},
        )
    transaction.on_commit(lambda: tasks.send_received.enqueue(request.pk), robust=True)
    return request


def _create_with_reference(fields: dict) -> Request:
    for attempt in range(5):  # a clash of two random references is rare, never fatal
        try:
            with transaction.atomic():
                return Request.objects.create(reference=new_reference(), **fields)
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _refused_note(request: Request, refused) -> None:
    """Attachments of an e-mail that were not kept: the team knows, and can ask again."""
    if refused:
        from django.utils.translation import gettext as _

        lines = "\n".join(f"- {reason}" for reason in refused)
        Message.objects.create(
            request=request,
            from_team=True,
            internal=True,
            body=_("Attachments not kept:") + "\n" + lines,
        )


def _verified(user, email: str) -> bool:
    return any(row.user_id == user.pk for row in addresses.verified_accounts(email))


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


class RequestNotOpen(Exception):
    """The request takes no more messages: closed, merged or anonymised."""


@transaction.atomic
def customer_reply(
    request: Request,
    *,
    body: str,
    user=None,
    source=Message.Source.WEB,
    original: str = "",
    email_message_id: str = "",
    files=(),
    refused=(),
) -> Message:
    """The customer adds to the conversation: a request waiting for them, or solved, is
    open again for the team. ``files`` were checked (``attachments.check``); ``refused``
    says which were not kept, in a note for the team."""
    locked = Request.objects.select_for_update().get(pk=request.pk)
    if (
        locked.status == Request.Status.CLOSED
        or locked.anonymised_at is not None
        or locked.merged_into_id is not None
    ):
        # Closed, merged or anonymised while the reply waited for the row: never kept here
        # (anonymised data stays gone), the caller starts anew.
        raise RequestNotOpen(locked.reference)
    message = Message.objects.create(
        request=locked,
        author=user if user is not None and user.is_authenticated else None,
        body=body,
        source=source,
        original=original,
        email_message_id=email_message_id,
    )
    attachments.store(message, files)
    _refused_note(locked, refused)
    if locked.status in (Request.Status.WAITING, Request.Status.SOLVED):
        locked.status = Request.Status.OPEN
    locked.save(update_fields=["status", "updated_at", *_solved_fields(locked)])
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
    RequestEvent.objects.create(request=request, actor=by, action=action, detail=detail[:200])


@transaction.atomic
def team_reply(request: Request, *, body: str, by, status: str = Request.Status.WAITING) -> Message:
    """An answer to the customer, e-mailed to them; the first one keeps the promise."""
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
    fields += _solved_fields(locked)
    locked.save(update_fields=fields)
    _event(locked, by, RequestEvent.Action.REPLIED, locked.get_status_display())
    transaction.on_commit(lambda: tasks.send_team_reply.enqueue(message.pk), robust=True)
    _refresh(request, locked)
    return message


@transaction.atomic
def team_note(request: Request, *, body: str, by) -> Message:
    """A note for the team only."""
    locked = _locked(request)
    message = Message.objects.create(
        request=locked, author=by, from_team=True, internal=True, body=body
    )
    _event(locked, by, RequestEvent.Action.NOTE)
    return message


@transaction.atomic
def assign(request: Request, *, to, by) -> bool:
    """Give the request to a team member (``to`` None: to nobody). False when nothing changed."""
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
    locked = _locked(request)
    if locked.status == status:
        return False
    locked.status = status
    fields = ["status", "updated_at", *_solved_fields(locked)]
    locked.save(update_fields=fields)
    _event(locked, by, RequestEvent.Action.STATUS, locked.get_status_display())
    if status == Request.Status.SOLVED:
        # "How did we do?": asked once, with the news that it is solved.
        transaction.on_commit(lambda: tasks.send_solved.enqueue(locked.pk), robust=True)
    _refresh(request, locked)
    return True


def _solved_fields(locked: Request) -> list[str]:
    """``solved_at`` follows the status: set when solved, kept through closing, cleared
    when the customer opens it again."""
    if locked.status == Request.Status.SOLVED and locked.solved_at is None:
        locked.solved_at = timezone.now()
        return ["solved_at"]
    open_again = (Request.Status.NEW, Request.Status.OPEN, Request.Status.WAITING)
    if locked.status in open_again and locked.solved_at is not None:
        locked.solved_at = None
        return ["solved_at"]
    return []


def _refresh(request: Request, locked: Request) -> None:
    for field in ("status", "assignee_id", "first_response_at", "solved_at"):
        setattr(request, field, getattr(locked, field))


def can_rate(request: Request) -> bool:
    """Asked once, when the team solved it (and still when it was closed after that)."""
    return (
        request.solved_at is not None
        and request.status in (Request.Status.SOLVED, Request.Status.CLOSED)
        and request.anonymised_at is None
        and not Rating.objects.filter(request=request).exists()
    )


@transaction.atomic
def rate(request: Request, *, good: bool, comment: str = "", recommend: int | None = None):
    """The customer's answer to "How did we do?". None when it was rated already (a second
    tab, a double click): the first answer stands."""
    locked = _locked(request)
    if Rating.objects.filter(request=locked).exists():
        return None
    rating = Rating.objects.create(request=locked, good=good, comment=comment, recommend=recommend)
    _event(locked, None, RequestEvent.Action.RATED, "good" if good else "bad")
    return rating


@transaction.atomic
def request_merge(*, source: Request, into: Request, by):
    """Move ``source``'s conversation (its messages, their attachments with them) into
    ``into``, where it falls in time order, and close ``source`` as merged into it; both
    histories say so. Refuses merging a request into itself, into a merged one, and one
    that others were merged into (no chains), and requests of two different customers
    (``support.addresses``). Returns ``into`` as it is now.
    The view checks ``permissions.can_merge``."""
    from django.utils.translation import gettext as _
    from django.utils.translation import ngettext

    if source.pk == into.pk:
        raise ValidationError(_("A request cannot be merged into itself."))
    # Both rows, the lower id first: two agents merging the same two requests at once (either
    # way round) wait for each other instead of deadlocking.
    locked = {
        pk: Request.objects.select_for_update().get(pk=pk) for pk in sorted((source.pk, into.pk))
    }
    src, dst = locked[source.pk], locked[into.pk]
    if src.merged_into_id is not None:
        raise ValidationError(_("%(ref)s was merged already.") % {"ref": src.reference})
    if dst.merged_into_id is not None:
        raise ValidationError(
            _("%(ref)s was itself merged into another request: merge into that one.")
            % {"ref": dst.reference}
        )
    if Request.objects.filter(merged_into=src).exists():
        raise ValidationError(
            _(
                "Other requests were merged into %(ref)s: merge %(other)s into it instead, so "
                "that every conversation stays in one place."
            )
            % {"ref": src.reference, "other": dst.reference}
        )
    if src.anonymised_at is not None or dst.anonymised_at is not None:
        raise ValidationError(_("A request whose personal data was removed cannot be merged."))
    if not addresses.same(src.email, dst.email):
        # One customer's words must never reach another (their link reads the merged
        # conversation, their export holds it, the other's erasure would miss it).
        raise ValidationError(
            _(
                "%(source)s and %(into)s come from different e-mail addresses: answer each "
                "on its own. Merging would show one customer's messages to the other."
            )
            % {"source": src.reference, "into": dst.reference}
        )
    moved = Message.objects.filter(request=src).update(request=dst)
    fields = ["updated_at"]
    open_statuses = (Request.Status.NEW, Request.Status.OPEN)
    if src.status in open_statuses and dst.status not in open_statuses:
        # The source still waited for the team: so does the conversation now.
        dst.status = Request.Status.OPEN
        fields.append("status")
    # Neither customer has an answer yet: the earlier promise holds.
    unanswered = src.first_response_at is None and dst.first_response_at is None
    if unanswered and src.first_response_due < dst.first_response_due:
        dst.first_response_due = src.first_response_due
        fields.append("first_response_due")
    dst.save(update_fields=fields)
    src.status = Request.Status.CLOSED
    src.merged_into = dst
    src.save(update_fields=["status", "merged_into", "updated_at"])
    Action = RequestEvent.Action
    _event(src, by, Action.MERGED, _("into %(ref)s") % {"ref": dst.reference})
    detail = ngettext(
        "from %(ref)s (%(count)d message)", "from %(ref)s (%(count)d messages)", moved
    ) % {"ref": src.reference, "count": moved}
    _event(dst, by, Action.MERGED, detail)
    source.status, source.merged_into_id = src.status, dst.pk
    return dst
