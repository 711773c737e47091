"""What ``make load`` shows about running more than one instance of the app: two gunicorn
instances on two ports, each with folders of its own for media (as two machines would have),
share everything a visitor's next request may need, because that lives in PostgreSQL, Redis
and object storage (S3Proxy from ``tests/s3``, the S3-compatible server the object storage
tests use), never in one instance.

:class:`Balancer` stands in for the load balancer: every request goes to the next instance
in turn (no sticky sessions), with the public site's ``Host`` header, so a form read from
one instance is sent to the other. :func:`check_shared` then asks, each through one
instance and then the other:

* sessions: signed in through the first, the second knows the member;
* rate limits: a member's posting limit counts posts sent to either (the post one over the
  limit is refused, whichever instance it reaches);
* page-cache generations: an article kept in the page cache by both is gone from both the
  moment an editor unpublishes it through one, and back on both when published through the
  other;
* uploaded media: a file sent with the contact form through one is served by the other,
  byte for byte (support attachments, from the private bucket through the app's own check).

Each check says what it saw; the run fails when one does not hold.
"""

import contextlib
import re
import secrets
import time
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

import requests

from bench import _server

# A PDF as small as the attachment check accepts (support.attachments reads the type from
# the content, not the name).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
BUCKETS = {"S3_BUCKET": "helpcenter-media", "S3_PRIVATE_BUCKET": "helpcenter-private"}


@contextlib.contextmanager
def object_storage(workdir: Path):
    """S3Proxy on a free loopback port with two empty buckets (public media, private files);
    yields the environment that points the app at them (``site_config/settings.py``)."""
    from tests import engines, s3

    if reason := s3.missing():
        raise SystemExit(f"two instances share uploads through object storage, but {reason}")
    with engines.running(s3.server(workdir / "s3proxy")) as service:
        env = {
            **BUCKETS,
            "AWS_S3_ENDPOINT_URL": service.url,
            "AWS_S3_REGION_NAME": "us-east-1",
            "AWS_ACCESS_KEY_ID": s3.ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": s3.SECRET_KEY,
        }
        client = s3.client(service.url)
        for bucket in BUCKETS.values():
            client.create_bucket(Bucket=bucket)
        yield env


def upload_media(folder: Path) -> int:
    """The demo's files (built on local disk with the template database) into the buckets,
    under the names the database holds, through the app's own default storage (images to
    the public bucket, the rest to the private one). Returns how many."""
    from django.core.files import File
    from django.core.files.storage import default_storage

    count = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        with path.open("rb") as content:
            default_storage.save(name, File(content, name=name))
        count += 1
    return count


class Balancer(_server.Browser):
    """One visitor behind a load balancer without sticky sessions: each request goes to the
    next instance in turn (or to ``via``), always with the public site's host, origin and
    cookies, as a browser that knows only the public address would send them."""

    def __init__(self, instances: list[str], address: str, timeout: float = 30):
        super().__init__(instances[0], address, timeout)
        self.instances = instances
        self.session.headers["Host"] = urlsplit(instances[0]).netloc
        self._turn = 0

    def _instance(self, via: int | None) -> str:
        if via is None:
            via = self._turn
            self._turn += 1
        return self.instances[via % len(self.instances)]

    def get(self, path: str, *, address: str | None = None, via: int | None = None):
        headers = {"X-Forwarded-For": address or self.address}
        return self._send("GET", path, headers, base_url=self._instance(via))

    def post(self, path: str, data: dict, *, form_page: str, via: int | None = None, **kwargs):
        headers = {
            "X-Forwarded-For": self.address,
            "Origin": self.base_url,
            "Referer": self.base_url + form_page,
        }
        return self._send("POST", path, headers, base_url=self._instance(via), data=data, **kwargs)

    def submit(self, path: str, data: dict, *, read_via: int, send_via: int, **kwargs):
        """A form as a person sends it: its page read through one instance, the form (with
        that page's CSRF token) sent through ``send_via``. Returns (page, answer)."""
        page = self.get(path, via=read_via)
        data = {"csrfmiddlewaretoken": self.csrf_token(page.text), **data}
        return page, self.post(path, data, form_page=path, via=send_via, **kwargs)


class Check(NamedTuple):
    name: str
    held: bool
    seen: str


def check_shared(instances: list[str], *, member, staff, password: str) -> list[Check]:
    """Each shared thing, asked through one instance and then the other."""
    checks = [
        _sessions(instances, member, password),
        _rate_limits(instances, member, password),
        _page_cache(instances, staff, password),
        _uploads(instances, member, password),
    ]
    return checks


def _signed_in(instances, user, password: str, n: int, via: int = 0) -> Balancer:
    browser = Balancer(instances, _server.visitor_address(60_000 + n))
    _page, response = browser.submit(
        "/accounts/login/",
        {"login": user.email, "password": password},
        read_via=via,
        send_via=via,
    )
    if response.status_code != 302:
        raise SystemExit(f"sign-in of {user.email} answered {response.status_code}")
    return browser


def _sessions(instances, member, password: str) -> Check:
    browser = _signed_in(instances, member, password, 1, via=0)
    mine = browser.get("/en/requests/", via=1)
    anonymous = Balancer(instances, _server.visitor_address(60_100)).get("/en/requests/", via=1)
    held = mine.status_code == 200 and anonymous.status_code == 302
    return Check(
        "sessions",
        held,
        f"signed in through instance 1; instance 2 answered {mine.status_code} for the "
        f"member's requests page (signed out: {anonymous.status_code})",
    )


def _rate_limits(instances, member, password: str) -> Check:
    """The member's posting limit (``FORUM_POST_LIMITS``: the tightest is per minute), its
    posts sent to the instances in turn. Fixed windows: start where the window has room."""
    from django.conf import settings

    from forum.models import Post, Thread
    from forum.models.threads import Visibility

    limit, period = min(settings.FORUM_POST_LIMITS, key=lambda rule: rule[1])
    thread = (
        Thread.objects.filter(visibility=Visibility.VISIBLE, merged_into=None, is_locked=False)
        .order_by("pk")
        .first()
    )
    form_path = f"/{thread.language}/forum/t/{thread.pk}/reply/"
    if time.time() % period > period - 20:  # too near the end of a window: wait it out
        time.sleep(period - time.time() % period + 0.5)
    browser = _signed_in(instances, member, password, 2, via=0)
    before = Post.objects.filter(author=member).count()
    answers = []
    for n in range(limit + 1):
        body = f"Checking the limit across instances, post {n + 1} ({secrets.token_hex(3)})."
        _form, response = browser.submit(form_path, {"body": body}, read_via=n, send_via=n + 1)
        answers.append(response.status_code)
    stored = Post.objects.filter(author=member).count() - before
    held = stored == limit and answers[:limit] == [302] * limit and answers[limit] != 302
    return Check(
        "rate limits",
        held,
        f"{limit + 1} replies in a minute, sent to the instances in turn "
        f"(limit {limit}/{period} s): answers {answers}, {stored} stored",
    )


def _page_cache(instances, staff, password: str) -> Check:
    """An article read anonymously through both (the second from the cache the first
    filled, or the warm-up did), unpublished in the admin through one (gone from both),
    published again through the other (rendered afresh by the first, which fills the cache
    the second then serves)."""
    from kb.models import FaqPage

    page = FaqPage.objects.live().filter(locale__language_code="de").order_by("path").last()
    reader = Balancer(instances, _server.visitor_address(60_200))
    reader.session.headers["Accept-Encoding"] = "identity"

    def read() -> list[str]:
        seen = []
        for via in range(len(instances)):
            response = reader.get(page.url, via=via)
            hit = "/hit" if response.headers.get("X-Page-Cache") else ""
            seen.append(f"{response.status_code}{hit}")
        return seen

    before = read()
    editor = _signed_in(instances, staff, password, 3, via=0)
    unpublish = f"/admin/pages/{page.pk}/unpublish/"
    _form, unpublished = editor.submit(unpublish, {}, read_via=0, send_via=0)
    after_unpublish = read()
    publish = "/admin/bulk/wagtailcore/page/publish/?" + urlencode(
        {"id": page.pk, "next": "/admin/"}
    )
    _form, published = editor.submit(publish, {}, read_via=1, send_via=1)
    after_publish = read()
    held = (
        before[0].startswith("200")
        and before[1] == "200/hit"
        and unpublished.status_code == 302
        and after_unpublish == ["404", "404"]
        and published.status_code == 302
        and after_publish == ["200", "200/hit"]
    )
    return Check(
        "page-cache generations",
        held,
        f"{page.url} through instances 1, 2: {before}; unpublished through 1 "
        f"({unpublished.status_code}): {after_unpublish}; published through 2 "
        f"({published.status_code}): {after_publish}",
    )


ATTACHMENT_LINK = re.compile(r'href="(/en/requests/[^/"]+/files/\d+/)"')
REQUEST_LINK = re.compile(r'href="(/en/requests/[A-Za-z0-9_-]{16,}/)"')


def _uploads(instances, member, password: str) -> Check:
    """The contact form with a PDF, sent through instance 1 (its second step read there);
    the member's request and its file then read through instance 2."""
    browser = _signed_in(instances, member, password, 4, via=0)
    step = "/en/contact/?" + urlencode({"subject": "A file sent through one instance"})
    form = browser.get(step, via=0)
    visit = re.search(r'name="visit" value="([^"]*)"', form.text)
    content = PDF + secrets.token_hex(8).encode()  # a file no earlier run sent
    data = {
        "csrfmiddlewaretoken": browser.csrf_token(form.text),
        "subject": "A file sent through one instance",
        "topic": "",
        "visit": visit.group(1) if visit else "",
        "body": "My parcel arrived damaged; the delivery note is attached.",
        "email": member.email,
    }
    sent = browser.post(
        "/en/contact/",
        data,
        form_page=step,
        via=0,
        files={"attachments": ("delivery-note.pdf", content, "application/pdf")},
    )
    mine = browser.get("/en/requests/", via=1)
    request_link = REQUEST_LINK.search(mine.text)
    page = browser.get(request_link.group(1), via=1) if request_link else None
    file_link = ATTACHMENT_LINK.search(page.text) if page is not None else None
    served = browser.get(file_link.group(1), via=1) if file_link else None
    held = bool(sent.status_code == 302 and served is not None and served.content == content)
    return Check(
        "uploaded media",
        held,
        f"contact form with a {len(content)}-byte PDF through instance 1: {sent.status_code}; "
        + (
            f"through instance 2 its file answered {served.status_code}, "
            f"{'the same bytes' if served.content == content else 'other bytes'}"
            if served is not None
            else "instance 2 showed no link to the file"
        ),
    )


def answers_everywhere(instances: list[str]) -> bool:
    return all(_answers(url) for url in instances)


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/readyz", timeout=2).status_code == 200
    except requests.RequestException:
        return False
