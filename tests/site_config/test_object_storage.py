"""Uploads on S3-compatible object storage (``S3_BUCKET``), against a real server: S3Proxy
from Maven Central (``make s3-server``), started on loopback for the session. Settings are
read from the environment by ``site_config/settings.py`` itself, as in production.

What a customer or an editor notices: images load from the public bucket; documents,
guide videos and support attachments are in a bucket nobody can read anonymously, and come
only through the app's checks (a short-lived signed link, or the app's own response); an
erased customer's files are gone from the bucket."""

import io
import os
import runpy
import secrets
import time
import urllib.error
import urllib.request
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, CollectionViewRestriction

from support.models import Attachment, Request
from tests.factories import (
    HowToVideoPageFactory,
    TopicPageFactory,
    UserFactory,
    in_group,
    proof_of_work_solution,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
VIDEO = bytes(range(256)) * 40  # 10,240 bytes


def _picture(kind: str = "PNG", size=(120, 90)) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, (200, 40, 90)).save(out, kind)
    return out.getvalue()


def _settings_from(**env) -> dict:
    """What ``site_config/settings.py`` makes of these environment variables."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        return runpy.run_path(str(settings.BASE_DIR / "site_config" / "settings.py"))


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes]:
    """What a browser gets at ``url``: no credentials, no cookies."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as got:  # noqa: S310 - loopback
            return got.status, got.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.fixture(scope="session")
def s3_server():
    """S3Proxy on a free loopback port, one for the test run (``engines.shared``: each test
    makes buckets of its own); skipped when it is not built, failed when ``REQUIRE_S3=1``."""
    from tests import engines, s3

    if reason := s3.missing():
        if os.environ.get("REQUIRE_S3", "").strip() == "1":
            pytest.fail(f"REQUIRE_S3=1, but {reason}")
        pytest.skip(reason)
    try:
        return SimpleNamespace(url=engines.shared("s3proxy", s3.server))
    except engines.EngineFailed as exc:
        pytest.fail(str(exc))


@pytest.fixture
def object_storage(s3_server, settings, monkeypatch):
    """Two fresh buckets on the server, and the storages settings.py makes for them."""
    from tests import s3

    client = s3.client(s3_server.url)
    token = secrets.token_hex(6)
    buckets = SimpleNamespace(public=f"media-{token}", private=f"private-{token}")
    client.create_bucket(Bucket=buckets.public)
    client.create_bucket(Bucket=buckets.private)

    def configure(**env):
        found = _settings_from(
            S3_BUCKET=buckets.public,
            S3_PRIVATE_BUCKET=buckets.private,
            AWS_S3_ENDPOINT_URL=s3_server.url,
            AWS_S3_REGION_NAME="us-east-1",
            AWS_ACCESS_KEY_ID=s3.ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=s3.SECRET_KEY,
            **env,
        )
        for name in ("STORAGES", "WAGTAILDOCS_SERVE_METHOD", "CONTENT_SECURITY_POLICY"):
            setattr(settings, name, found[name])
        # The attachment field's storage is fixed when the models load (tests/conftest.py).
        monkeypatch.setattr(Attachment._meta.get_field("file"), "storage", storages["private"])

    configure()

    def keys(bucket: str) -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket)
        return [item["Key"] for item in listed.get("Contents", [])]

    return SimpleNamespace(
        url=s3_server.url, client=client, configure=configure, keys=keys, **vars(buckets)
    )


@pytest.mark.object_storage
def test_images_uploaded_in_the_admin_load_from_the_public_bucket(client, object_storage):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    picture = _picture()
    for title in ("Damaged box", "Another box"):  # the same file name twice
        upload = SimpleUploadedFile("box.png", picture, content_type="image/png")
        response = client.post(
            reverse("wagtailimages:add"),
            {"title": title, "file": upload, "collection": Collection.get_first_root_node().pk},
        )
        assert response.status_code == 302, response.content[:2000]

    first, second = Image.objects.order_by("pk")
    assert first.file.name != second.file.name  # both kept: neither overwrote the other
    rendition = first.get_rendition("fill-60x45")
    # A stable address that pages and the page cache can carry: unsigned, on the bucket.
    assert rendition.url.startswith(f"{object_storage.url}/{object_storage.public}/images/")
    assert "Signature" not in rendition.url
    status, body = fetch(rendition.url)
    assert status == 200
    with PILImage.open(io.BytesIO(body)) as shown:
        assert shown.size == (60, 45)
    assert fetch(first.file.url) == (200, picture)
    assert set(object_storage.keys(object_storage.public)) == {
        first.file.name,
        second.file.name,
        rendition.file.name,
    }
    assert object_storage.keys(object_storage.private) == []


@pytest.mark.object_storage
def test_documents_are_private_and_handed_out_by_a_short_signed_link(client, object_storage):
    document = Document.objects.create(title="Terms", file=ContentFile(PDF, name="terms.pdf"))
    assert object_storage.keys(object_storage.private) == [document.file.name]
    assert object_storage.keys(object_storage.public) == []
    unsigned = f"{object_storage.url}/{object_storage.private}/{document.file.name}"
    assert fetch(unsigned)[0] == 403

    response = client.get(document.url)  # Wagtail's document view, then the storage
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith(f"{object_storage.url}/{object_storage.private}/documents/")
    assert "X-Amz-Expires=120" in link
    assert fetch(link) == (200, PDF)


@pytest.mark.object_storage
def test_a_document_of_a_private_collection_needs_a_sign_in_first(client, object_storage):
    staff_only = Collection.get_first_root_node().add_child(name="Staff only")
    CollectionViewRestriction.objects.create(
        collection=staff_only, restriction_type=CollectionViewRestriction.LOGIN
    )
    document = Document.objects.create(
        title="Rota", file=ContentFile(PDF, name="rota.pdf"), collection=staff_only
    )
    response = client.get(document.url)
    assert response.status_code == 302
    assert object_storage.url not in response["Location"]  # to the sign-in, not the file
    client.force_login(UserFactory())
    link = client.get(document.url)["Location"]
    assert fetch(link) == (200, PDF)


@pytest.mark.object_storage
def test_a_signed_link_stops_working_once_it_expires(client, object_storage):
    object_storage.configure(S3_PRIVATE_URL_SECONDS="1")
    document = Document.objects.create(title="Terms", file=ContentFile(PDF, name="terms.pdf"))
    link = client.get(document.url)["Location"]
    assert "X-Amz-Expires=1&" in link
    time.sleep(2.5)
    status, body = fetch(link)
    assert status == 403 and b"expired" in body


@pytest.mark.object_storage
def test_a_guides_video_streams_from_a_signed_link_and_its_poster_from_the_public_bucket(
    client, help_center, object_storage
):
    video = Document.objects.create(title="clip", file=ContentFile(VIDEO, name="clip.webm"))
    poster = Image.objects.create(
        title="poster", file=ContentFile(_picture("PNG", (320, 180)), name="poster.png")
    )
    topic = TopicPageFactory(parent=help_center["en"])
    guide = HowToVideoPageFactory(parent=topic, video_url="", video_file=video, poster=poster)

    page = client.get(guide.url)
    assert page.status_code == 200
    html = page.content.decode()
    poster_url = poster.get_rendition("fill-1280x720").url
    assert f'poster="{poster_url}"' in html
    assert fetch(poster_url)[0] == 200
    # A browser may load media from the storage's own address, even over plain HTTP.
    assert object_storage.url in page["Content-Security-Policy"]

    response = client.get(reverse("kb:video_file", args=[video.pk]))
    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    link = response["Location"]
    assert link.startswith(f"{object_storage.url}/{object_storage.private}/documents/")
    # The storage answers the player's range requests (seeking to a chapter).
    assert fetch(link, {"Range": "bytes=100-199"}) == (206, VIDEO[100:200])
    assert fetch(f"{object_storage.url}/{object_storage.private}/{video.file.name}")[0] == 403


def _contact(client, *files) -> Request:
    response = client.post(
        reverse("support:contact"),
        {
            "subject": "Parcel arrived damaged",
            "body": "The corner is crushed, see the photo.",
            "email": "kunde@example.com",
            "order_number": "",
            "visit": "",
            "website": "",
            "altcha": proof_of_work_solution(),
            "attachments": list(files),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    return Request.objects.get()


@pytest.mark.object_storage
def test_attachments_are_in_the_private_bucket_and_served_only_by_the_app(
    client, help_center, object_storage
):
    photo_bytes = _picture("JPEG")
    request = _contact(
        client,
        SimpleUploadedFile("box.jpg", photo_bytes, content_type="image/jpeg"),
        SimpleUploadedFile("invoice.pdf", PDF, content_type="application/pdf"),
    )
    photo, invoice = Attachment.objects.order_by("pk")
    assert sorted(object_storage.keys(object_storage.private)) == sorted(
        [photo.file.name, invoice.file.name]
    )
    assert object_storage.keys(object_storage.public) == []
    assert fetch(f"{object_storage.url}/{object_storage.private}/{photo.file.name}")[0] == 403

    # The customer, with the request's secret link.
    url = reverse("support:attachment", kwargs={"secret": request.secret, "pk": photo.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo_bytes
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    pdf = client.get(
        reverse("support:attachment", kwargs={"secret": request.secret, "pk": invoice.pk})
    )
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert b"".join(pdf.streaming_content) == PDF

    # The team, from the inbox; nobody else.
    inbox_url = reverse("support_attachment", kwargs={"pk": request.pk, "file_pk": photo.pk})
    client.force_login(UserFactory())
    assert client.get(inbox_url).status_code == 302
    client.force_login(in_group(UserFactory(is_staff=True), "Support staff"))
    response = client.get(inbox_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo_bytes


@pytest.mark.object_storage
def test_erasing_a_customers_data_deletes_their_files_from_the_bucket(
    client, help_center, object_storage, django_capture_on_commit_callbacks
):
    request = _contact(
        client, SimpleUploadedFile("box.jpg", _picture("JPEG"), content_type="image/jpeg")
    )
    (name,) = object_storage.keys(object_storage.private)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("support_privacy_erase"),
            {"email": "kunde@example.com", "confirmed": "yes", "request": [str(request.pk)]},
        )
    assert response.status_code == 302
    assert not Attachment.objects.exists()
    assert object_storage.keys(object_storage.private) == []
    with pytest.raises(ClientError):
        object_storage.client.head_object(Bucket=object_storage.private, Key=name)


# Settings, no server needed -------------------------------------------------------------


def test_without_a_bucket_uploads_stay_on_the_local_disk():
    found = _settings_from(S3_BUCKET="")
    backend = found["STORAGES"]["default"]["BACKEND"]
    assert backend == "django.core.files.storage.FileSystemStorage"
    assert found["STORAGES"]["private"]["OPTIONS"]["location"] == found["PRIVATE_MEDIA_ROOT"]
    assert "WAGTAILDOCS_SERVE_METHOD" not in found


@pytest.mark.parametrize("private", ["", "media"])
def test_a_public_bucket_needs_a_private_bucket_of_its_own(private):
    with pytest.raises(ImproperlyConfigured, match="S3_PRIVATE_BUCKET"):
        _settings_from(S3_BUCKET="media", S3_PRIVATE_BUCKET=private)


def test_public_files_carry_no_acl_where_a_bucket_policy_makes_them_public():
    found = _settings_from(S3_BUCKET="media", S3_PRIVATE_BUCKET="files", S3_PUBLIC_ACL="none")
    assert found["STORAGES"]["default"]["OPTIONS"]["public"]["default_acl"] is None
    found = _settings_from(S3_BUCKET="media", S3_PRIVATE_BUCKET="files")
    assert found["STORAGES"]["default"]["OPTIONS"]["public"]["default_acl"] == "public-read"
    assert found["STORAGES"]["private"]["OPTIONS"]["default_acl"] is None
    assert found["STORAGES"]["private"]["OPTIONS"]["querystring_auth"] is True
