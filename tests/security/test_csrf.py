"""Every POST endpoint of the public site refuses a POST without a CSRF token, even from a
signed-in account that may do everything; with the token, the same POST gets through.

The endpoints are found by walking the URL resolver (the admins at ``/admin/`` and
``/django-admin/`` are left out: they are staff-only, and Django and Wagtail keep them).
Every public URL pattern must be listed below, as a POST endpoint (with how to build its
address), as GET-only (with why), or as deliberately exempt from CSRF: a new endpoint, ours
or a library's after an upgrade, fails ``test_every_public_url_pattern_is_classified`` until
someone decides which it is.
"""

import inspect
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from forum import services
from forum.models import Subscription
from tests.factories import (
    FaqPageFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    UserFactory,
)
from tests.security.routes import public_patterns

pytestmark = pytest.mark.django_db

# name -> the address to POST to, from the objects of the ``world`` fixture.
POST_ENDPOINTS = {
    # Ours: the forum.
    "forum:ask": lambda w: reverse("forum:ask"),
    "forum:preview": lambda w: reverse("forum:preview"),
    "forum:notifications": lambda w: reverse("forum:notifications"),
    "forum:ban": lambda w: reverse("forum:ban", kwargs={"user_id": w["member"].pk}),
    "forum:reply": lambda w: reverse("forum:reply", kwargs={"pk": w["thread"].pk}),
    "forum:me_too": lambda w: reverse("forum:me_too", kwargs={"pk": w["thread"].pk}),
    "forum:watch_thread": lambda w: reverse("forum:watch_thread", kwargs={"pk": w["thread"].pk}),
    "forum:moderate_thread": lambda w: reverse(
        "forum:moderate_thread", kwargs={"pk": w["thread"].pk}
    ),
    "forum:edit": lambda w: reverse("forum:edit", kwargs={"post_id": w["reply"].pk}),
    "forum:accept": lambda w: reverse("forum:accept", kwargs={"post_id": w["reply"].pk}),
    "forum:official_mark": lambda w: reverse(
        "forum:official_mark", kwargs={"post_id": w["reply"].pk}
    ),
    "forum:vote": lambda w: reverse("forum:vote", kwargs={"post_id": w["reply"].pk}),
    "forum:report": lambda w: reverse("forum:report", kwargs={"post_id": w["reply"].pk}),
    "forum:promote": lambda w: reverse("forum:promote", kwargs={"post_id": w["reply"].pk}),
    "forum:moderate_post": lambda w: reverse(
        "forum:moderate_post", kwargs={"post_id": w["reply"].pk, "action": "dismiss"}
    ),
    "forum:watch_board": lambda w: reverse(
        "forum:watch_board", kwargs={"slug": w["thread"].board.slug}
    ),
    "profile_edit": lambda w: reverse("profile_edit"),
    # Ours: the knowledge base.
    "kb:feedback": lambda w: reverse("kb:feedback", args=[w["article"].pk]),
    # Ours: support requests.
    "team:accept": lambda w: reverse("team:accept", kwargs={"token": w["invitation_token"]}),
    "support:contact": lambda w: reverse("support:contact"),
    "support:answered": lambda w: reverse("support:answered"),
    "support:request": lambda w: reverse(
        "support:request", kwargs={"secret": w["support_request"].secret}
    ),
    # Ours: redirects to the one sign-in (a redirect answers any method).
    "wagtail_login_redirect": lambda w: reverse("wagtail_login_redirect"),
    "wagtailcore_login_redirect": lambda w: reverse("wagtailcore_login_redirect"),
    # allauth: sign-in, sign-up, sign-out, passwords, e-mail addresses.
    "account_login": lambda w: reverse("account_login"),
    "account_logout": lambda w: reverse("account_logout"),
    "account_signup": lambda w: reverse("account_signup"),
    "account_reauthenticate": lambda w: reverse("account_reauthenticate"),
    "account_email": lambda w: reverse("account_email"),
    "account_change_password": lambda w: reverse("account_change_password"),
    "account_set_password": lambda w: reverse("account_set_password"),
    "account_reset_password": lambda w: reverse("account_reset_password"),
    "account_confirm_login_code": lambda w: reverse("account_confirm_login_code"),
    "account_confirm_email": lambda w: reverse("account_confirm_email", args=["not-a-key"]),
    "account_reset_password_from_key": lambda w: reverse(
        "account_reset_password_from_key", kwargs={"uidb36": "1", "key": "not-a-key"}
    ),
    # Wagtail's public views: password-protected pages and documents, and page serving
    # (a page may answer POST).
    "wagtailcore_authenticate_with_password": lambda w: reverse(
        "wagtailcore_authenticate_with_password", args=[w["restriction"].pk, w["private"].pk]
    ),
    "wagtaildocs_authenticate_with_password": lambda w: reverse(
        # No such restriction: with a token the view answers 404, without one CSRF refuses.
        "wagtaildocs_authenticate_with_password",
        args=[999_999],
    ),
    "wagtailcore_login": lambda w: reverse("wagtailcore_login"),  # answered by the redirect
    "wagtail_serve": lambda w: w["article"].url,
}

# name -> why it never acts on a POST.
GET_ONLY = {
    "healthz": "liveness probe: answers any method with the same JSON, changes nothing",
    "readyz": "readiness probe: reads only",
    "favicon": "a redirect to the static icon, whatever the method",
    "brand_stylesheet": "the brand's colours as CSS, whatever the method",
    "switch_language": "@require_GET: a plain link that sets the language cookie",
    "sitemap": "read-only XML",
    "search:search": "the search page: a GET form",
    "search:suggest": "@require_GET: JSON suggestions",
    "kb:video_file": "serves a video file with range support",
    "forum:index": "thread list",
    "forum:board": "thread list of one board",
    "forum:thread": "the thread page; its forms post to forum:reply and the actions",
    "forum:thread_short": "redirects to forum:thread",
    "forum:ask_suggestions": "@require_GET: JSON suggestions",
    "forum:official": "list of official answers",
    "forum:official_feed": "Atom feed",
    "forum:staff_queue": "the support team's queue: a list",
    "forum:moderation": "the moderation queue; its forms post to forum:moderate_post",
    "forum:moderation_log": "the audit log: a list",
    "forum:member": "a member's public page",
    "forum:history": "earlier versions of a post: a list",
    "support:sent": "the page after sending: reads the session",
    "support:answers": "JSON answers while the subject is typed",
    "support:challenge": "@require_GET: a fresh signed proof-of-work challenge; stores nothing",
    "support:open_answer": "counts an opened answer and redirects to it",
    "support:mine": "a customer's requests: a list",
    "support:attachment": "serves one file of a request behind its secret link",
    "account_inactive": "allauth: a message page",
    "account_email_verification_sent": "allauth: a message page",
    "account_reset_password_done": "allauth: a message page",
    "account_reset_password_from_key_done": "allauth: a message page",
    "wagtaildocs_serve": "serves a document",
    "wagtaildocs_password_shadow": "a 404 for any method: an id our password route refused",
    "wagtailcore_password_shadow": "a 404 for any method: an id our password route refused",
}

# name -> why it takes POSTs without our token. Each proves the request another way.
CSRF_EXEMPT = {
    "forum:unsubscribe": "RFC 8058 one-click unsubscribe from mail clients: the signed token "
    "in the address is the proof, and it can only stop e-mails for one subscription",
    "search:click": "<a ping> click-through: a signed token in the address, and it can only "
    "mark one logged search's first click",
    "support_mail_in": "an e-mail provider's inbound webhook: 404 until the provider's secret "
    "is configured, then Postmark's basic auth or Mailgun's signature proves the caller",
}


def _handles_post(view) -> bool:
    """Whether a view does something with a POST: a class-based view with ``post``, or a
    function that requires POST or whose code (decorators unwrapped) mentions it."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return hasattr(view_class, "post")
    layer = view
    while layer is not None:
        # require_POST / require_http_methods keep the allowed methods in a closure.
        for cell in getattr(layer, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:  # an empty cell
                continue
            if isinstance(value, list | tuple | set | frozenset) and "POST" in value:
                return True
        layer = getattr(layer, "__wrapped__", None)
    target = inspect.unwrap(view)
    if not inspect.isfunction(target):  # a callable instance, such as a Feed
        target = type(target)
    return bool(re.search(r"request\.(POST|method)", inspect.getsource(target)))


def test_every_public_url_pattern_is_classified():
    patterns = {name or route: view for name, route, view in public_patterns()}

    unclassified = set(patterns) - set(POST_ENDPOINTS) - set(GET_ONLY) - set(CSRF_EXEMPT)
    gone = (set(POST_ENDPOINTS) | set(GET_ONLY) | set(CSRF_EXEMPT)) - set(patterns)

    assert not unclassified, (
        f"new URL patterns: list each as POST, GET-only or exempt: {unclassified}"
    )
    assert not gone, f"listed but no longer in the URLs: {gone}"
    assert not set(POST_ENDPOINTS) & set(GET_ONLY)


def test_get_only_views_really_ignore_post():
    patterns = {name or route: view for name, route, view in public_patterns()}

    handling_post = {name for name in GET_ONLY if _handles_post(patterns[name])}

    assert not handling_post, f"these act on POST: list them in POST_ENDPOINTS: {handling_post}"


def test_only_the_listed_views_are_exempt_from_csrf():
    patterns = {name or route: view for name, route, view in public_patterns()}

    exempt = {name for name, view in patterns.items() if getattr(view, "csrf_exempt", False)}

    assert exempt == set(CSRF_EXEMPT)


def test_the_classifier_sees_post_handling():
    from forum.views import actions, posting, reading
    from kb import views as kb_views

    assert _handles_post(kb_views.feedback)  # @require_POST
    assert _handles_post(actions.promote)  # if request.method == "POST" (a form page)
    assert _handles_post(posting.reply)  # reads request.POST
    assert _handles_post(actions.notifications)  # if request.method == "POST"
    assert not _handles_post(reading.member)
    assert not _handles_post(reading.OfficialAnswersFeed())


@pytest.fixture
def world(help_center):
    from django.contrib.auth import get_user_model

    boss = get_user_model().objects.get(email="admin@example.com")  # a superuser
    member = UserFactory()
    thread = ThreadFactory(author=member)
    reply = PostFactory(thread=thread, author=member)
    Subscription.objects.create(user=boss, thread=thread)
    services.post_report(post=reply, reporter=UserFactory(), reason="spam")
    topic = TopicPageFactory(parent=help_center["en"], title="Orders", slug="orders")
    article = FaqPageFactory(parent=topic, title="Order questions", slug="order-questions")
    private = FaqPageFactory(parent=topic, title="Staff questions", slug="staff-questions")
    restriction = PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="opensesame"
    )
    from support.models import Request

    support_request = Request.objects.create(
        reference="HC-TEST-0001",
        email=member.email,
        language="en",
        subject="Where is my refund?",
        first_response_due=timezone.now(),
    )
    from team import services as team_services

    _invitation, invitation_token = team_services.invitation_create(
        email="colleague@example.com", role="editor", language="en", by=boss
    )
    return {
        "invitation_token": invitation_token,
        "support_request": support_request,
        "boss": boss,
        "member": member,
        "thread": thread,
        "reply": reply,
        "article": article,
        "private": private,
        "restriction": restriction,
    }


def _csrf_client() -> tuple[Client, str]:
    """A client that checks CSRF as a browser's requests are checked, and the token its
    pages carry."""
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("account_login"))  # sets the CSRF cookie
    return client, client.cookies["csrftoken"].value


def _refused_for_csrf(response) -> bool:
    return response.status_code == 403 and b"CSRF" in response.content


DATA = {"body": "Hello there", "reason": "spam"}


def test_post_without_a_token_is_refused_everywhere(world):
    client, _token = _csrf_client()
    client.force_login(world["boss"])

    accepted = {}
    for name, address in sorted(POST_ENDPOINTS.items()):
        response = client.post(address(world), DATA)
        if not _refused_for_csrf(response):
            accepted[name] = response.status_code

    assert not accepted


def test_the_same_posts_with_the_token_get_through(world):
    client, token = _csrf_client()

    refused = {}
    for name, address in sorted(POST_ENDPOINTS.items()):
        client.force_login(world["boss"])  # account_logout signs out
        response = client.post(address(world), {**DATA, "csrfmiddlewaretoken": token})
        # Refused, broken, or not found (the address would prove nothing): all failures.
        if (
            _refused_for_csrf(response)
            or response.status_code == 404
            or response.status_code >= 500
        ):
            refused[name] = response.status_code

    assert not refused


def test_exempt_endpoints_refuse_a_post_without_their_signed_token(world):
    client, _token = _csrf_client()
    client.force_login(world["boss"])

    unsubscribe = client.post(reverse("forum:unsubscribe", kwargs={"token": "forged"}))
    click = client.post(reverse("search:click") + "?t=forged&r=1")

    assert (unsubscribe.status_code, click.status_code) == (404, 400)
    # Not configured: no webhook (404, through the language redirect any 404 gets).
    for provider in ("postmark", "mailgun"):
        webhook = client.post(f"/mail/inbound/{provider}/", {}, follow=True)
        assert webhook.status_code == 404
