"""Asking and answering through the pages, as members do."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forum import services
from forum.models import Post, Subscription, Thread
from forum.models.threads import Visibility
from tests.factories import BoardFactory, NewMemberFactory, ThreadFactory, UserFactory

pytestmark = pytest.mark.django_db


def ask(client, board, follow=False, **fields):
    data = {
        "title": "How do I return shoes that do not fit?",
        "body": "I bought them last week. **Size 42** is too small.",
        "board": board.pk,
        "language": "en",
        "tags": "returns, Shoes",
    } | fields
    return client.post(reverse("forum:ask"), data, follow=follow)


def test_asked_question_is_posted_with_source_kept_and_asker_watching(client):
    board = BoardFactory()
    member = UserFactory()
    client.force_login(member)
    response = ask(client, board)
    thread = Thread.objects.get()
    assert response.status_code == 302
    assert response["Location"] == thread.get_absolute_url()
    question = thread.posts.get()
    assert question.body == "I bought them last week. **Size 42** is too small."
    assert "<strong>Size 42</strong>" in question.body_html
    assert sorted(thread.tags.names()) == ["returns", "shoes"]
    assert Subscription.objects.filter(user=member, thread=thread).exists()
    page = client.get(thread.get_absolute_url())
    assert "How do I return shoes that do not fit?" in page.content.decode()


def test_ask_form_with_errors_keeps_everything_typed(client):
    board = BoardFactory()
    client.force_login(UserFactory())
    response = ask(client, board, title="Short", body="  Leading spaces matter\n    code")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say in a few words" in html or "errorlist" in html
    assert "  Leading spaces matter\n    code" in response.context["form"].data["body"]
    assert Thread.objects.count() == 0


def test_preview_shows_rendered_text_and_posts_nothing(client):
    board = BoardFactory()
    client.force_login(UserFactory())
    response = ask(client, board, preview="1", body="*careful* <script>alert(1)</script>")
    assert response.status_code == 200
    assert "<em>careful</em>" in response.context["preview"]
    assert "<script>" not in response.context["preview"]
    assert Thread.objects.count() == 0


def test_ask_shows_matching_solved_threads_while_typing(client):
    solved = ThreadFactory(title="Refund for returned shoes never arrived")
    reply = Post.objects.create(
        thread=solved, author=UserFactory(), body="It takes 5 days.", body_html="<p>5</p>"
    )
    solved.solution = reply
    solved.save()
    client.force_login(UserFactory())
    data = client.get(reverse("forum:ask_suggestions"), {"q": "refund shoes"}).json()
    assert [t["title"] for t in data["threads"]] == ["Refund for returned shoes never arrived"]
    assert data["threads"][0]["solved"] is True


def test_question_is_saved_when_suggestions_fail(client, monkeypatch):
    from search import api

    def broken(*args, **kwargs):
        raise ConnectionError("search engine down")

    monkeypatch.setattr(api, "search", broken)
    client.force_login(UserFactory())
    assert ask(client, BoardFactory()).status_code == 302
    assert Thread.objects.count() == 1


def test_member_with_unconfirmed_email_is_told_to_confirm_first(client):
    client.force_login(UserFactory(email_address__verified=False))
    response = client.get(reverse("forum:ask"))
    assert response.status_code == 403
    assert "confirm your e-mail address" in response.content.decode()


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("forum:ask"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_new_members_question_is_held_and_invisible_to_others(client):
    board = BoardFactory()
    newcomer = NewMemberFactory()
    client.force_login(newcomer)
    ask(client, board)
    thread = Thread.objects.get()
    assert thread.visibility == Visibility.HELD
    assert "moderator" in client.get(thread.get_absolute_url()).content.decode()

    client.force_login(UserFactory())
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert thread.title not in client.get(reverse("forum:index")).content.decode()
    client.logout()
    assert client.get(thread.get_absolute_url()).status_code == 404


def test_held_post_is_invisible_to_other_users_until_approved(client):
    from tests.factories import in_group

    thread = ThreadFactory()
    newcomer = NewMemberFactory()
    post = services.reply_create(thread=thread, author=newcomer, body="Try the returns page")
    assert post.visibility == Visibility.HELD
    client.force_login(UserFactory())
    assert "Try the returns page" not in client.get(thread.get_absolute_url()).content.decode()
    client.force_login(newcomer)
    assert "Try the returns page" in client.get(thread.get_absolute_url()).content.decode()

    moderator = in_group(UserFactory(), "Forum moderators")
    services.post_approve(post=post, by=moderator)
    client.force_login(UserFactory())
    assert "Try the returns page" in client.get(thread.get_absolute_url()).content.decode()
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_new_member_may_post_only_a_few_links(client, settings):
    settings.FORUM_NEW_MEMBER_MAX_LINKS = 1
    client.force_login(NewMemberFactory())
    body = "See https://cheap-shoes.com and [this](https://www.example.com/deal)"
    response = ask(client, BoardFactory(), body=body)
    assert response.status_code == 200
    assert "at most 1 link" in response.content.decode()
    assert response.context["form"].data["body"] == body


def test_post_count_rule_makes_a_member_new(settings):
    settings.FORUM_NEW_MEMBER_POSTS = 2
    member = UserFactory(date_joined=timezone.now() - timedelta(days=10))
    thread = ThreadFactory()
    first = services.reply_create(thread=thread, author=member, body="one")
    assert first.visibility == Visibility.HELD


def test_posting_too_fast_is_refused_with_a_clear_message(client, settings):
    settings.FORUM_POST_LIMITS = [(2, 60)]
    member = UserFactory()
    thread = ThreadFactory()
    client.force_login(member)
    url = reverse("forum:reply", kwargs={"pk": thread.pk})
    assert client.post(url, {"body": "first answer"}).status_code == 302
    assert client.post(url, {"body": "second answer"}).status_code == 302
    response = client.post(url, {"body": "third answer, kept"})
    assert response.status_code == 200
    assert "faster than we allow" in response.content.decode()
    assert response.context["form"].data["body"] == "third answer, kept"
    assert thread.posts.count() == 3  # the question and two answers


def test_quote_prefills_the_answer_with_the_quoted_post(client):
    thread = ThreadFactory(question__body="My parcel is lost")
    client.force_login(UserFactory())
    question = thread.posts.get()
    response = client.get(reverse("forum:reply", kwargs={"pk": thread.pk}), {"quote": question.pk})
    assert "> My parcel is lost" in response.context["form"].initial["body"]


def test_author_edits_own_post_and_staff_see_the_earlier_version(client):
    from tests.factories import in_group

    thread = ThreadFactory()
    member = UserFactory()
    post = services.reply_create(thread=thread, author=member, body="Wrong answer")
    client.force_login(member)
    url = reverse("forum:edit", kwargs={"post_id": post.pk})
    assert client.post(url, {"body": "Right answer"}).status_code == 302
    post.refresh_from_db()
    assert post.body == "Right answer" and post.edited_at
    history = reverse("forum:history", kwargs={"post_id": post.pk})
    assert client.get(history).status_code == 403
    client.force_login(in_group(UserFactory(), "Support staff"))
    assert "Wrong answer" in client.get(history).content.decode()


def test_nobody_edits_someone_elses_post(client):
    post = services.reply_create(thread=ThreadFactory(), author=UserFactory(), body="mine")
    client.force_login(UserFactory())
    assert client.get(reverse("forum:edit", kwargs={"post_id": post.pk})).status_code == 403


def test_moderator_edit_needs_a_reason_and_is_logged(client):
    from forum.models import ModerationLog
    from tests.factories import in_group

    post = services.reply_create(thread=ThreadFactory(), author=UserFactory(), body="call 0555")
    client.force_login(in_group(UserFactory(), "Forum moderators"))
    url = reverse("forum:edit", kwargs={"post_id": post.pk})
    response = client.post(url, {"body": "call [removed]"})
    assert response.status_code == 200  # no reason given
    client.post(url, {"body": "call [removed]", "reason": "personal data"})
    entry = ModerationLog.objects.get(action="edit")
    assert entry.reason == "personal data" and entry.post_id == post.pk


def test_locked_thread_takes_no_answers(client):
    from tests.factories import in_group

    thread = ThreadFactory()
    services.thread_lock(thread=thread, by=in_group(UserFactory(), "Forum moderators"), locked=True)
    client.force_login(UserFactory())
    response = client.post(reverse("forum:reply", kwargs={"pk": thread.pk}), {"body": "hello"})
    assert response.status_code == 403
    assert "locked" in client.get(thread.get_absolute_url()).content.decode()


def test_emails_go_to_watchers_when_someone_answers(mailoutbox, django_capture_on_commit_callbacks):
    asker = UserFactory()
    thread = ThreadFactory(author=asker)
    Subscription.objects.create(user=asker, thread=thread)
    helper = UserFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.reply_create(thread=thread, author=helper, body="Use the prepaid label")
    assert callbacks, "nothing is sent before the transaction commits"
    assert [m.to for m in mailoutbox] == [[asker.email]]
    assert mail.outbox[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


# --- the same post sent twice ----------------------------------------------------------------


def test_the_same_question_sent_twice_is_stored_once_with_a_message(client):
    board = BoardFactory()
    client.force_login(UserFactory())
    first = ask(client, board)
    second = ask(client, board, follow=True)
    thread = Thread.objects.get()
    assert first["Location"] == thread.get_absolute_url()
    assert second.redirect_chain[0][0] == thread.get_absolute_url()
    assert "You asked this a moment ago" in second.content.decode()
    assert Post.objects.count() == 1


def test_the_same_reply_sent_twice_in_a_row_is_stored_once(client):
    thread = ThreadFactory()
    client.force_login(UserFactory())
    url = reverse("forum:reply", kwargs={"pk": thread.pk})
    client.post(url, {"body": "Try the other courier."})
    again = client.post(url, {"body": "Try the other courier."}, follow=True)  # the back button
    assert again.status_code == 200
    assert "You posted this answer a moment ago" in again.content.decode()
    assert Post.objects.filter(thread=thread, is_question=False).count() == 1
    # Another text, or the same text later or elsewhere, is a new post.
    client.post(url, {"body": "Or ask at the depot."})
    assert Post.objects.filter(thread=thread, is_question=False).count() == 2


def test_the_same_text_after_the_window_is_a_new_post():
    from datetime import timedelta

    from django.utils import timezone

    thread = ThreadFactory()
    member = UserFactory()
    first = services.reply_create(thread=thread, author=member, body="Same words")
    Post.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    services.reply_create(thread=thread, author=member, body="Same words")
    with pytest.raises(services.DuplicatePost):
        services.reply_create(thread=thread, author=member, body="Same words")
    assert Post.objects.filter(thread=thread, is_question=False).count() == 2


def test_matching_answers_sit_under_the_title_with_snippets(client, help_center):
    """On a phone the list below the whole form was off screen: it sits between the title
    and the question's text, and each article comes with a few words of its answer."""
    from tests.factories import FaqPageFactory, TopicPageFactory, faq_items
    from tests.search.contract import index_everything

    topic = TopicPageFactory(parent=help_center["en"], title="Returns", slug="returns")
    FaqPageFactory(
        parent=topic,
        title="Refund questions",
        slug="refund-questions",
        items=faq_items(("When is my refund paid?", "Refunds reach your card within 5 days.")),
    )
    index_everything()
    client.force_login(UserFactory())
    data = client.get(reverse("forum:ask_suggestions"), {"q": "refund paid"}).json()
    assert "within 5 days" in data["articles"][0]["snippet"]
    assert "<" not in data["articles"][0]["snippet"]  # text, not markup
    page = client.post(
        reverse("forum:ask"), {"title": "When is my refund paid", "body": "", "preview": "1"}
    ).content.decode()
    title_at = page.index('name="title"')
    box_at = page.index('id="ask-suggestions"')
    body_at = page.index('name="body"')
    assert title_at < box_at < body_at
