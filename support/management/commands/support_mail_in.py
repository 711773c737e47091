"""Reads one e-mail (RFC 822, as a mail server delivers it) on standard input and hands it to
the support inbox: a pipe from Postfix or Exim (``"|/app/manage.py support_mail_in"``),
or fetchmail's ``mda``. Exit status as a mail server's pipe expects: 0 when the message was
taken (also when it was ignored on purpose: an auto-reply, a bounce, a duplicate), 69
(EX_UNAVAILABLE: the server bounces it to the sender) when it is too large or the sender
sent too many, 75 (EX_TEMPFAIL) when it could not be kept now and the server should try
again later."""

import sys

from django.core.management.base import BaseCommand

from support import inbound

EX_TEMPFAIL = 75
EX_UNAVAILABLE = 69


class Command(BaseCommand):
    help = "Takes one e-mail on standard input into the support inbox."
    stealth_options = ("stdin",)  # call_command(..., stdin=BytesIO(...)) in tests

    def handle(self, *args, **options):
        from django.conf import settings

        stream = options.get("stdin") or sys.stdin.buffer
        raw = stream.read(settings.SUPPORT_INBOUND_MAX_BYTES + 1)
        try:
            outcome = inbound.receive_raw(raw)
        except Exception:
            # The database is away, the disk is full: the server keeps the message and tries
            # again (a message is never lost here).
            inbound.logger.exception("support mail in: could not take the message")
            sys.exit(EX_TEMPFAIL)
        detail = outcome.request.reference if outcome.request else outcome.reason
        if outcome.action == "refused":
            # Too large, or too many from one sender: the mail server bounces it with this
            # line, so the sender learns why (nothing is dropped without a word).
            self.stderr.write(f"not accepted: {detail}")
            sys.exit(EX_UNAVAILABLE)
        self.stdout.write(f"{outcome.action}: {detail}")
