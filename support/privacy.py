"""Personal data in support requests (GDPR, KVKK): what is held about one customer, its
export, and anonymisation, by retention or on the customer's request (erasure), through one
code path, ``requests_anonymise``.

What anonymising keeps: the reference, dates, status, language, topic, assignee, the
rating's good/bad and 0-10 (the reports count them) and the contact visit (no personal
data). What it removes: the address (a placeholder under the reserved ``.invalid`` domain,
so nothing can be sent to it), the link to the account, the order number, the subject (the
customer typed it: "Refund for Ayşe Yılmaz, Atatürk Cd. 5" is common), every message's
text and e-mail original (team replies and notes too: they quote and name the customer),
attachments (rows and files), the rating's comment. The secret link changes, so the one in
the customer's old e-mails leads nowhere, and a request still open is closed: nobody is
left to answer.

Which requests retention takes: not anonymised yet, last active before the retention
period (``SupportHours.retention_days``), and finished: closed, solved (a solved request
untouched for the whole period will not be reopened) or never confirmed (the address's
owner never asked for it). Last activity is the latest of the request's change and its
newest message; an export or an earlier anonymisation does not count. Requests belong to no
site, so the shortest period any site sets applies: no site keeps data longer than it says.

How an address matches: the app compares ``Request.email`` with ``iexact``, which differs
by database for letters outside A-Z (PostgreSQL folds the Turkish dotless ı to I, SQLite
does not). Here the database's ``iexact`` only narrows the search and ``same_address``
decides: A-Z case-insensitive, every other character exact. So ılker@ and İlker@ are never
counted as ilker@'s (an export must not hand over someone else's requests).

Services here check no permission: the views ask ``support.permissions``."""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.utils import timezone
from wagtail.models import Site

from support import addresses
from support.models import (
    Attachment,
    Message,
    Rating,
    Request,
    RequestEvent,
    SupportHours,
    new_secret,
)
from support.selectors import hours_for

logger = logging.getLogger(__name__)

# What stays where a customer's words were. Stored, not translated: the admin shows it to
# agents of any language, and it is never sent to anyone.
REMOVED = "[removed]"
PLACEHOLDER_DOMAIN = "anonymised.invalid"  # RFC 2606: never resolves, never delivered
BATCH_SIZE = 200
RETENTION_DETAIL = "retention period over"
ERASURE_DETAIL = "erased on the customer's request"


same_address = addresses.same  # the one rule (support.addresses)


def placeholder_address(request: Request) -> str:
    return f"anonymised-{request.pk}@{PLACEHOLDER_DOMAIN}"


# Reads ------------------------------------------------------------------------------------


def _account_ids(address: str) -> set[int]:
    """Accounts that proved they own ``address``: their requests under another address of
    theirs are this customer's too."""
    from allauth.account.models import EmailAddress

    found = EmailAddress.objects.filter(email__iexact=address, verified=True)
    return {
        user_id
        for user_id, email in found.values_list("user_id", "email")
        if same_address(email, address)
    }


def request_ids_for_address(address: str) -> list[int]:
    """The requests holding the personal data of the customer at ``address``: sent from
    it, or by an account that verified it (anonymised ones hold none). Two queries."""
    accounts = _account_ids(address)
    candidates = Request.objects.filter(
        Q(email__iexact=address) | Q(user_id__in=accounts), anonymised_at__isnull=True
    )
    return [
        pk
        for pk, email, user_id in candidates.values_list("pk", "email", "user_id")
        if same_address(email, address) or user_id in accounts
    ]


def requests_for_address(address: str) -> list[Request]:
    """The customer's requests, newest first, with their conversation, attachments, rating
    and history: a fixed number of queries however many there are."""
    ids = request_ids_for_address(address)
    if not ids:
        return []
    return list(
        Request.objects.filter(pk__in=ids)
        .select_related("topic", "rating")
        .prefetch_related("messages__attachments", "events")
        .order_by("-created_at", "-pk")
    )


def retention_days() -> int:
    """The shortest retention period any site sets (the default until one does)."""
    return min(
        (hours_for(site).retention_days for site in Site.objects.all()),
        default=SupportHours().retention_days,
    )


def retention_due(now: datetime | None = None, days: int | None = None):
    """Finished requests whose last activity is older than the retention period."""
    days = retention_days() if days is None else days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    finished = Q(status__in=(Request.Status.SOLVED, Request.Status.CLOSED)) | Q(
        confirmed_at__isnull=True
    )
    recent_message = Message.objects.filter(request=OuterRef("pk"), created_at__gte=cutoff)
    # Exists, not a Max() annotation: the batch locks these rows, and PostgreSQL refuses
    # FOR UPDATE with GROUP BY.
    return Request.objects.filter(
        finished, ~Exists(recent_message), anonymised_at__isnull=True, updated_at__lt=cutoff
    )


def export_data(requests: list[Request], address: str, now: datetime) -> dict:
    """What a data subject access request hands over, JSON-ready. Team replies and notes
    are included (notes are about the customer, and marked ``internal``: read them before
    sending the file); staff are named only as "team", the history without who did it."""

    def when(value):
        return value.isoformat() if value else None

    def message(item: Message) -> dict:
        found = {
            "created_at": when(item.created_at),
            "from": "team" if item.from_team else "customer",
            "internal": item.internal,
            "source": item.source,
            "body": item.body,
            "attachments": [
                {"name": a.name, "content_type": a.content_type, "size": a.size}
                for a in item.attachments.all()
            ],
        }
        if item.original:
            found["original_email"] = item.original
        return found

    def rating(found: Request) -> dict | None:
        try:
            rated = found.rating
        except Rating.DoesNotExist:
            return None
        return {
            "created_at": when(rated.created_at),
            "good": rated.good,
            "comment": rated.comment,
            "recommend": rated.recommend,
        }

    return {
        "exported_at": when(now),
        "email": address,
        "requests": [
            {
                "reference": found.reference,
                "created_at": when(found.created_at),
                "email": found.email,
                "signed_in": found.user_id is not None,
                "language": found.language,
                "topic": found.topic.title if found.topic else None,
                "subject": found.subject,
                "order_number": found.order_number,
                "status": found.status,
                "confirmed_at": when(found.confirmed_at),
                "first_response_at": when(found.first_response_at),
                "solved_at": when(found.solved_at),
                "anonymised_at": when(found.anonymised_at),
                "messages": [message(item) for item in found.messages.all()],
                "rating": rating(found),
                "history": [
                    {"at": when(event.created_at), "action": event.action}
                    for event in found.events.all()
                ],
            }
            for found in requests
        ],
    }


# Writes -----------------------------------------------------------------------------------


@transaction.atomic
def personal_data_export(*, address: str, by) -> dict:
    """Everything held about the customer at ``address``; each request's log says who
    exported it and when."""
    found = requests_for_address(address)
    now = timezone.now()
    data = export_data(found, address, now)
    RequestEvent.objects.bulk_create(
        RequestEvent(request=item, actor=by, action=RequestEvent.Action.EXPORTED) for item in found
    )
    return data


@transaction.atomic
def personal_data_erase(*, address: str, by, request_ids) -> list[int]:
    """Anonymise now the customer's requests among ``request_ids`` (those staff confirmed:
    one that arrived meanwhile is not erased unseen); returns the ids done."""
    mine = set(request_ids_for_address(address))
    chosen = [pk for pk in request_ids if pk in mine]
    return requests_anonymise(chosen, by=by, detail=ERASURE_DETAIL)


@transaction.atomic
def requests_anonymise(request_ids, *, by=None, detail: str = "") -> list[int]:
    """Remove the personal data from these requests (see the module's docstring); those
    anonymised already are left alone. Files go from storage once the transaction commits.
    Returns the ids done."""
    found = list(
        Request.objects.select_for_update()
        .filter(pk__in=list(request_ids), anonymised_at__isnull=True)
        .order_by("pk")
    )
    if not found:
        return []
    ids = [item.pk for item in found]
    now = timezone.now()

    attachments = Attachment.objects.filter(message__request_id__in=ids)
    names = [name for name in attachments.values_list("file", flat=True) if name]
    attachments.delete()
    if names:
        storage = Attachment._meta.get_field("file").storage
        transaction.on_commit(lambda: _delete_files(storage, names))

    messages = Message.objects.filter(request_id__in=ids)
    messages.update(
        body=REMOVED,
        original=Case(When(original="", then=Value("")), default=Value(REMOVED)),
        # A Message-ID can carry the sender's name or address.
        email_message_id="",
    )
    messages.filter(from_team=False).update(author=None)
    Rating.objects.filter(request_id__in=ids).exclude(comment="").update(comment="")
    # The customer's own account in the history (their replies, their rating).
    RequestEvent.objects.filter(request_id__in=ids, actor_id=F("request__user_id")).update(
        actor=None
    )

    finished = (Request.Status.SOLVED, Request.Status.CLOSED)
    for item in found:
        item.email = placeholder_address(item)
        item.user = None
        item.order_number = ""
        item.subject = REMOVED
        item.secret = new_secret()
        item.anonymised_at = now
        if item.status not in finished:
            item.status = Request.Status.CLOSED
    # bulk_update leaves updated_at alone: anonymising is not the customer's activity.
    Request.objects.bulk_update(
        found, ["email", "user", "order_number", "subject", "secret", "anonymised_at", "status"]
    )
    RequestEvent.objects.bulk_create(
        RequestEvent(request=item, actor=by, action=RequestEvent.Action.ANONYMISED, detail=detail)
        for item in found
    )
    return ids


def _delete_files(storage, names: list[str]) -> None:
    for name in names:
        try:
            storage.delete(name)
        except Exception:  # the rows are gone: log the file to remove by hand, go on
            logger.exception("support attachment %s could not be deleted from storage", name)


def retention_apply(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE, on_batch=None
) -> int:
    """Anonymise every request past the retention period, ``batch_size`` per transaction
    (rows locked briefly, a long run never holds them all). Returns how many; running it
    again changes nothing."""
    days = retention_days()
    done = 0
    while True:
        with transaction.atomic():
            ids = list(
                retention_due(now, days)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return done
            count = len(requests_anonymise(ids, detail=RETENTION_DETAIL))
        done += count
        if on_batch is not None:
            on_batch(count)
