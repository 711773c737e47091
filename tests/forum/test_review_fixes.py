"""Holes a review found, each kept shut by a test."""

import pytest
from django.urls import reverse

from forum import services
from forum.models import KbPromotion, MeToo, Notification, Subscription
from forum.models.threads import Visibility
from tests.factories import (
    BoardFactory,
    NewMemberFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    UserFactory,
    in_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return in_group(UserFactory(), "Forum moderators")


def test_new_member_editing_an_approved_post_sends_it_back_for_approval(moderator):
    newcomer = NewMemberFactory()
    post = services.reply_create(thread=ThreadFactory(), author=newcomer, body="Harmless")
    services.post_approve(post=post, by=moderator)
    services.post_edit(post=post, by=newcomer, body="Now buy my pills")
    post.refresh_from_db()
    assert post.visibility == Visibility.HELD
    post.thread.refresh_from_db()
    assert post.thread.reply_count == 0


def test_established_member_edits_stay_visible():
    member = UserFactory()
    post = services.reply_create(thread=ThreadFactory(), author=member, body="First")
    services.post_edit(post=post, by=member, body="Second")
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE


def test_notifications_about_hidden_posts_disappear(client, moderator):
    asker = UserFactory()
    thread = ThreadFactory(author=asker, title="A thread that will be hidden later")
    Subscription.objects.create(user=asker, thread=thread)
    post = services.reply_create(thread=thread, author=UserFactory(), body="spam")
    Notification.objects.create(user=asker, kind="reply", thread=thread, post=post)
    services.post_hide(post=thread.posts.get(is_question=True), by=moderator, reason="spam")
    client.force_login(asker)
    html = client.get(reverse("forum:notifications")).content.decode()
    assert "A thread that will be hidden later" not in html


def test_merge_refuses_a_hidden_target_and_reads_addresses_with_ports(client, moderator):
    source = ThreadFactory()
    hidden = ThreadFactory(visibility=Visibility.HIDDEN)
    visible = ThreadFactory()
    client.force_login(moderator)
    url = reverse("forum:moderate_thread", kwargs={"pk": source.pk})
    response = client.post(url, {"action": "merge", "target": str(hidden.pk)})
    assert response.status_code == 200 and "visible thread only" in response.content.decode()
    address = f"http://localhost:8000/en/forum/t/{visible.pk}-some-title/"
    assert client.post(url, {"action": "merge", "target": address}).status_code == 302
    source.refresh_from_db()
    assert source.merged_into_id == visible.pk


def test_merge_keeps_the_official_answer_and_drops_the_target_askers_me_too(moderator):
    source, target = ThreadFactory(), ThreadFactory()
    staff = in_group(UserFactory(), "Support staff")
    official = PostFactory(thread=source, author=staff)
    services.reply_mark_official(reply=official, by=staff)
    services.thread_me_too(thread=source, user=target.author, on=True)
    services.thread_merge(source=source, target=target, by=moderator)
    target.refresh_from_db()
    assert target.official_answer_id == official.pk
    assert not MeToo.objects.filter(thread=target, user=target.author).exists()
    assert target.me_too_count == 1  # the duplicate's asker


def test_promoting_twice_adds_one_faq_question(help_center):
    topic = TopicPageFactory(parent=help_center["en"])
    thread = ThreadFactory(board=BoardFactory(topic=topic), title="Can I pay by invoice?")
    answer = PostFactory(thread=thread)
    staff = in_group(UserFactory(), "Support staff")
    services.reply_mark_official(reply=answer, by=staff)
    promote = {"into": topic, "question": "Can I pay by invoice?", "answer": "Yes."}
    first = services.reply_promote_to_kb(reply=answer, by=staff, **promote)
    second = services.reply_promote_to_kb(reply=answer, by=staff, **promote)
    assert first.created and not second.created
    first, second = first.promotion, second.promotion
    assert first.pk == second.pk and KbPromotion.objects.count() == 1
    draft = first.page.specific.get_latest_revision_as_object()
    assert [b.value["question"] for b in draft.items] == ["Can I pay by invoice?"]


def test_html_email_declares_the_readers_language(mailoutbox, django_capture_on_commit_callbacks):
    asker = UserFactory()
    asker.forum_profile.language = "de"
    asker.forum_profile.save()
    thread = ThreadFactory(author=asker)
    Subscription.objects.create(user=asker, thread=thread)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_create(thread=thread, author=UserFactory(), body="Antwort")
    html, _ = mailoutbox[0].alternatives[0]
    assert '<html lang="de">' in html
    assert "Neue Antwort" in mailoutbox[0].subject or "Antwort" in mailoutbox[0].subject


def test_every_notification_email_has_an_unsubscribe_link(
    mailoutbox, django_capture_on_commit_callbacks
):
    thread = ThreadFactory()
    helper = UserFactory()
    reply = services.reply_create(thread=thread, author=helper, body="Use the form")
    with django_capture_on_commit_callbacks(execute=True):
        services.reply_mark_official(reply=reply, by=in_group(UserFactory(), "Support staff"))
        services.reply_accept(reply=reply, by=thread.author)
    assert mailoutbox
    assert all("List-Unsubscribe" in m.extra_headers for m in mailoutbox)


def _official_thread(staff):
    thread = ThreadFactory(board=BoardFactory())
    answer = PostFactory(thread=thread, author=staff)
    services.reply_mark_official(reply=answer, by=staff)
    return thread


def _counts(client, url, setup, django_assert_max_num_queries, limit=20):
    client.get(url)
    with django_assert_max_num_queries(limit) as one:
        assert client.get(url).status_code == 200
    setup()
    with django_assert_max_num_queries(limit) as many:
        assert client.get(url).status_code == 200
    return len(one.captured_queries), len(many.captured_queries)


def test_official_list_and_feed_queries_do_not_grow(client, django_assert_max_num_queries):
    staff = in_group(UserFactory(), "Support staff")
    _official_thread(staff)

    def more():
        for _ in range(10):
            _official_thread(staff)

    one, many = _counts(client, reverse("forum:official"), more, django_assert_max_num_queries)
    assert one == many
    with django_assert_max_num_queries(10):
        client.get(reverse("forum:official_feed"))


def test_notifications_page_queries_do_not_grow(client, django_assert_max_num_queries):
    member = UserFactory()
    client.force_login(member)

    def notify_once():
        thread = ThreadFactory(board=BoardFactory())
        post = PostFactory(thread=thread)
        Notification.objects.create(user=member, kind="reply", thread=thread, post=post)
        Subscription.objects.create(user=member, thread=thread)
        Subscription.objects.create(user=member, board=BoardFactory())

    notify_once()

    def more():
        for _ in range(10):
            notify_once()

    url = reverse("forum:notifications")
    one, many = _counts(client, url, more, django_assert_max_num_queries)
    assert one == many


def test_moderation_queue_and_log_queries_do_not_grow(
    client, moderator, django_assert_max_num_queries
):
    client.force_login(moderator)

    def held_and_reported():
        thread = ThreadFactory()
        services.reply_create(thread=thread, author=NewMemberFactory(), body="held")
        reported = PostFactory(thread=thread)
        services.post_report(post=reported, reporter=UserFactory(), reason="spam")
        services.thread_lock(thread=thread, by=moderator, locked=True, reason="log entry")
        services.post_hide(post=PostFactory(thread=thread), by=moderator, reason="log")

    held_and_reported()

    def more():
        for _ in range(5):
            held_and_reported()

    one, many = _counts(
        client, reverse("forum:moderation"), more, django_assert_max_num_queries, limit=25
    )
    assert one == many
    client.get(reverse("forum:moderation_log"))
    with django_assert_max_num_queries(20):
        client.get(reverse("forum:moderation_log"))


def test_support_queue_queries_do_not_grow(client, django_assert_max_num_queries):
    client.force_login(in_group(UserFactory(), "Support staff"))
    ThreadFactory()

    def more():
        for _ in range(10):
            thread = ThreadFactory(board=BoardFactory())
            services.reply_create(thread=thread, author=UserFactory(), body="an answer")

    one, many = _counts(client, reverse("forum:staff_queue"), more, django_assert_max_num_queries)
    assert one == many
