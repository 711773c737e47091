"""E-mail in: a customer's reply adds to their request, a new e-mail opens one. One path for
every way mail arrives: a provider's inbound webhook (django-anymail parses it) and a raw
RFC 822 message on standard input (``manage.py support_mail_in``, for a mail server's pipe
or fetchmail) both come here as an ``AnymailInboundMessage``.

- A reply finds its request by the reference: in the address it was sent to
  (``support+HC-7KQ4-9M2P@…``, the Reply-To of the team's e-mails), in the subject
  (``[HC-7KQ4-9M2P]``), or in the Message-IDs it answers (ours carry the reference).
- Only the request's own address adds to it. Anyone else, and anyone without a reference,
  opens a new request, unconfirmed unless the address is known (an account's verified
  address, or one that confirmed a request before): the reply goes to the real address.
- Auto-replies, bounces and our own e-mails coming back never make a request or a message
  (RFC 3834 ``Auto-Submitted``, ``Precedence``, delivery reports, our Message-ID).
- The same e-mail delivered twice (a retried webhook, a pipe run again) is one message.
- What the customer wrote is kept as it arrived (``Message.original``); the message shows
  it without quoted history and signature (``support.quotes``)."""

import logging
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from support import attachments, quotes
from support.models import Message, Request
from support.references import ALPHABET, PREFIX

logger = logging.getLogger(__name__)

_CHARS = f"[{ALPHABET}]"
REFERENCE = re.compile(rf"\b{PREFIX}-({_CHARS}{{4}})-?({_CHARS}{{4}})\b", re.I)
# Our own Message-IDs: ``<…support.HC-7KQ4-9M2P…@domain>`` (``message_id``).
_OURS = "support."


@dataclass(frozen=True)
class Outcome:
    action: str  # "added", "created" or "ignored"
    reason: str = ""
    request: Request | None = None


def message_id(request: Request) -> str:
    """A Message-ID for an e-mail about ``request``: replies to it name the request."""
    from django.core.mail import make_msgid

    return make_msgid(idstring=f"{_OURS}{request.reference}", domain=mail_domain())


def mail_domain() -> str:
    from urllib.parse import urlsplit

    address = settings.SUPPORT_REPLY_ADDRESS
    if "@" in address:
        return address.rsplit("@", 1)[1]
    return urlsplit(settings.BASE_URL).hostname or "localhost"


def reply_address(request: Request) -> str:
    """Where a reply to the team's e-mail goes: the support address with the reference."""
    address = settings.SUPPORT_REPLY_ADDRESS
    if "@" not in address:
        return ""
    local, domain = address.rsplit("@", 1)
    return f"{local}+{request.reference}@{domain}"


def why_ignored(message) -> str:
    """Why a message must not make a request or an answer; "" when it may."""
    auto = (message.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return "auto-submitted"
    if (message.get("Precedence") or "").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return "bulk"
    if any(message.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")):
        return "auto-reply"
    # Exchange's out-of-office: it asks not to be answered, under a subject that says so.
    suppress = (message.get("X-Auto-Response-Suppress") or "").strip().lower()
    if suppress in ("all", "oof") and _subject_is_auto(message):
        return "auto-reply"
    if message.get_content_type() == "multipart/report" or (
        (message.get("Return-Path") or "").strip() == "<>"
    ):
        return "bounce"
    sender = _sender(message)
    local = sender.split("@", 1)[0].lower()
    if local in ("mailer-daemon", "postmaster") or local.startswith(("noreply", "no-reply")):
        return "bounce" if local in ("mailer-daemon", "postmaster") else "no-reply sender"
    ours = {_address(settings.DEFAULT_FROM_EMAIL), _address(settings.SUPPORT_REPLY_ADDRESS)}
    if sender and sender.lower() in ours:
        return "loop"
    if _ours(message.get("Message-ID") or ""):
        return "loop"
    return ""


def _subject_is_auto(message) -> bool:
    subject = (message.get("Subject") or "").lower()
    return subject.startswith(
        ("automatic reply", "out of office", "abwesenheitsnotiz", "otomatik yanıt")
    )


def _ours(message_id_value: str) -> bool:
    return f"{_OURS}{PREFIX}-".lower() in message_id_value.lower() and message_id_value.lower()[
        :-1
    ].endswith(f"@{mail_domain()}".lower())


def _address(value: str) -> str:
    from email.utils import parseaddr

    return parseaddr(value or "")[1].lower()


def _sender(message) -> str:
    found = message.from_email
    if isinstance(found, list):
        found = found[0] if found else None
    return found.addr_spec if found is not None else ""


def references_in(message) -> list[str]:
    """References named by the message, the surest first: address, subject, threading."""
    recipients = [a.addr_spec for a in message.to + message.cc]
    for header in ("Delivered-To", "X-Original-To", "Envelope-To"):
        recipients += [message.get(header) or ""]
    recipients.append(getattr(message, "envelope_recipient", None) or "")
    threading = " ".join(
        value for value in (message.get("In-Reply-To"), message.get("References")) if value
    )
    found = []
    for text in (*recipients, message.get("Subject") or "", threading):
        for first, second in REFERENCE.findall(text):
            reference = f"{PREFIX}-{first.upper()}-{second.upper()}"
            if reference not in found:
                found.append(reference)
    return found


def _text(message) -> str:
    if message.text and message.text.strip():
        return message.text
    if message.html:
        return quotes.html_to_text(message.html)
    return ""


def _files(message) -> list[tuple[str, bytes]]:
    found = []
    for part in message.walk():
        if (
            part.is_multipart()
            or part.get_content_maintype() == "text"
            and not part.is_attachment()
        ):
            continue
        if part.is_attachment() or part.is_inline():
            try:
                found.append((part.get_filename() or "", part.get_content_bytes() or b""))
            except Exception:  # a part that does not decode is left out, and said so
                logger.warning("support mail in: an attachment did not decode", exc_info=True)
                found.append((part.get_filename() or "", b""))
    return found


def _language(message, text: str) -> str:
    """The language the customer wrote in: the header their mail program sets, or a guess
    from the words; the site's language when neither tells."""
    codes = [code for code, _name in settings.LANGUAGES]
    declared = (message.get("Content-Language") or "").split(",")[0].strip().lower()[:2]
    if declared in codes:
        return declared
    try:
        import simplemma

        scores = simplemma.langdetect(text[:2000], lang=tuple(codes))
        best, score = scores[0]
        if best in codes and score >= 0.4:
            return best
    except Exception:  # the guess is a convenience: the site's language will do
        logger.debug("support mail in: no language guess", exc_info=True)
    return settings.LANGUAGE_CODE[:2]


def receive(message) -> Outcome:
    """Takes one incoming e-mail (an ``anymail.inbound.AnymailInboundMessage``)."""
    from support import services

    reason = why_ignored(message)
    if reason:
        logger.info("support mail in: ignored (%s) from %s", reason, _sender(message))
        return Outcome("ignored", reason)
    sender = _sender(message)
    if not sender or "@" not in sender:
        return Outcome("ignored", "no sender")
    incoming_id = (message.get("Message-ID") or "").strip()[:255]
    if incoming_id and Message.objects.filter(email_message_id=incoming_id).exists():
        return Outcome("ignored", "duplicate")
    original = _text(message)
    body = quotes.trim(original) or "-"
    files, refused = attachments.check(_files(message))
    with transaction.atomic():
        target = _request_for(message, sender)
        if target is not None:
            services.customer_reply(
                target,
                body=body,
                source=Message.Source.EMAIL,
                original=original,
                email_message_id=incoming_id,
                files=files,
                refused=refused,
            )
            return Outcome("added", request=target)
        if not _within_limit(sender):
            return Outcome("ignored", "too many")
        created = services.request_create_from_mail(
            sender=sender,
            subject=_subject(message),
            body=body,
            original=original,
            language=_language(message, body),
            email_message_id=incoming_id,
            files=files,
            refused=refused,
        )
    return Outcome("created", request=created)


def _request_for(message, sender: str) -> Request | None:
    """The open request this reply belongs to, when the sender is its customer."""
    for reference in references_in(message):
        found = Request.objects.filter(reference=reference).first()
        hops = 0
        while found is not None and found.merged_into_id and hops < 5:
            found, hops = found.merged_into, hops + 1
        if found is None or found.anonymised_at is not None:
            continue
        if found.email.casefold() != sender.casefold():
            continue  # someone else's reference: never add to a stranger's request
        if found.status == Request.Status.CLOSED:
            return None  # a closed request is not reopened: a new one starts
        return found
    return None


def _subject(message) -> str:
    from site_config.text import without_control_characters

    subject = " ".join(without_control_characters(message.get("Subject") or "").split())
    subject = REFERENCE.sub("", subject).replace("[]", "").strip()
    return subject[:150] or "(no subject)"


def _within_limit(sender: str) -> bool:
    """New requests by e-mail per sender address: as the contact form's limit."""
    from site_config import ratelimit
    from support.views import CONTACT_LIMITS

    for limit, period in CONTACT_LIMITS:
        if not ratelimit.hit(f"mail-in-{period}", sender.lower(), limit=limit, period=period):
            logger.warning("support mail in: %s sent too many new requests", sender)
            return False
    return True


def receive_raw(raw: bytes) -> Outcome:
    """One RFC 822 message as bytes (the stdin command)."""
    from anymail.inbound import AnymailInboundMessage

    if len(raw) > settings.SUPPORT_INBOUND_MAX_BYTES:
        return Outcome("ignored", "too large")
    return receive(AnymailInboundMessage.parse_raw_mime_bytes(raw))
