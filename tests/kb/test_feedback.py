"""'Was this helpful?': one vote per visitor, a reason and comment after 'No', the report
editors read, and the one e-mail to readers who asked to hear about a fix."""

import csv
import io

import pytest
from django.urls import reverse

from kb.models import ArticleChangeSubscription, ArticleFeedback, ArticleImprovement
from tests.factories import UserFactory


def _vote(client, page, helpful: str, **extra):
    return client.post(reverse("kb:feedback", args=[page.pk]), {"helpful": helpful, **extra})


def test_a_visitor_votes_once_and_can_change_their_mind(client, kb_tree):
    page = kb_tree["en"]["faq"]
    response = _vote(client, page, "yes")
    assert response.status_code == 302
    assert response.url == f"{page.url}#feedback"
    _vote(client, page, "yes")
    _vote(client, page, "no")

    votes = ArticleFeedback.objects.filter(page=page)
    assert votes.count() == 1
    assert votes.get().helpful is False
    assert "Sorry this didn" in client.get(page.url).content.decode()


def test_different_visitors_each_count(client, django_user_model, kb_tree):
    from django.test import Client

    page = kb_tree["en"]["faq"]
    for _ in range(3):
        _vote(Client(), page, "no")
    signed_in = Client()
    signed_in.force_login(UserFactory())
    _vote(signed_in, page, "yes")
    _vote(signed_in, page, "yes")
    assert ArticleFeedback.objects.filter(page=page, helpful=False).count() == 3
    assert ArticleFeedback.objects.filter(page=page, helpful=True).count() == 1


def test_reason_and_comment_are_kept_as_plain_text(client, kb_tree):
    page = kb_tree["tr"]["faq"]
    _vote(client, page, "no")
    client.post(
        reverse("kb:feedback", args=[page.pk]),
        {
            "step": "explain",
            "reason": "outdated",
            "comment": 'Kargo ücreti <script>alert("x")</script><b>yanlış</b> & eski',
        },
    )
    feedback = ArticleFeedback.objects.get(page=page)
    assert feedback.reason == "outdated"
    assert feedback.comment == 'Kargo ücreti alert("x")yanlış & eski'
    # Explained once: the page thanks the reader instead of asking again.
    assert 'name="step"' not in client.get(page.url).content.decode()


def test_a_bad_reason_is_refused_without_losing_the_vote(client, kb_tree):
    page = kb_tree["en"]["faq"]
    _vote(client, page, "no")
    client.post(reverse("kb:feedback", args=[page.pk]), {"step": "explain", "reason": "nonsense"})
    feedback = ArticleFeedback.objects.get(page=page)
    assert feedback.helpful is False and feedback.reason == ""


def test_voting_needs_a_valid_choice_and_a_csrf_token(kb_tree):
    from django.test import Client

    page = kb_tree["en"]["faq"]
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("kb:feedback", args=[page.pk]), {"helpful": "yes"})
    assert response.status_code == 403
    assert _vote(Client(), page, "maybe").status_code == 302
    assert not ArticleFeedback.objects.exists()


def test_feedback_is_only_for_live_articles(client, kb_tree):
    assert _vote(client, kb_tree["en"]["topic"], "yes").status_code == 404
    draft = kb_tree["en"]["faq"]
    draft.unpublish()
    assert _vote(client, draft, "yes").status_code == 404


def test_feedback_is_rate_limited(client, kb_tree):
    page = kb_tree["en"]["faq"]
    for _ in range(20):
        _vote(client, page, "yes")
    response = client.post(reverse("kb:feedback", args=[page.pk]), {"helpful": "no"}, follow=True)
    assert "Too many answers" in response.content.decode()
    assert ArticleFeedback.objects.get(page=page).helpful is True


def test_report_lists_least_helpful_first(admin_client, kb_tree):
    from django.test import Client

    helpful, unhelpful = kb_tree["en"]["faq"], kb_tree["en"]["policy"]
    for answer in ("yes", "yes", "no"):
        _vote(Client(), helpful, answer)
    for answer in ("no", "no", "yes"):
        _vote(Client(), unhelpful, answer)

    html = admin_client.get(reverse("kb_helpfulness")).content.decode()
    assert html.index(unhelpful.title) < html.index(helpful.title)
    assert "33%" in html and "67%" in html

    export = admin_client.get(reverse("kb_helpfulness") + "?export=csv")
    text = b"".join(export.streaming_content).decode()  # Wagtail streams its CSV
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[1] for r in rows[1:]] == [unhelpful.title, helpful.title]
    assert rows[1][5] == "33%"
    assert rows[0][:6] == ["page id", "title", "language", "votes", "helpful", "helpful share"]
    old_link = admin_client.get(reverse("kb_helpfulness") + "?format=csv&language=en")
    assert old_link["Location"] == reverse("kb_helpfulness") + "?language=en&export=csv"


def test_report_detail_shows_what_readers_said(admin_client, client, kb_tree):
    page = kb_tree["de"]["faq"]
    _vote(client, page, "no")
    client.post(
        reverse("kb:feedback", args=[page.pk]),
        {"step": "explain", "reason": "unclear", "comment": "Zu kompliziert erklärt"},
    )
    html = admin_client.get(reverse("kb_feedback_detail", args=[page.pk])).content.decode()
    assert "Zu kompliziert erklärt" in html
    assert "<svg" in html


@pytest.fixture
def admin_client(client, help_center):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(email="admin@example.com"))
    return client


def test_reader_who_found_it_unhelpful_is_told_once_when_it_is_fixed(
    client, kb_tree, mailoutbox, django_capture_on_commit_callbacks
):
    page = kb_tree["tr"]["faq"]
    reader = UserFactory(email="okur@example.com")
    client.force_login(reader)
    _vote(client, page, "no")
    client.post(
        reverse("kb:feedback", args=[page.pk]),
        {"step": "explain", "reason": "not_solved", "notify": "on"},
    )
    assert ArticleChangeSubscription.objects.filter(user=reader, page=page).exists()

    # An edit without the box ticked tells nobody.
    page.title = "Return questions (tr, typo fixed)"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert mailoutbox == []

    page.notify_unhelpful_readers = True
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        page.save_revision().publish()
    assert len(callbacks) >= 1
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["okur@example.com"]
    assert "iyileştirdik" in mailoutbox[0].subject.lower()  # written in the page's language
    assert page.url in mailoutbox[0].body

    # Publishing again, even with the box still ticked, does not send a second e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    assert len(mailoutbox) == 1
    assert ArticleImprovement.objects.filter(page=page).count() == 2


def test_nothing_is_queued_before_the_publish_commits(
    kb_tree, django_capture_on_commit_callbacks, mailoutbox
):
    page = kb_tree["en"]["faq"]
    ArticleChangeSubscription.objects.create(page=page, user=UserFactory())
    page.notify_unhelpful_readers = True
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        page.save_revision().publish()
    assert mailoutbox == []  # the e-mail waits for the commit
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


def test_editor_form_starts_with_notify_unticked(kb_tree):
    from kb.panels import ArticlePageForm

    page = kb_tree["en"]["faq"]
    page.notify_unhelpful_readers = True
    form_class = page.get_edit_handler().get_form_class()
    assert issubclass(form_class, ArticlePageForm)
    form = form_class(instance=page, for_user=None)
    assert form.initial["notify_unhelpful_readers"] is False
