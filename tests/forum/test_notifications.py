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
    # The watcher hears of the answer; its author, that it is public now.
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [watched_thread.author.email, held.author.email]
    )


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
            board=board,
            author=UserFactory(),
            title="Is there a student discount?",
            body="?",
            language="en",
        )
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


def test_a_staff_answer_marked_official_at_once_is_one_email_and_one_notification(
    client, watched_thread, mailoutbox, django_capture_on_commit_callbacks
):
    """Staff answer, then mark their answer official a moment later: the asker hears once,
    and the one notification says what it is now (an official answer), unread."""
    staff = in_group(UserFactory(), "Support staff")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply_create(thread=watched_thread, author=staff, body="Use the form")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_mark_official(reply=reply, by=staff)
    assert [m.to for m in mailoutbox] == [[watched_thread.author.email]]
    (notification,) = Notification.objects.filter(user=watched_thread.author)
    assert (notification.kind, notification.read_at) == ("official", None)
    client.force_login(watched_thread.author)
    page = client.get(reverse("forum:notifications")).content.decode()
    assert "The support team answered “Parcel arrived damaged”" in page


def test_each_notification_names_who_and_what_even_without_a_profile(
    client, watched_thread, django_capture_on_commit_callbacks
):
    """An account made in the admin has no forum profile: its answer is announced under a
    neutral name, never as " answered :"."""
    from forum.models import Profile

    helper = UserFactory()
    Profile.objects.filter(user=helper).delete()
    helper = type(helper).objects.get(pk=helper.pk)
    answer(watched_thread, django_capture_on_commit_callbacks, author=helper)
    client.force_login(watched_thread.author)
    page = client.get(reverse("forum:notifications")).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert f"Member {helper.pk} answered “Parcel arrived damaged”" in text
    assert " answered :" not in text and "answered “”" not in text


def test_a_new_member_hears_when_their_held_post_is_approved(
    client, mailoutbox, django_capture_on_commit_callbacks, compiled_catalogs
):
    newcomer = NewMemberFactory()
    newcomer.forum_profile.language = "de"
    newcomer.forum_profile.save()
    thread = ThreadFactory(title="Rabattcode funktioniert nicht")
    held = services.reply_create(thread=thread, author=newcomer, body="Bei mir auch nicht.")
    assert held.visibility == "held" and not mailoutbox
    moderator = in_group(UserFactory(), "Forum moderators")
    with django_capture_on_commit_callbacks(execute=True):
        services.post_approve(post=held, by=moderator)
    (message,) = [m for m in mailoutbox if m.to == [newcomer.email]]
    assert "Rabattcode funktioniert nicht" in message.subject
    assert "freigegeben" in message.body  # in the member's language
    assert message.alternatives and held.get_absolute_url() in message.body
    assert Notification.objects.filter(user=newcomer, kind="approved").count() == 1
