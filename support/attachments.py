"""Files a customer sends with a request: photos and PDFs. The type is read from the content
(a name or a browser's claim proves nothing), images must decode, and count and size are
limited. Stored through Django's storage under a random name; served only behind the
request's secret link or to the team (``support.views.attachment``,
``support.admin_views``), never at a public address."""

import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# What a help center needs to see: photos of a damaged parcel, screenshots, an invoice.
# Never SVG or HTML (they run script when opened), never office files (macros).
KINDS = {
    "image/png": "PNG",
    "image/jpeg": "JPEG",
    "image/gif": "GIF",
    "image/webp": "WEBP",
    "application/pdf": None,  # no decoder here: the magic number and the end marker
}


def sniff(data: bytes) -> str:
    """The file's type from its first bytes; "" when it is none of the kinds above."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:1024].lstrip(b"\r\n\t \x00\xef\xbb\xbf").startswith(b"%PDF-"):
        return "application/pdf"
    return ""


def _decodes(data: bytes, kind: str) -> bool:
    """An image that really is one (Pillow reads it whole; an image bomb is refused)."""
    expected = KINDS[kind]
    if expected is None:
        return b"%%EOF" in data[-2048:]
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                return False
            image.verify()
        return True
    except Exception:  # any decoder error, DecompressionBombError included
        return False


@dataclass(frozen=True)
class Checked:
    name: str
    content_type: str
    data: bytes


def clean_name(name: str) -> str:
    """A name to show and to offer on download: no path, no control characters."""
    from site_config.text import without_control_characters

    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = " ".join(without_control_characters(base).split())[:150]
    return base or _("attachment")


def check(files: list[tuple[str, bytes]]) -> tuple[list[Checked], list[str]]:
    """The files that may be kept, and a message for each one that may not (in the active
    language, naming the file). Limits: ``SUPPORT_ATTACHMENTS_MAX_COUNT`` files of at most
    ``SUPPORT_ATTACHMENT_MAX_BYTES`` each."""
    kept, errors = [], []
    limit = settings.SUPPORT_ATTACHMENT_MAX_BYTES
    most = settings.SUPPORT_ATTACHMENTS_MAX_COUNT
    for name, data in files:
        name = clean_name(name)
        if len(kept) >= most:
            errors.append(
                _("%(name)s: at most %(count)d files can be attached.")
                % {"name": name, "count": most}
            )
            continue
        if len(data) > limit:
            errors.append(
                _("%(name)s is larger than %(size)s.")
                % {"name": name, "size": filesizeformat(limit)}
            )
            continue
        kind = sniff(data)
        if not kind or not _decodes(data, kind):
            errors.append(
                _("%(name)s is not a photo (JPEG, PNG, GIF, WebP) or a PDF we can open.")
                % {"name": name}
            )
            continue
        kept.append(Checked(name=name, content_type=kind, data=data))
    return kept, errors


def store(message, files: list[Checked]) -> list:
    """Saves checked files with a message (inside the caller's transaction: a failure keeps
    neither the message nor a half of its files)."""
    from support.models import Attachment

    saved = []
    for found in files:
        attachment = Attachment(
            message=message, name=found.name, content_type=found.content_type, size=len(found.data)
        )
        attachment.file.save("upload", ContentFile(found.data), save=False)
        attachment.save()
        saved.append(attachment)
    return saved


def response(attachment):
    """The file, with the type it was checked to be and headers that keep a browser from
    reading it as anything else."""
    from django.http import FileResponse

    inline = attachment.content_type.startswith("image/")
    answer = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=not inline,
        filename=attachment.name,
    )
    answer["X-Content-Type-Options"] = "nosniff"
    answer["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    answer["Cache-Control"] = "private, no-store"
    answer["Referrer-Policy"] = "no-referrer"
    answer["X-Robots-Tag"] = "noindex"
    return answer
