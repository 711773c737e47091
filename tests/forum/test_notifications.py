"""E-mail and on-site notifications: one per event, in the reader's language, with an
unsubscribe link that works without signing in."""

import re

import pytest
from django.urls import reverse

from forum import services
from forum.models import Notification, Subscription
from tests.factories import BoardFactory, NewMemberFactory, ThreadFactory, UserFactory, in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def watched_thread():
    asker = UserFactory()
    thread = ThreadFactory(author=asker, title="Parcel arrived damaged")
    Subscription.objects.create(user=asker, thread=thread)
    return thread


def answer(thread, capture, author=None, body="Send us a photo"):
    with capture(execute=True):
        return services.reply_create(thread=thread, author=author or UserFactory(), body=body)


def test_one_email_per_event_and_an_unread_notification(
    client, watched_thread, mailoutbox, django_capture_on_commit_callbacks
):
    post = answer(watched_thread, django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    assert message.to == [watched_thread.author.email]
    assert "Parcel arrived damaged" in message.subject
    assert "Send us a photo" in message.body
    assert post.get_absolute_url() in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    client.force_login(watched_thread.author)
    page = client.get(reverse("forum:notifications"))
    assert "Parcel arrived damaged" in page.content.decode()
    client.post(reverse("forum:notifications"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_marking_read_with_ids_that_are_all_invalid_marks_nothing(
    client, watched_thread, django_capture_on_commit_callbacks
):
    answer(watched_thread, django_capture_on_commit_callbacks)
    client.force_login(watched_thread.author)
    client.post(reverse("forum:notifications"), {"id": ["²", "9" * 20, "x"]})
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


def test_running_the_task_again_sends_nothing_twice(watched_thread, mailoutbox):
    from forum import tasks

    post = services.reply_create(thread=watched_thread, author=UserFactory(), body="hello")
    tasks.notify.call(post_id=post.pk, kind="reply", actor_id=post.author_id)
    tasks.notify.call(post_id=post.pk, kind="reply", actor_id=post.author_id)
    assert len(mailoutbox) == 1


def test_unsubscribe_link_works_without_signing_in(
    client, watched_thread, mailoutbox, django_capture_on_commit_callbacks
):
    answer(watched_thread, django_capture_on_commit_callbacks)
    link = re.search(r"http://127.0.0.1:8000(/\S+/unsubscribe/\S+/)", mailoutbox[0].body).group(1)
    assert client.get(link).status_code == 200  # a confirmation page: mail scanners only GET
    assert Subscription.objects.filter(thread=watched_thread).exists()
    response = client.post(link)
    assert response.status_code == 200
    assert not Subscription.objects.filter(
        thread=watched_thread, user=watched_thread.author
    ).exists()
    assert client.post(link).status_code == 200  # twice is fine
    answer(watched_thread, django_capture_on_commit_callbacks)
    assert [watched_thread.author.email] not in [m.to for m in mailoutbox[1:]]


def test_one_click_unsubscribe_from_a_mail_client_needs_no_csrf_token(
    watched_thread, mailoutbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    answer(watched_thread, django_capture_on_commit_callbacks)
    header = mailoutbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(
        header.replace("http://127.0.0.1:8000", ""), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(user=watched_thread.author).exists()


def test_forged_unsubscribe_token_is_refused(client):
    assert client.get("/en/forum/unsubscribe/not-a-token/").status_code == 404
    assert client.post("/en/forum/unsubscribe/not-a-token/").status_code == 404


def test_email_is_in_the_readers_language(
    watched_thread, mailoutbox, django_capture_on_commit_callbacks
):
    profile = watched_thread.author.forum_profile
    profile.language = "tr"
    profile.save()
    answer(watched_thread, django_capture_on_commit_callbacks)
    assert "Yeni yanıt" in mailoutbox[0].subject or "yanıt" in mailoutbox[0].body.lower()


def test_held_posts_are_not_emailed_until_approved(
    watched_thread, mailoutbox, django_capture_on_commit_callbacks
):
    held = answer(watched_thread, django_capture_on_commit_callbacks, author=NewMemberFactory())
    assert mailoutbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=held, by=in_group(UserFactory(), "Forum moderators"))
    assert len(mailoutbox) == 1


def test_post_hidden_before_the_task_runs_is_never_sent(watched_thread, mailoutbox):
    from forum import tasks

    post = services.reply_create(thread=watched_thread, author=UserFactory(), body="spam")
    services.post_hide(post=post, by=in_group(UserFactory(), "Forum moderators"), reason="spam")
    assert tasks.notify.call(post_id=post.pk, kind="reply", actor_id=post.author_id) == 0
    assert mailoutbox == []


def test_board_watchers_hear_of_new_questions(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    board = BoardFactory()
    watcher = UserFactory()
    client.force_login(watcher)
    client.post(reverse("forum:watch_board", kwargs={"slug": board.slug}))
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_create(
            board=board, author=UserFactory(), title="Is there a student discount?", body="?",
            language="en",
        )  # fmt: skip
    assert [m.to for m in mailoutbox] == [[watcher.email]]
    assert "board" in mailoutbox[0].body


def test_answer_author_hears_their_answer_was_official(
    mailoutbox, django_capture_on_commit_callbacks
):
    thread = ThreadFactory()
    helper = UserFactory()
    reply = services.reply_create(thread=thread, author=helper, body="Use the form")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_mark_official(reply=reply, by=in_group(UserFactory(), "Support staff"))
    assert helper.email in [m.to[0] for m in mailoutbox]
