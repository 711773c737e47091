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
from django.db import IntegrityError, transaction

from site_config import ratelimit
from site_config.text import without_control_characters
from support import addresses, attachments, quotes, services
from support.mail_ids import MESSAGE_ID_PREFIX, mail_domain, signature
from support.models import Message, Request
from support.references import ALPHABET, PREFIX

logger = logging.getLogger(__name__)

_CHARS = f"[{ALPHABET}]"
REFERENCE = re.compile(rf"\b{PREFIX}-({_CHARS}{{4}})-?({_CHARS}{{4}})\b", re.I)
# The reference with its signature, as our Reply-To and Message-IDs carry it
# (``support.mail_ids``): ``HC-7KQ4-9M2P.3f9a0c2b7d1e``.
SIGNED = re.compile(rf"\b{PREFIX}-({_CHARS}{{4}})-?({_CHARS}{{4}})\.([0-9a-f]{{12}})\b", re.I)


@dataclass(frozen=True)
class Outcome:
    # "added", "created"; "ignored" (auto-replies, bounces, duplicates: never answered) or
    # "refused" (too large, too many: the mail server bounces it, the sender learns why)
    action: str
    reason: str = ""
    request: Request | None = None


def why_ignored(message) -> str:
    """Why a message must not make a request or an answer; "" when it may."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and auto != "no":
        return "auto-submitted"
    if _header(message, "Precedence").strip().lower() in ("bulk", "junk", "list", "auto_reply"):
        return "bulk"
    if any(_header(message, h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply")):
        return "auto-reply"
    # Exchange's out-of-office: it asks not to be answered, under a subject that says so.
    suppress = _header(message, "X-Auto-Response-Suppress").strip().lower()
    if suppress in ("all", "oof") and _subject_is_auto(message):
        return "auto-reply"
    if message.get_content_type() == "multipart/report" or (
        _header(message, "Return-Path").strip() == "<>"
    ):
        return "bounce"
    sender = _sender(message)
    local = sender.split("@", 1)[0].lower()
    if local in ("mailer-daemon", "postmaster") or local.startswith(("noreply", "no-reply")):
        return "bounce" if local in ("mailer-daemon", "postmaster") else "no-reply sender"
    ours = {_address(settings.DEFAULT_FROM_EMAIL), _address(settings.SUPPORT_REPLY_ADDRESS)}
    if sender and sender.lower() in ours:
        return "loop"
    if _ours(_header(message, "Message-ID")):
        return "loop"
    return ""


def _subject_is_auto(message) -> bool:
    subject = _header(message, "Subject").lower()
    return subject.startswith(
        ("automatic reply", "out of office", "abwesenheitsnotiz", "otomatik yanıt")
    )


def _ours(message_id_value: str) -> bool:
    """One of our Message-IDs, signed: our own e-mail coming back."""
    value = message_id_value.strip().lower()
    return (
        value.endswith(f"@{mail_domain()}>".lower())
        and f"{MESSAGE_ID_PREFIX}{PREFIX}-".lower() in value
        and any(_valid(f"{PREFIX}-{a}-{b}".upper(), mac) for a, b, mac in SIGNED.findall(value))
    )


def _address(value: str) -> str:
    from email.utils import parseaddr

    return parseaddr(value or "")[1].lower()


def references_in(message) -> tuple[list[str], list[str]]:
    """The references the message proves (signed, in the address it was sent to or the
    Message-IDs it answers: it answers our e-mail), and those it only names (a subject
    anyone can type)."""
    recipients = [_safe(lambda: [a.addr_spec for a in message.to + message.cc], [])]
    for header in ("Delivered-To", "X-Original-To", "Envelope-To", "In-Reply-To", "References"):
        recipients.append([_header(message, header)])
    recipients.append([getattr(message, "envelope_recipient", None) or ""])
    proven = []
    for text in (text for group in recipients for text in group):
        for first, second, mac in SIGNED.findall(text[:5000]):
            reference = f"{PREFIX}-{first.upper()}-{second.upper()}"
            if _valid(reference, mac) and reference not in proven:
                proven.append(reference)
    named = []
    for first, second in REFERENCE.findall(_header(message, "Subject")[:1000]):
        reference = f"{PREFIX}-{first.upper()}-{second.upper()}"
        if reference not in proven and reference not in named:
            named.append(reference)
    return proven, named


def _valid(reference: str, mac: str) -> bool:
    from django.utils.crypto import constant_time_compare

    return constant_time_compare(signature(reference), mac.lower())


def _safe(read, default):
    """A part of a malformed message reads as missing, never as an error."""
    try:
        return read()
    except Exception:
        logger.info("support mail in: an unreadable part", exc_info=True)
        return default


def _header(message, name: str) -> str:
    value = _safe(lambda: message.get(name), None)
    return str(value) if value is not None else ""


def _sender(message) -> str:
    def read():
        found = message.from_email
        if isinstance(found, list):
            found = found[0] if found else None
        return found.addr_spec if found is not None else ""

    return _safe(read, "")


# What is kept of an e-mail: a web message's limit for what is shown (longer is cut, and
# said so), and far more of the original.
BODY_KEPT = 20_000
ORIGINAL_KEPT = 200_000


def _text(message) -> str:
    """The message's text: its text part, else its HTML as text; a part in an unknown
    charset is read as UTF-8 with what does not decode replaced."""

    def part(kind: str) -> str:
        found = _safe(lambda: message.text if kind == "text/plain" else message.html, None)
        if found is None:  # an unknown charset: read as UTF-8, what does not decode replaced
            found = _safe(lambda: _undecoded(message, kind), "")
        return found or ""

    text = part("text/plain")
    if text.strip():
        return text[:ORIGINAL_KEPT]
    html = part("text/html")
    return _safe(lambda: quotes.html_to_text(html[:ORIGINAL_KEPT]), "") if html else ""


def _undecoded(message, kind: str) -> str:
    for found in message.walk():
        if found.get_content_type() == kind and not found.is_attachment():
            payload = found.get_payload(decode=True) or b""
            return payload.decode("utf-8", errors="replace")
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
    declared = _header(message, "Content-Language").split(",")[0].strip().lower()[:2]
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
    """Takes one incoming e-mail (an ``anymail.inbound.AnymailInboundMessage``). Anything
    malformed in it reads as missing; only the database failing raises (the mail server or
    the provider then delivers it again)."""
    reason = why_ignored(message)
    if reason:
        logger.info("support mail in: ignored (%s) from %s", reason, _sender(message))
        return Outcome("ignored", reason)
    sender = _sender(message)
    if not sender or "@" not in sender or len(sender) > 254:
        return Outcome("ignored", "no sender")
    incoming_id = _header(message, "Message-ID").strip()[:255]
    if incoming_id and Message.objects.filter(email_message_id=incoming_id).exists():
        return Outcome("ignored", "duplicate")
    original = _text(message)
    body = quotes.trim(original) or "-"
    if len(body) > BODY_KEPT:
        body = body[:BODY_KEPT] + "\n[…]"
    files, refused = attachments.check(_safe(lambda: _files(message), []))
    proven, named = _safe(lambda: references_in(message), ([], []))
    mail = {
        "body": body,
        "original": original,
        "email_message_id": incoming_id,
        "files": files,
        "refused": refused,
    }
    try:
        with transaction.atomic():
            outcome = _add_or_open(message, sender, proven, named, mail)
    except IntegrityError:
        # The same e-mail delivered twice at the same moment: the other delivery kept it.
        if incoming_id and Message.objects.filter(email_message_id=incoming_id).exists():
            return Outcome("ignored", "duplicate")
        raise
    return outcome


def _add_or_open(message, sender: str, proven, named, mail: dict) -> Outcome:
    target = _request_for(proven, sender)
    if target is not None:
        try:
            services.customer_reply(target, source=Message.Source.EMAIL, **mail)
            return Outcome("added", request=target)
        except services.RequestNotOpen:
            pass  # closed or anonymised meanwhile: a new request, as for a closed one
    if not _within_limit(sender):
        return Outcome("refused", "too many")
    created = services.request_create_from_mail(
        sender=sender,
        subject=_subject(message),
        language=_language(message, mail["body"]),
        mentions=[*proven, *named],
        **mail,
    )
    return Outcome("created", request=created)


def _request_for(proven: list[str], sender: str) -> Request | None:
    """The open request this reply belongs to: one whose signed reference the message
    carries (it answers our e-mail), from that request's own address."""
    for reference in proven:
        found = Request.objects.filter(reference=reference).first()
        hops = 0
        while found is not None and found.merged_into_id and hops < 5:
            found, hops = found.merged_into, hops + 1
        if found is None or found.anonymised_at is not None:
            continue
        if not addresses.same(found.email, sender):
            continue  # someone else's request: never add to it
        if found.status == Request.Status.CLOSED:
            return None  # a closed request is not reopened: a new one starts
        return found
    return None


def _subject(message) -> str:
    subject = " ".join(without_control_characters(_header(message, "Subject")[:1000]).split())
    subject = REFERENCE.sub("", subject).replace("[]", "").strip()
    return subject[:150] or "(no subject)"


def _within_limit(sender: str) -> bool:
    """New requests by e-mail per sender address: as the contact form's limit."""
    for limit, period in services.CONTACT_LIMITS:
        if not ratelimit.hit(f"mail-in-{period}", sender.lower(), limit=limit, period=period):
            logger.warning("support mail in: %s sent too many new requests", sender)
            return False
    return True


def receive_raw(raw: bytes) -> Outcome:
    """One RFC 822 message as bytes (the stdin command)."""
    from anymail.inbound import AnymailInboundMessage

    if len(raw) > settings.SUPPORT_INBOUND_MAX_BYTES:
        return Outcome("refused", "too large")
    parsed = _safe(lambda: AnymailInboundMessage.parse_raw_mime_bytes(raw), None)
    if parsed is None:
        return Outcome("ignored", "unreadable")
    return receive(parsed)
