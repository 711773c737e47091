"""Reports, the moderation queue, the audit log, bans, lock/pin/move/merge."""

import pytest
from django.urls import reverse

from forum import selectors, services
from forum.models import MeToo, ModerationLog, Post, Report, Subscription, Vote
from forum.models.threads import Visibility
from tests.factories import (
    BoardFactory,
    NewMemberFactory,
    PostFactory,
    ThreadFactory,
    UserFactory,
    in_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator():
    return in_group(UserFactory(), "Forum moderators")


def test_member_reports_a_post_and_moderator_sees_it_in_the_queue(client, moderator):
    post = PostFactory(body="Buy cheap watches at my shop")
    reporter = UserFactory()
    client.force_login(reporter)
    url = reverse("forum:report", kwargs={"post_id": post.pk})
    response = client.post(url, {"reason": "spam", "note": "advert <b>again</b>"})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.reason, report.note) == ("spam", "advert <b>again</b>")

    client.force_login(moderator)
    html = client.get(reverse("forum:moderation")).content.decode()
    assert "Buy cheap watches" in html and "Spam or advertising" in html
    assert "advert &lt;b&gt;again&lt;/b&gt;" in html


def test_report_form_without_reason_re_renders_and_keeps_the_note(client):
    post = PostFactory()
    client.force_login(UserFactory())
    response = client.post(reverse("forum:report", kwargs={"post_id": post.pk}), {"note": "rude"})
    assert response.status_code == 200
    assert response.context["form"].data["note"] == "rude"
    assert not Report.objects.exists()


def test_moderation_queue_is_for_moderators_only(client):
    client.force_login(in_group(UserFactory(), "Support staff"))
    assert client.get(reverse("forum:moderation")).status_code == 403
    assert client.get(reverse("forum:moderation_log")).status_code == 403


def test_hide_and_restore_keep_the_post_and_log_who_and_why(client, moderator):
    post = PostFactory(body="rude words")
    thread = post.thread
    services.post_report(post=post, reporter=UserFactory(), reason="abuse")
    client.force_login(moderator)
    hide = reverse("forum:moderate_post", kwargs={"post_id": post.pk, "action": "hide"})
    client.post(hide, {"reason": "insults"})
    post.refresh_from_db()
    assert post.visibility == Visibility.HIDDEN
    assert Post.objects.filter(pk=post.pk).exists()  # stored, not deleted
    assert Report.objects.get().resolved_by == moderator
    assert "rude words" in client.get(thread.get_absolute_url()).content.decode()
    client.logout()
    assert "rude words" not in client.get(thread.get_absolute_url()).content.decode()

    client.force_login(moderator)
    client.post(reverse("forum:moderate_post", kwargs={"post_id": post.pk, "action": "restore"}))
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE
    actions = list(ModerationLog.objects.order_by("pk").values_list("action", "reason", "actor"))
    assert actions == [("hide", "insults", moderator.pk), ("restore", "", moderator.pk)]
    log_html = client.get(reverse("forum:moderation_log")).content.decode()
    assert "insults" in log_html


def test_hiding_needs_a_reason(client, moderator):
    post = PostFactory()
    client.force_login(moderator)
    client.post(reverse("forum:moderate_post", kwargs={"post_id": post.pk, "action": "hide"}))
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE


def test_hiding_the_official_answer_removes_the_mark(moderator):
    post = PostFactory()
    staff = in_group(UserFactory(), "Support staff")
    services.reply_mark_official(reply=post, by=staff)
    services.post_hide(post=post, by=moderator, reason="wrong")
    post.thread.refresh_from_db()
    assert post.thread.official_answer_id is None


def test_moderator_rejects_a_held_spam_post_and_bans_the_spammer(client, moderator, mailoutbox):
    thread = ThreadFactory()
    Subscription.objects.create(user=thread.author, thread=thread)
    spammer = NewMemberFactory()
    spam = services.reply_create(thread=thread, author=spammer, body="cheap pills")
    assert list(selectors.held_posts()) == [spam]

    client.force_login(moderator)
    client.post(
        reverse("forum:moderate_post", kwargs={"post_id": spam.pk, "action": "reject"}),
        {"reason": "spam"},
    )
    client.post(reverse("forum:ban", kwargs={"user_id": spammer.pk}), {"reason": "spammer"})
    spam.refresh_from_db()
    assert spam.visibility == Visibility.HIDDEN
    spammer.forum_profile.refresh_from_db()
    assert spammer.forum_profile.is_banned
    assert [e.action for e in ModerationLog.objects.order_by("pk")] == ["reject", "ban"]
    assert mailoutbox == []  # the spam never reached anyone's inbox

    client.force_login(spammer)
    response = client.post(reverse("forum:reply", kwargs={"pk": thread.pk}), {"body": "more"})
    assert response.status_code == 403
    assert "cannot post" in response.content.decode()


def test_ban_can_hide_all_visible_posts_and_unban_restores_posting(moderator):
    member = UserFactory()
    posts = [PostFactory(author=member) for _ in range(2)]
    services.user_ban(user=member, by=moderator, reason="abuse", hide_posts=True)
    assert {p.visibility for p in Post.objects.filter(pk__in=[p.pk for p in posts])} == {"hidden"}
    services.user_unban(user=member, by=moderator)
    member.forum_profile.refresh_from_db()
    assert not member.forum_profile.is_banned


@pytest.mark.parametrize("with_profile", [True, False])
def test_unbanning_a_member_who_is_not_banned_says_so_and_logs_nothing(
    client, moderator, with_profile
):
    from forum.models import Profile

    member = UserFactory()
    if not with_profile:
        Profile.objects.filter(user=member).delete()
    client.force_login(moderator)
    response = client.post(
        reverse("forum:ban", kwargs={"user_id": member.pk}), {"action": "unban"}, follow=True
    )
    assert response.status_code == 200
    assert "This member is not banned." in response.content.decode()
    assert not ModerationLog.objects.filter(target_user=member).exists()


def test_team_members_cannot_be_banned(client, moderator):
    staff = in_group(UserFactory(), "Support staff")
    client.force_login(moderator)
    assert client.get(reverse("forum:ban", kwargs={"user_id": staff.pk})).status_code == 403


def test_lock_pin_and_move_are_logged(client, moderator):
    thread = ThreadFactory()
    other_board = BoardFactory()
    client.force_login(moderator)
    url = reverse("forum:moderate_thread", kwargs={"pk": thread.pk})
    client.post(url, {"action": "lock", "reason": "heated"})
    client.post(url, {"action": "pin"})
    client.post(url, {"action": "move", "board": other_board.pk, "reason": "wrong board"})
    thread.refresh_from_db()
    assert thread.is_locked and thread.is_pinned and thread.board_id == other_board.pk
    assert [e.action for e in ModerationLog.objects.order_by("pk")] == ["lock", "pin", "move"]


def test_merge_moves_replies_votes_and_watchers_without_double_counting(client, moderator):
    target = ThreadFactory(title="Refund not received after return")
    source = ThreadFactory(title="Where is my refund? I returned it")
    both = UserFactory()
    for thread in (source, target):
        services.thread_me_too(thread=thread, user=both, on=True)
        Subscription.objects.create(user=both, thread=thread)
    only_source = UserFactory()
    services.thread_me_too(thread=source, user=only_source, on=True)
    reply = services.reply_create(thread=source, author=UserFactory(), body="Took 5 days for me")
    services.reply_vote(reply=reply, user=UserFactory(), value=1)
    services.reply_create(thread=target, author=UserFactory(), body="Mine came in a week")

    client.force_login(moderator)
    url = reverse("forum:moderate_thread", kwargs={"pk": source.pk})
    response = client.post(url, {"action": "merge", "target": f"/en/forum/t/{target.pk}-x/"})
    assert response.status_code == 302
    target.refresh_from_db()
    source.refresh_from_db()
    assert source.merged_into_id == target.pk
    # both: counted once; only_source: moved; the duplicate's asker: has the same problem
    assert set(MeToo.objects.filter(thread=target).values_list("user", flat=True)) == {
        both.pk,
        only_source.pk,
        source.author_id,
    }
    assert target.me_too_count == 3
    assert Subscription.objects.filter(thread=target, user=both).count() == 1
    assert target.reply_count == 3  # its reply, the source's reply and the source's question
    reply.refresh_from_db()
    assert reply.thread_id == target.pk and reply.helpful_count == 1
    assert Vote.objects.filter(post=reply).count() == 1
    assert client.get(source.get_absolute_url())["Location"] == target.get_absolute_url()


def test_merge_into_itself_is_refused_with_a_message(client, moderator):
    thread = ThreadFactory()
    client.force_login(moderator)
    url = reverse("forum:moderate_thread", kwargs={"pk": thread.pk})
    response = client.post(url, {"action": "merge", "target": str(thread.pk)})
    assert response.status_code == 200
    assert "cannot be merged into itself" in response.content.decode()


def test_support_queue_lists_unanswered_oldest_first_with_time_to_first_answer(client):
    from datetime import timedelta

    from django.utils import timezone

    from forum.models import Thread

    old, new = ThreadFactory(title="Old unanswered question"), ThreadFactory(title="New one")
    Thread.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    answered = ThreadFactory(title="Answered without official")
    services.reply_create(thread=answered, author=UserFactory(), body="Here you go")
    client.force_login(in_group(UserFactory(), "Support staff"))
    response = client.get(reverse("forum:staff_queue"))
    assert [t.title for t in response.context["unanswered"]] == [old.title, new.title]
    (waiting,) = response.context["no_official"]
    assert waiting.title == answered.title and waiting.first_reply_wait is not None
    client.force_login(UserFactory())
    assert client.get(reverse("forum:staff_queue")).status_code == 403


@pytest.mark.parametrize(
    ("language", "said"),
    [("de", "Freigegeben: Der Beitrag ist jetzt sichtbar."), ("en", "Approved: the post")],
)
def test_a_moderator_is_told_what_happened_in_their_language(
    client, moderator, compiled_catalogs, language, said
):
    """A German moderator got English confirmations: they were translated at import."""
    held = PostFactory(thread=ThreadFactory(language=language), visibility=Visibility.HELD)
    client.force_login(moderator)
    url = f"/{language}/forum/p/{held.pk}/moderate/approve/"
    page = client.post(url, follow=True).content.decode()
    assert said in page
