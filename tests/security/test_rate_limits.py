"""Each rate limit lets the allowed number through, refuses the next, and saves nothing for
it; and no other sign-in form gets around allauth's. Limits are made small here; the code
reads every one of them at request time:
allauth's ``ACCOUNT_RATE_LIMITS`` (sign-in, sign-up), the forum's ``FORUM_*_LIMITS``
(posting, voting, reporting) and the knowledge base's ``FEEDBACK_LIMIT``.

Already covered elsewhere, not repeated: failed sign-ins locking an account
(``tests/site_config/test_accounts.py``, also behind a proxy) and feedback votes over the
limit (``tests/kb/test_feedback.py::test_feedback_is_rate_limited``).
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from forum.models import Post, Report, Thread, Vote
from kb.models import ArticleFeedback
from tests.factories import (
    PASSWORD,
    BoardFactory,
    FaqPageFactory,
    NewMemberFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def allauth_limits(settings):
    """Set some of allauth's limits, keeping the others as configured."""

    def set_limits(**limits):
        settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, **limits}

    return set_limits


@pytest.fixture
def established(settings):
    """Members whose posts need no approval: old accounts, no minimum of posts."""
    settings.FORUM_NEW_MEMBER_POSTS = 0


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


# Accounts ----------------------------------------------------------------------------------


def test_sign_ins_from_one_address_are_limited(help_center, allauth_limits):
    allauth_limits(login="3/m/ip")
    UserFactory(email="reader@example.com")

    def sign_in():
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": "reader@example.com", "password": PASSWORD}
        )
        return response, "_auth_user_id" in client.session

    allowed = [sign_in() for _ in range(3)]
    refused, signed_in = sign_in()

    assert [(r.status_code, ok) for r, ok in allowed] == [(302, True)] * 3
    assert refused.status_code == 429
    assert not signed_in


def test_sign_ups_from_one_address_are_limited(help_center, allauth_limits):
    allauth_limits(signup="2/m/ip")

    def sign_up(n: int):
        return Client().post(
            reverse("account_signup"),
            {
                "display_name": f"Newcomer {n}",
                "email": f"new{n}@example.com",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )

    allowed = [sign_up(n).status_code for n in (1, 2)]
    refused = sign_up(3)

    assert allowed == [302, 302]
    assert refused.status_code == 429
    assert not get_user_model().objects.filter(email="new3@example.com").exists()


@pytest.mark.parametrize("path", ["/en/_util/login/", "/admin/login/", "/django-admin/login/"])
def test_other_sign_in_forms_lead_to_the_limited_one(client, help_center, path):
    """Wagtail's sign-in for private pages (Django's plain LoginView), the Wagtail admin's and
    the Django admin's would skip these limits and the e-mail confirmation: each sends the
    visitor to allauth's instead, even with correct credentials."""
    UserFactory(email="pending@example.com", email_address__verified=False)
    credentials = {"username": "pending@example.com", "password": PASSWORD}

    response = client.post(path, {**credentials, "login": credentials["username"]})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


# Forum -------------------------------------------------------------------------------------


def _ask(client, board, n: int):
    return client.post(
        reverse("forum:ask"),
        {
            "title": f"Where is my parcel number {n}?",
            "body": "It has not arrived yet.",
            "board": board.pk,
            "language": "en",
        },
    )


def test_new_questions_are_limited(client, help_center, settings, established):
    settings.FORUM_POST_LIMITS = [(2, 60)]
    board = BoardFactory()
    client.force_login(UserFactory())

    allowed = [_ask(client, board, n).status_code for n in (1, 2)]
    refused = _ask(client, board, 3)

    assert allowed == [302, 302]
    assert refused.status_code == 200
    assert "You are posting faster than we allow" in refused.content.decode()
    assert Thread.objects.count() == 2


def test_replies_are_limited_and_share_the_limit_with_questions(
    client, help_center, settings, established
):
    settings.FORUM_POST_LIMITS = [(2, 60)]
    board = BoardFactory()
    thread = ThreadFactory(board=board)
    client.force_login(UserFactory())

    def reply(n: int):
        return client.post(
            reverse("forum:reply", kwargs={"pk": thread.pk}), {"body": f"Answer number {n}."}
        )

    asked = _ask(client, board, 1).status_code
    replied = reply(1).status_code
    refused = reply(2)

    assert (asked, replied) == (302, 302)
    assert refused.status_code == 200
    assert "You are posting faster than we allow" in refused.content.decode()
    assert not Post.objects.filter(body="Answer number 2.").exists()


def test_new_members_are_limited_more_tightly(client, help_center, settings):
    settings.FORUM_NEW_MEMBER_POST_LIMITS = [(1, 60)]
    settings.FORUM_POST_LIMITS = [(10, 60)]
    thread = ThreadFactory()
    client.force_login(NewMemberFactory())
    url = reverse("forum:reply", kwargs={"pk": thread.pk})

    first = client.post(url, {"body": "My first answer."})
    second = client.post(url, {"body": "My second answer."})

    assert first.status_code == 302
    assert "You are posting faster than we allow" in second.content.decode()
    assert not Post.objects.filter(body="My second answer.").exists()


def test_votes_are_limited(client, help_center, settings):
    settings.FORUM_VOTE_LIMITS = [(2, 60)]
    thread = ThreadFactory()
    replies = [PostFactory(thread=thread) for _ in range(3)]
    client.force_login(UserFactory())

    def vote(post):
        return client.post(
            reverse("forum:vote", kwargs={"post_id": post.pk}), {"value": "helpful"}, follow=True
        )

    for post in replies[:2]:
        vote(post)
    refused = vote(replies[2])

    assert "Too many votes in a short time" in _messages(refused)
    assert list(Vote.objects.values_list("post_id", flat=True).order_by("post_id")) == [
        replies[0].pk,
        replies[1].pk,
    ]


def test_reports_are_limited(client, help_center, settings):
    settings.FORUM_REPORT_LIMITS = [(2, 3600)]
    thread = ThreadFactory()
    replies = [PostFactory(thread=thread) for _ in range(3)]
    client.force_login(UserFactory())

    def report(post):
        return client.post(
            reverse("forum:report", kwargs={"post_id": post.pk}),
            {"reason": "spam", "note": "Advertising."},
        )

    allowed = [report(post).status_code for post in replies[:2]]
    refused = report(replies[2])

    assert allowed == [302, 302]
    assert refused.status_code == 200
    assert "You sent many reports in a short time" in refused.content.decode()
    assert Report.objects.count() == 2


# Knowledge base ----------------------------------------------------------------------------


def test_feedback_comments_count_against_the_feedback_limit(client, help_center, monkeypatch):
    from kb import views

    monkeypatch.setattr(views, "FEEDBACK_LIMIT", (2, 3600))
    topic = TopicPageFactory(parent=help_center["en"], title="Returns", slug="returns")
    article = FaqPageFactory(parent=topic, title="Return questions", slug="return-questions")
    url = reverse("kb:feedback", args=[article.pk])

    client.post(url, {"helpful": "no"})
    client.post(url, {"step": "explain", "reason": "unclear", "comment": "Too long."})
    refused = client.post(
        url, {"step": "explain", "reason": "outdated", "comment": "Spam."}, follow=True
    )

    assert "Too many answers from your connection" in _messages(refused)
    feedback = ArticleFeedback.objects.get(page=article)
    assert (feedback.reason, feedback.comment) == ("unclear", "Too long.")


def test_guesses_at_a_page_password_are_limited(client, help_center, monkeypatch):
    """Wagtail's form for a password-protected page counts no attempts by itself."""
    from wagtail.models import PageViewRestriction

    from site_config import views
    from tests.factories import FaqPageFactory, TopicPageFactory

    monkeypatch.setattr(views, "PASSWORD_ATTEMPTS", (3, 600))
    topic = TopicPageFactory(parent=help_center["en"], title="Partners", slug="partners")
    page = FaqPageFactory(parent=topic, title="Partner terms", slug="partner-terms")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="s3cret-partner"
    )
    url = reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, page.pk])
    assert client.get(page.url).status_code == 200  # the password form
    for _ in range(3):
        wrong = client.post(url, {"password": "guess", "return_url": page.url})
        assert wrong.status_code == 200  # the form again, with its error
    refused = client.post(url, {"password": "s3cret-partner", "return_url": page.url})
    assert refused.status_code == 429
    assert "Partner terms" not in client.get(page.url).content.decode()
    other = Client(REMOTE_ADDR="203.0.113.9")
    right = other.post(url, {"password": "s3cret-partner", "return_url": page.url})
    assert right.status_code == 302
    assert "Partner terms" in other.get(page.url).content.decode()
