"""Self-hosted guide videos answer range requests, which browsers need to seek to a chapter."""

from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document

from kb.video import parse
from tests.factories import HowToVideoPageFactory, TopicPageFactory

DATA = bytes(range(256)) * 40  # 10,240 bytes


def _guide(help_center, *, publish=True):
    document = Document.objects.create(title="clip", file=ContentFile(DATA, name="clip.webm"))
    topic = TopicPageFactory(parent=help_center["en"])
    HowToVideoPageFactory(parent=topic, video_url="", video_file=document, publish=publish)
    return reverse("kb:video_file", args=[document.pk])


def test_a_range_request_gets_only_those_bytes(client, help_center):
    url = _guide(help_center)
    response = client.get(url, HTTP_RANGE="bytes=100-199")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 100-199/{len(DATA)}"
    assert b"".join(response.streaming_content) == DATA[100:200]
    assert response["Content-Type"] == "video/webm"


def test_whole_file_and_open_ended_ranges(client, help_center):
    url = _guide(help_center)
    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"
    assert b"".join(whole.streaming_content) == DATA
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == DATA[-10:]
    rest = client.get(url, HTTP_RANGE="bytes=10000-")
    assert b"".join(rest.streaming_content) == DATA[10000:]


def test_an_impossible_range_is_refused(client, help_center):
    url = _guide(help_center)
    assert client.get(url, HTTP_RANGE="bytes=99999-").status_code == 416


def test_only_videos_of_published_guides_are_served(client, help_center):
    assert client.get(_guide(help_center, publish=False)).status_code == 404
    other = Document.objects.create(title="private", file=ContentFile(b"x", name="secret.pdf"))
    assert client.get(reverse("kb:video_file", args=[other.pk])).status_code == 404


def test_video_addresses_are_recognised_without_fetching_anything():
    assert parse("https://youtu.be/aBcDeFgHiJk").video_id == "aBcDeFgHiJk"
    assert parse("https://www.youtube.com/embed/aBcDeFgHiJk").provider == "youtube"
    assert parse("https://vimeo.com/123456").player_url(30).endswith("#t=30s")
    assert parse("https://example.com/watch?v=aBcDeFgHiJk") is None
    assert parse("javascript:alert(1)") is None
