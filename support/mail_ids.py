"""How the team's e-mails name their request, so that a reply finds it: the reference with
its signature (only someone who received our e-mail knows it) in the Message-ID and in the
Reply-To address. ``support.emails`` writes them; ``support.inbound`` reads them back."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import make_msgid
from django.utils.crypto import salted_hmac

# Our own Message-IDs: ``<…support.HC-7KQ4-9M2P.<signature>@domain>``.
MESSAGE_ID_PREFIX = "support."


def signature(reference: str) -> str:
    return salted_hmac("support.inbound.reply", reference.upper()).hexdigest()[:12]


def signed(reference: str) -> str:
    return f"{reference}.{signature(reference)}"


def message_id(request) -> str:
    """A Message-ID for an e-mail about ``request``: replies to it name the request."""
    return make_msgid(
        idstring=f"{MESSAGE_ID_PREFIX}{signed(request.reference)}", domain=mail_domain()
    )


def mail_domain() -> str:
    address = settings.SUPPORT_REPLY_ADDRESS
    if "@" in address:
        return address.rsplit("@", 1)[1]
    return urlsplit(settings.BASE_URL).hostname or "localhost"


def reply_address(request) -> str:
    """Where a reply to the team's e-mail goes: the support address with the reference."""
    address = settings.SUPPORT_REPLY_ADDRESS
    if "@" not in address:
        return ""
    local, domain = address.rsplit("@", 1)
    return f"{local}+{signed(request.reference)}@{domain}"
