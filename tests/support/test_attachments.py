"""Photos and PDFs with a request: the type read from the content, the limits, and who may
open them (the request's link, or the team; never a public address)."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from support import attachments
from support.models import Attachment, Request
from tests.factories import UserFactory, in_group, proof_of_work_solution

pytestmark = pytest.mark.django_db


def _image(kind="JPEG", size=(60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 140, 90)).save(out, kind)
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _upload(name, data, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def _contact(client, files, **fields):
    data = {
        "subject": "Parcel arrived damaged",
        "body": "The corner is crushed, see the photo.",
        "email": "kunde@example.com",
        "order_number": "",
        "visit": "",
        "website": "",
        "altcha": proof_of_work_solution(),
        "attachments": files,
        **fields,
    }
    return client.post(reverse("support:contact"), data)


def test_a_photo_and_a_pdf_go_with_the_request_and_open_only_with_its_link(
    client, help_center, private_media
):
    response = _contact(
        client,
        [
            _upload("box.jpg", _image(), "image/jpeg"),
            _upload("invoice.pdf", PDF, "application/pdf"),
        ],
    )
    assert response.status_code == 302, response.content[:2000]
    request = Request.objects.get()
    photo, invoice = Attachment.objects.order_by("pk")
    assert (photo.name, photo.content_type) == ("box.jpg", "image/jpeg")
    assert (invoice.name, invoice.content_type) == ("invoice.pdf", "application/pdf")
    # Stored under a random name outside the public media folder.
    stored = list(private_media.rglob("*"))
    assert any(path.is_file() for path in stored)
    assert not any("box" in path.name for path in stored)

    url = reverse("support:attachment", kwargs={"secret": request.secret, "pk": photo.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == photo.file.open("rb").read()
    pdf = client.get(
        reverse("support:attachment", kwargs={"secret": request.secret, "pk": invoice.pk})
    )
    assert pdf["Content-Disposition"].startswith("attachment;")  # downloaded, not rendered

    page = client.get(reverse("support:request", kwargs={"secret": request.secret}))
    assert url.encode() in page.content and b"invoice.pdf" in page.content


def test_another_requests_link_or_a_guess_opens_no_file(client, help_center):
    _contact(client, [_upload("box.jpg", _image(), "image/jpeg")])
    photo = Attachment.objects.get()
    other = Request.objects.create(
        reference="HC-OTHR-0001",
        email="other@example.com",
        language="en",
        subject="x",
        first_response_due=timezone.now(),
    )
    real = photo.message.request.secret
    near = real[:-1] + ("y" if real.endswith("x") else "x")  # one character off
    for secret in (other.secret, "guess", near):
        url = reverse("support:attachment", kwargs={"secret": secret, "pk": photo.pk})
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "name, data, claimed",
    [
        ("photo.jpg", b"<svg onload=alert(1)>", "image/jpeg"),  # SVG named as a photo
        ("page.pdf", b"<html><script>alert(1)</script>", "application/pdf"),
        ("virus.png", b"MZ\x90\x00" + b"\x00" * 200, "image/png"),
        ("broken.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 100, "image/jpeg"),  # does not decode
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_the_text_kept(
    client, help_center, name, data, claimed
):
    response = _contact(client, [_upload(name, data, claimed)])
    assert response.status_code == 200
    content = response.content.decode()
    assert name in content and "PDF" in content  # the error names the file and what is allowed
    assert "The corner is crushed, see the photo." in content
    assert not Request.objects.exists()


def test_too_many_or_too_large_files_are_refused_by_name(client, help_center, settings):
    settings.SUPPORT_ATTACHMENTS_MAX_COUNT = 2
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 50_000
    files = [_upload(f"p{n}.png", _image("PNG"), "image/png") for n in range(3)]
    response = _contact(client, files)
    assert response.status_code == 200 and "p2.png" in response.content.decode()
    big = _image("PNG", size=(900, 900)) + b"\x00" * 60_000
    response = _contact(client, [_upload("huge.png", big, "image/png")])
    assert "huge.png" in response.content.decode() and not Request.objects.exists()


def test_a_form_sent_back_asks_to_choose_the_files_again(client, help_center):
    response = _contact(
        client, [_upload("box.jpg", _image(), "image/jpeg")], email="not-an-address"
    )
    assert response.status_code == 200
    assert "choose your files again" in response.content.decode()


def test_the_customer_adds_a_photo_to_the_conversation(client, help_center):
    request = Request.objects.create(
        reference="HC-ADD0-0001",
        email="kunde@example.com",
        language="en",
        subject="x",
        confirmed_at=timezone.now(),
        first_response_due=timezone.now() + timedelta(hours=4),
    )
    url = reverse("support:request", kwargs={"secret": request.secret})
    response = client.post(
        url, {"body": "Here it is.", "attachments": [_upload("a.webp", _image("WEBP"))]}
    )
    assert response.status_code == 302
    assert Attachment.objects.get().content_type == "image/webp"


@pytest.mark.parametrize(
    "who, status", [("anonymous", 302), ("member", 302), ("support staff", 200)]
)
def test_the_team_opens_files_in_the_inbox_and_no_one_else(client, help_center, who, status):
    _contact(client, [_upload("box.jpg", _image(), "image/jpeg")])
    photo = Attachment.objects.get()
    client.logout()
    if who == "member":
        client.force_login(UserFactory())
    elif who == "support staff":
        client.force_login(in_group(UserFactory(is_staff=True), "Support staff"))
    url = reverse(
        "support_attachment", kwargs={"pk": photo.message.request_id, "file_pk": photo.pk}
    )
    assert client.get(url).status_code == status


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("../../etc/passwd.png", "passwd.png"),
        ("C:\\Users\\ayşe\\İADE.jpg", "İADE.jpg"),
        ("a\x00b\x1b.png", "ab.png"),
        ("", "attachment"),
    ],
)
def test_names_lose_their_paths_and_control_characters(typed, shown):
    assert attachments.clean_name(typed) == shown


@pytest.mark.parametrize(
    "data, kind",
    [
        (_image("PNG"), "image/png"),
        (_image("JPEG"), "image/jpeg"),
        (_image("GIF"), "image/gif"),
        (_image("WEBP"), "image/webp"),
        (PDF, "application/pdf"),
        (b"GIF89a<script>", "image/gif"),  # sniffed as GIF, but refused: it does not decode
        (b"", ""),
    ],
)
def test_the_type_is_read_from_the_first_bytes(data, kind):
    assert attachments.sniff(data) == kind


def test_a_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (30_000, 30_000)).save(out, "PNG")  # 900 megapixels, a few hundred KB
    kept, errors = attachments.check([("bomb.png", out.getvalue())])
    assert kept == [] and "bomb.png" in errors[0]
