"""E-mail in: real messages (as Gmail, Apple Mail, Outlook and KMail send them, an
out-of-office and a bounce) through the stdin command and the providers' webhooks."""

import base64
import hashlib
import hmac
import io
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from support import emails, inbound, mail_ids, quotes
from support.models import Attachment, Message, Request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAIL = Path(__file__).parent / "mail"
REFERENCE = "HC-7KQ4-9M2P"


def raw(name: str) -> bytes:
    """A captured message, its reply address and Message-IDs signed as ours would be (the
    files carry a placeholder: the signature depends on the site's secret key)."""
    return (
        (MAIL / name).read_bytes().replace(b"zzzzzzzzzzzz", mail_ids.signature(REFERENCE).encode())
    )


def signed_address() -> str:
    return f"support+{mail_ids.signed(REFERENCE)}@help.example.com"


def _request(email="jane.customer@gmail.com", language="en", **fields) -> Request:
    now = timezone.now()
    request = Request.objects.create(
        reference=fields.pop("reference", REFERENCE),
        email=email,
        language=language,
        subject="Parcel arrived damaged",
        confirmed_at=now,
        first_response_due=now + timedelta(hours=4),
        status=fields.pop("status", Request.Status.WAITING),
        **fields,
    )
    request.messages.create(body="The box was crushed.")
    request.messages.create(body="A replacement is on its way.", from_team=True)
    return request


def pipe(name: str) -> str:
    out = io.StringIO()
    call_command("support_mail_in", stdin=io.BytesIO(raw(name)), stdout=out)
    return out.getvalue().strip()


# The stdin command, with each kind of message -------------------------------------------


def test_a_gmail_reply_adds_to_its_request_without_the_quoted_history(help_center):
    request = _request()
    assert pipe("gmail_reply_en.eml") == f"added: {REFERENCE}"
    latest = request.messages.latest("pk")
    assert latest.source == Message.Source.EMAIL and not latest.from_team
    assert latest.body == (
        "Thank you, the replacement is fine. One more question: can I keep the damaged one?\n\nJane"
    )
    assert "A replacement is on its way" not in latest.body
    assert "##- Please type your reply above this line -##" in latest.original  # kept whole
    assert latest.email_message_id.startswith("<CAJx9mB2h3VQ")
    request.refresh_from_db()
    assert request.status == Request.Status.OPEN  # the team's turn again


def test_the_same_email_delivered_twice_is_one_message(help_center):
    request = _request()
    pipe("gmail_reply_en.eml")
    assert pipe("gmail_reply_en.eml") == "ignored: duplicate"
    assert request.messages.filter(source=Message.Source.EMAIL).count() == 1


def test_an_apple_mail_reply_in_german_keeps_the_photo_and_refuses_the_disguised_program(
    help_center,
):
    request = _request(email="jonas.kunde@web.de", language="de")
    assert pipe("apple_reply_de_photo.eml") == f"added: {REFERENCE}"
    latest = request.messages.filter(internal=False).latest("pk")
    assert (
        latest.body
        == "Hallo, hier ist das Foto vom Karton. Die Ecke ist eingedrückt.\n\nViele Grüße\nJonas"
    )
    photo = Attachment.objects.get(message=latest)
    assert (photo.name, photo.content_type) == ("IMG_4711.jpeg", "image/jpeg")
    assert photo.file.read(3) == b"\xff\xd8\xff"
    # "rechnung.exe" claimed to be a PDF: not kept, and the team is told in a note.
    note = request.messages.get(internal=True)
    assert "rechnung.exe" in note.body
    assert Attachment.objects.count() == 1


def test_an_html_only_outlook_reply_in_turkish_is_read_without_outlooks_quote(help_center):
    # The customer's address in other letters than they typed it on the form (İ/ı aside,
    # mail programs upper-case addresses).
    request = _request(email="ayse.yilmaz@outlook.com.tr", language="tr")
    assert pipe("outlook_reply_tr_html.eml") == f"added: {REFERENCE}"
    latest = request.messages.latest("pk")
    assert latest.body == (
        "Merhaba, İADE kodunu aldım, teşekkürler. İstanbul'daki adresime kurye gelecek mi?"
    )
    assert "Kimden" not in latest.body and "İade kodunuz" not in latest.body


def test_an_email_from_an_unknown_sender_opens_a_new_unconfirmed_request(
    help_center, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert pipe("new_unknown_sender.eml").startswith("created: HC-")
    created = Request.objects.get()
    assert created.email == "m.schmidt@example.org"
    assert created.subject == "Rechnung fehlt"
    assert created.language == "de"  # guessed from the words
    assert created.confirmed_at is None  # the team sees it once the address is confirmed
    message = created.messages.get()
    assert message.body.startswith("Guten Tag,") and "Lindenstraße" not in message.body
    assert "Lindenstraße 4" in message.original
    # The confirmation goes to the sender, in their language.
    (sent,) = mail.outbox
    assert sent.to == ["m.schmidt@example.org"]
    assert created.reference in sent.subject
    assert sent.extra_headers["Auto-Submitted"] == "auto-generated"


def test_a_known_sender_without_a_reference_opens_a_confirmed_request(help_center):
    from allauth.account.models import EmailAddress

    user = UserFactory(email="m.schmidt@example.org")
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    pipe("new_unknown_sender.eml")
    created = Request.objects.get()
    assert created.confirmed_at is not None and created.user == user


@pytest.mark.parametrize("name", ["autoreply_out_of_office.eml", "bounce.eml"])
def test_auto_replies_and_bounces_never_make_requests_or_messages(help_center, name):
    request = _request()
    before = Message.objects.count()
    assert pipe(name).startswith("ignored: ")
    assert Message.objects.count() == before
    assert Request.objects.count() == 1
    request.refresh_from_db()
    assert request.status == Request.Status.WAITING
    assert mail.outbox == []


def test_our_own_email_coming_back_is_a_loop(help_center, settings):
    settings.SUPPORT_REPLY_ADDRESS = "support@help.example.com"
    request = _request()
    team = request.messages.get(from_team=True)
    emails.send_team_reply(team.pk)
    (ours,) = mail.outbox
    looped = ours.message().as_bytes()
    out = io.StringIO()
    call_command("support_mail_in", stdin=io.BytesIO(looped), stdout=out)
    assert out.getvalue().strip() == "ignored: loop"
    assert request.messages.count() == 2


def _forged(reference_in: str, sender="jane.customer@gmail.com", to="support@help.example.com"):
    return (
        f"From: Jane <{sender}>\nTo: {to}\nSubject: {reference_in}\n"
        "Message-ID: <forged.1@evil.example>\nContent-Type: text/plain; charset=utf-8\n\n"
        "Please send the refund to IBAN DE00 0000 0000 0000 0000 00 instead.\n"
    ).encode()


@pytest.mark.parametrize(
    "subject, to",
    [
        # The reference is no secret (subjects, the phone): naming it proves nothing.
        (f"Re: Parcel [{REFERENCE}]", "support@help.example.com"),
        (f"Re: Parcel [{REFERENCE}]", f"support+{REFERENCE}@help.example.com"),
        (f"Re: Parcel [{REFERENCE}]", f"support+{REFERENCE}.0123456789ab@help.example.com"),
    ],
)
def test_a_forged_sender_that_only_names_the_reference_never_adds_to_the_request(
    help_center, subject, to
):
    request = _request()
    outcome = inbound.receive_raw(_forged(subject, to=to))
    assert outcome.action == "created"
    assert request.messages.count() == 2  # untouched
    note = outcome.request.messages.get(internal=True)
    assert REFERENCE in note.body  # the team sees what it claims, and can merge it


def test_someone_elses_reference_never_adds_to_the_request(help_center):
    request = _request(email="someone.else@example.com")
    assert pipe("gmail_reply_en.eml").startswith("created: ")
    assert request.messages.count() == 2  # untouched
    stranger = Request.objects.exclude(pk=request.pk).get()
    assert stranger.email == "jane.customer@gmail.com" and stranger.confirmed_at is None


def test_a_reply_to_a_closed_request_starts_a_new_one(help_center):
    closed = _request(status=Request.Status.CLOSED)
    assert pipe("gmail_reply_en.eml").startswith("created: ")
    assert closed.messages.count() == 2
    new = Request.objects.exclude(pk=closed.pk).get()
    assert new.confirmed_at is not None  # the address confirmed a request before


def test_a_reply_to_a_merged_request_goes_where_it_was_merged(help_center):
    target = _request(reference="HC-AAAA-BBBB")
    _request(merged_into=target, status=Request.Status.CLOSED)
    assert pipe("gmail_reply_en.eml") == "added: HC-AAAA-BBBB"


def test_the_command_asks_the_mail_server_to_try_again_when_it_cannot_keep_a_message(
    help_center, monkeypatch
):
    from django.db import OperationalError

    def database_away(*args, **kwargs):
        raise OperationalError("the database is away")

    monkeypatch.setattr(inbound, "_request_for", database_away)
    _request()
    with pytest.raises(SystemExit) as stopped:
        call_command("support_mail_in", stdin=io.BytesIO(raw("gmail_reply_en.eml")))
    assert stopped.value.code == 75  # EX_TEMPFAIL: Postfix keeps it and tries again


@pytest.mark.parametrize(
    "junk",
    [
        b"",
        b"\x00\xff" * 100,
        b"From: \r\n\r\n",
        b"Subject: hi\n\nno sender",
        b"\xff" * 5000,
        b"From: <unterminated@example.com\nSubject: x\n\nbody",
        b'From: a@example.com\nTo: ,,,<<@>>;;"\nSubject: x\n\nbody',
        b"From: a@example.com\nContent-Type: text/plain; charset=x-no-such-charset\n\n\xfe body",
        b"From: a@example.com\nContent-Type: multipart/mixed; boundary=\n\n--\n\n--",
        b"From: =?x-unknown?q?=FF?= <a@example.com>\nSubject: =?utf-8?b?!!!?=\n\nbody",
    ],
)
def test_junk_on_stdin_is_ignored_without_an_error(help_center, junk):
    out = io.StringIO()
    call_command("support_mail_in", stdin=io.BytesIO(junk), stdout=out)
    # Ignored, or (with a readable sender) a request with whatever could be read: never
    # an error, which would have the mail server deliver it again forever.
    assert out.getvalue().startswith(("ignored: ", "created: "))


def test_a_message_too_large_is_bounced_to_its_sender(help_center, settings):
    settings.SUPPORT_INBOUND_MAX_BYTES = 1000
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("support_mail_in", stdin=io.BytesIO(raw("gmail_reply_en.eml")), stderr=err)
    assert stopped.value.code == 69 and "too large" in err.getvalue()


def test_a_reply_arriving_after_the_request_was_anonymised_starts_a_new_one(help_center):
    request = _request()
    request.anonymised_at = timezone.now()
    request.save()
    assert pipe("gmail_reply_en.eml").startswith("created: ")
    assert request.messages.count() == 2


def test_no_line_of_a_message_costs_much_more_than_a_real_reply():
    """Quote trimming reads every line: hostile lines (the longest a mark can be, full of
    the marks' own pieces) against a real reply of the same length, same run."""
    real = ("Thanks, the parcel came, but the lamp inside is broken. Photo attached.\n" * 300)[
        :20_000
    ]

    def cost(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            quotes.trim(text)
            best = min(best, time.perf_counter() - start)
        return best

    reference = cost(real)
    for unit in ("<", "a@", "<a@", " tarihinde ", " schrieb ", "> ", "On ", "-"):
        line = ("On " + unit * 300)[: quotes.LONGEST_MARK - 1]
        hostile = "\n".join([line] * 80)[:20_000]
        assert cost(hostile) < 50 * reference, unit


def test_too_many_new_requests_from_one_sender_are_not_taken(help_center, settings):
    from support.services import CONTACT_LIMITS

    first_limit = CONTACT_LIMITS[0][0]
    outcomes = []
    for number in range(first_limit + 1):
        message = raw("new_unknown_sender.eml").replace(
            b"<2236187.vFx2qVVIhK@laptop>", f"<{number}.x@laptop>".encode()
        )
        outcomes.append(inbound.receive_raw(message).action)
    assert outcomes.count("created") == first_limit
    assert outcomes[-1] == "refused"  # the command exits 69: the sender gets a bounce


# Outgoing e-mails carry what replies need ------------------------------------------------


def test_the_teams_email_names_the_request_in_its_reply_address_and_message_id(
    help_center, settings
):
    settings.SUPPORT_REPLY_ADDRESS = "support@help.example.com"
    request = _request(language="de")
    customer = request.messages.create(body="Hallo", email_message_id="<kunde.1@web.de>")
    team = Message.objects.create(request=request, from_team=True, body="Hier ist die Antwort.")
    emails.send_team_reply(team.pk)
    (sent,) = mail.outbox
    assert sent.reply_to == [signed_address()]
    assert mail_ids.signed(REFERENCE) in sent.extra_headers["Message-ID"]
    assert sent.extra_headers["In-Reply-To"] == customer.email_message_id
    assert "Auto-Submitted" not in sent.extra_headers  # a person wrote it
    assert sent.body.startswith("##- Bitte schreibe deine Antwort über dieser Zeile -##")
    team.refresh_from_db()
    assert team.email_message_id == sent.extra_headers["Message-ID"]


def test_without_a_reply_address_the_email_has_no_reply_marker(help_center, settings):
    settings.SUPPORT_REPLY_ADDRESS = ""
    request = _request()
    emails.send_team_reply(request.messages.get(from_team=True).pk)
    (sent,) = mail.outbox
    assert not sent.reply_to and "##-" not in sent.body


# The providers' webhooks -----------------------------------------------------------------


def _postmark_payload() -> dict:
    """Postmark's inbound JSON (its documented fields), for the Gmail reply above."""
    photo = base64.b64encode(_jpeg()).decode()
    return {
        "FromName": "Jane Customer",
        "MessageStream": "inbound",
        "From": "jane.customer@gmail.com",
        "FromFull": {
            "Email": "jane.customer@gmail.com",
            "Name": "Jane Customer",
            "MailboxHash": "",
        },
        "To": f'"Nordlicht Help" <{signed_address()}>',
        "ToFull": [
            {
                "Email": signed_address(),
                "Name": "Nordlicht Help",
                "MailboxHash": mail_ids.signed(REFERENCE),
            }
        ],
        "Cc": "",
        "CcFull": [],
        "Bcc": "",
        "BccFull": [],
        "OriginalRecipient": signed_address(),
        "Subject": f"Re: Nordlicht: Re: Parcel arrived damaged [{REFERENCE}]",
        "MessageID": "73e6d360-66eb-11e1-8e72-a8904824019b",
        "ReplyTo": "",
        "MailboxHash": mail_ids.signed(REFERENCE),
        "Date": "Mon, 7 Dec 2026 10:12:31 +0100",
        "TextBody": (
            "Here is a photo.\r\n\r\nOn Mon, 7 Dec 2026 at 09:30, Nordlicht Help "
            f"<support+{REFERENCE}@help.example.com> wrote:\r\n> Please send a photo.\r\n"
        ),
        "HtmlBody": '<div dir="ltr">Here is a photo.</div>',
        "StrippedTextReply": "Here is a photo.",
        "Tag": "",
        "Headers": [
            {"Name": "Return-Path", "Value": "<jane.customer@gmail.com>"},
            {
                "Name": "X-Spam-Checker-Version",
                "Value": "SpamAssassin 3.4.6 (2021-04-09) on p-pm-inboundg02a-aws-euwest1a",
            },
            {"Name": "X-Spam-Status", "Value": "No"},
            {"Name": "X-Spam-Score", "Value": "-0.1"},
            {"Name": "MIME-Version", "Value": "1.0"},
            {"Name": "Message-ID", "Value": "<CAJx9mB2h3VQ+postmark@mail.gmail.com>"},
            {
                "Name": "In-Reply-To",
                "Value": (
                    f"<179663100012.4410.1029384756.support.{mail_ids.signed(REFERENCE)}"
                    "@help.example.com>"
                ),
            },
        ],
        "Attachments": [
            {
                "Name": "crushed-box.jpg",
                "Content": photo,
                "ContentType": "image/jpeg",
                "ContentLength": len(_jpeg()),
                "ContentID": "",
            }
        ],
    }


def _jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (180, 90, 20)).save(out, "JPEG")
    return out.getvalue()


def test_postmarks_webhook_adds_the_reply_with_its_photo(client, help_center, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "inbound:s3cret"}
    request = _request()
    url = reverse("support_mail_in", kwargs={"provider": "postmark"})
    auth = "Basic " + base64.b64encode(b"inbound:s3cret").decode()
    payload = json.dumps(_postmark_payload())
    response = client.post(url, payload, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert response.status_code == 200
    latest = request.messages.latest("pk")
    assert latest.body == "Here is a photo."
    assert latest.attachments.get().name == "crushed-box.jpg"
    # Postmark retries on anything but 200: the retry is the same message, kept once.
    client.post(url, payload, content_type="application/json", HTTP_AUTHORIZATION=auth)
    assert request.messages.filter(source=Message.Source.EMAIL).count() == 1


def test_postmarks_webhook_refuses_a_caller_without_the_secret(client, help_center, settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "inbound:s3cret"}
    _request()
    url = reverse("support_mail_in", kwargs={"provider": "postmark"})
    wrong = "Basic " + base64.b64encode(b"inbound:guess").decode()
    for headers in ({}, {"HTTP_AUTHORIZATION": wrong}):
        response = client.post(
            url, json.dumps(_postmark_payload()), content_type="application/json", **headers
        )
        assert response.status_code in (400, 401, 403)
    assert Message.objects.filter(source=Message.Source.EMAIL).count() == 0


def test_a_provider_that_is_not_configured_has_no_webhook(client, help_center, settings):
    settings.ANYMAIL = {}
    _request()
    for provider in ("postmark", "mailgun", "sendgrid"):
        url = f"/mail/inbound/{provider}/"
        response = client.post(url, "{}", content_type="application/json", follow=True)
        assert response.status_code == 404  # (through the language redirect any 404 gets)
    assert Message.objects.filter(source=Message.Source.EMAIL).count() == 0


def _mailgun_signed(key: str, fields: dict) -> dict:
    timestamp, token = str(int(time.time())), "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return {**fields, "timestamp": timestamp, "token": token, "signature": signature}


def test_mailguns_webhook_takes_the_raw_message_and_the_parsed_form(client, help_center, settings):
    key = "key-7c1a0e4b5d2f3a6c8e9b0d1f2a3c4e5b"
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": key}
    url = reverse("support_mail_in", kwargs={"provider": "mailgun"})
    german = _request(email="jonas.kunde@web.de", language="de")
    # Raw MIME (a route forwarding to a URL ending in "mime"): the Apple Mail reply.
    response = client.post(
        url,
        _mailgun_signed(
            key,
            {
                "recipient": signed_address(),
                "sender": "jonas.kunde@web.de",
                "from": "Jonas Kunde <jonas.kunde@web.de>",
                "subject": f"Re: Nordlicht: Re: Paket beschädigt [{REFERENCE}]",
                "body-mime": raw("apple_reply_de_photo.eml").decode(),
            },
        ),
    )
    assert response.status_code == 200
    assert german.messages.filter(source=Message.Source.EMAIL).get().attachments.count() == 1
    # The parsed form (the default): a new request from an unknown sender, with a photo.
    headers = [
        [
            "Received",
            "from mail-ej1-f41.google.com (mail-ej1-f41.google.com "
            "[209.85.218.41]) by mxa.eu.mailgun.org with ESMTP id 6571",
        ],
        ["From", "Elif Demir <elif.demir@example.com.tr>"],
        ["To", "support@help.example.com"],
        ["Subject", "Siparişim nerede?"],
        ["Message-Id", "<CAPx=elif.1@mail.gmail.com>"],
        ["Mime-Version", "1.0"],
        ["Content-Type", 'multipart/mixed; boundary="0000000000005f1d2e"'],
    ]
    fields = _mailgun_signed(
        key,
        {
            "recipient": "support@help.example.com",
            "sender": "elif.demir@example.com.tr",
            "from": "Elif Demir <elif.demir@example.com.tr>",
            "subject": "Siparişim nerede?",
            "body-plain": "Merhaba, siparişim üç gündür yolda. Ne zaman gelir?\r\n",
            "stripped-text": "Merhaba, siparişim üç gündür yolda. Ne zaman gelir?",
            "body-html": "<div>Merhaba, siparişim üç gündür yolda. Ne zaman gelir?</div>",
            "message-headers": json.dumps(headers),
            "attachment-count": "1",
            "Message-Id": "<CAPx=elif.1@mail.gmail.com>",
        },
    )
    photo = io.BytesIO(_jpeg())
    photo.name = "kargo.jpg"
    response = client.post(url, {**fields, "attachment-1": photo})
    assert response.status_code == 200
    created = Request.objects.get(email="elif.demir@example.com.tr")
    assert (created.subject, created.language) == ("Siparişim nerede?", "tr")
    assert created.messages.get().attachments.get().name == "kargo.jpg"
    # A forged signature is refused.
    forged = {**fields, "signature": "0" * 64, "Message-Id": "<other@x>"}
    assert client.post(url, forged).status_code in (400, 401, 403)


# Trimming quoted history -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Thanks!\n\nOn Mon, 7 Dec 2026 at 09:30 Help <h@x.com> wrote:\n> old", "Thanks!"),
        (
            "Thanks!\n\nOn Mon, 7 Dec 2026 at 09:30 Nordlicht Help\n<h@x.com> wrote:\n> old",
            "Thanks!",
        ),
        ("Danke!\n\nAm 07.12.2026 um 09:30 schrieb Hilfe <h@x.com>:\n> alt", "Danke!"),
        ("Danke\n\n-----Ursprüngliche Nachricht-----\nVon: Hilfe\nGesendet: Montag", "Danke"),
        (
            "Danke\n\nVon: Hilfe <h@x.com>\nGesendet: Montag, 7. Dezember 2026 09:30\nAn: ich",
            "Danke",
        ),
        (
            "Teşekkürler\n\n7 Ara 2026 Pzt 09:30 tarihinde Yardım <h@x.com> şunu yazdı:\n> eski",
            "Teşekkürler",
        ),
        ("Tamam\n\nKimden: Yardım <h@x.com>\nGönderildi: 7 Aralık 2026\nKime: ben", "Tamam"),
        ("Ok\n\niPhone'umdan gönderildi", "Ok"),
        ("Ok\n\nSent from my iPhone", "Ok"),
        ("Ok\n-- \nJane Doe\nACME", "Ok"),
        ("Ok\n\n##- Please type your reply above this line -##\nold", "Ok"),
        ("> only quoted\n> lines", "> only quoted\n> lines"),  # nothing new: keep it all
        (
            "Von: is how my note starts\nand nothing else",
            "Von: is how my note starts\nand nothing else",
        ),
    ],
)
def test_quoted_history_and_signatures_are_trimmed_in_three_languages(text, expected):
    assert quotes.trim(text) == expected


def test_html_only_mail_is_read_as_text_without_quoted_blocks():
    html = (
        '<div>First line<br>second <b>line</b></div><blockquote type="cite">old</blockquote>'
        "<script>alert(1)</script>"
    )
    assert quotes.html_to_text(html) == "First line\nsecond line"
