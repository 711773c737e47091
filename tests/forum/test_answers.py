"""Solutions, official answers, votes, "me too" (promotion: test_promotion.py)."""

import pytest
from django.urls import reverse

from forum import services
from forum.models import ModerationLog, Vote
from tests.factories import (
    BoardFactory,
    ThreadFactory,
    UserFactory,
    in_group,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread_with_replies():
    asker = UserFactory()
    thread = ThreadFactory(author=asker)
    first = services.reply_create(thread=thread, author=UserFactory(), body="Try the app")
    second = services.reply_create(thread=thread, author=UserFactory(), body="Call us")
    return thread, first, second


def test_asker_marks_solution_and_thread_shows_solved(client, thread_with_replies):
    thread, first, _second = thread_with_replies
    client.force_login(thread.author)
    client.post(reverse("forum:accept", kwargs={"post_id": first.pk}))
    thread.refresh_from_db()
    assert thread.solution_id == first.pk
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Solved" in html and 'class="solution-box"' in html


def test_solution_can_be_unmarked_and_remarked(client, thread_with_replies):
    thread, first, second = thread_with_replies
    client.force_login(thread.author)
    accept = reverse("forum:accept", kwargs={"post_id": first.pk})
    client.post(accept)
    client.post(accept, {"undo": "1"})
    thread.refresh_from_db()
    assert thread.solution_id is None
    client.post(reverse("forum:accept", kwargs={"post_id": second.pk}))
    thread.refresh_from_db()
    assert thread.solution_id == second.pk


def test_other_members_cannot_mark_the_solution(client, thread_with_replies):
    thread, first, _ = thread_with_replies
    client.force_login(UserFactory())
    response = client.post(reverse("forum:accept", kwargs={"post_id": first.pk}))
    assert response.status_code == 403


def test_official_answer_is_badged_and_shown_first_even_when_another_is_accepted(
    client, thread_with_replies
):
    thread, first, second = thread_with_replies
    services.reply_accept(reply=first, by=thread.author)
    staff = in_group(UserFactory(), "Support staff")
    client.force_login(staff)
    client.post(reverse("forum:official_mark", kwargs={"post_id": second.pk}))
    thread.refresh_from_db()
    assert thread.official_answer_id == second.pk and thread.solution_id == first.pk
    client.logout()
    html = client.get(thread.get_absolute_url()).content.decode()
    answers = html[html.index('id="answers-title"') :]
    assert answers.index(f'id="post-{second.pk}"') < answers.index(f'id="post-{first.pk}"')
    assert "post--official" in html
    assert ModerationLog.objects.filter(action="official", post=second).exists()


def test_marking_another_official_answer_replaces_the_first(thread_with_replies):
    thread, first, second = thread_with_replies
    staff = in_group(UserFactory(), "Support staff")
    services.reply_mark_official(reply=first, by=staff)
    services.reply_mark_official(reply=second, by=staff)
    thread.refresh_from_db()
    assert thread.official_answer_id == second.pk


def test_members_cannot_mark_official(client, thread_with_replies):
    thread, first, _ = thread_with_replies
    client.force_login(thread.author)
    assert (
        client.post(reverse("forum:official_mark", kwargs={"post_id": first.pk})).status_code == 403
    )


def test_helpful_vote_is_one_per_member_and_changeable(client, thread_with_replies):
    _thread, first, _ = thread_with_replies
    voter = UserFactory()
    client.force_login(voter)
    url = reverse("forum:vote", kwargs={"post_id": first.pk})
    client.post(url, {"value": "helpful"})
    client.post(url, {"value": "helpful"})
    first.refresh_from_db()
    assert (first.helpful_count, first.unhelpful_count) == (1, 0)
    client.post(url, {"value": "unhelpful"})
    first.refresh_from_db()
    assert (first.helpful_count, first.unhelpful_count) == (0, 1)
    client.post(url, {"value": "clear"})
    first.refresh_from_db()
    assert (first.helpful_count, first.unhelpful_count) == (0, 0)
    assert not Vote.objects.exists()


def test_members_cannot_vote_on_their_own_answer(client, thread_with_replies):
    _thread, first, _ = thread_with_replies
    client.force_login(first.author)
    assert (
        client.post(
            reverse("forum:vote", kwargs={"post_id": first.pk}), {"value": "helpful"}
        ).status_code
        == 403
    )


def test_me_too_counts_demand_once_per_member(client):
    thread = ThreadFactory()
    url = reverse("forum:me_too", kwargs={"pk": thread.pk})
    for _ in range(3):
        client.force_login(UserFactory())
        client.post(url)
        client.post(url)
    thread.refresh_from_db()
    assert thread.me_too_count == 3
    client.post(url, {"undo": "1"})
    thread.refresh_from_db()
    assert thread.me_too_count == 2


@pytest.mark.parametrize("sort", ["active", "newest", "unanswered", "wanted", "solved"])
def test_sorted_views_list_the_right_threads(client, sort):
    board = BoardFactory()
    unanswered = ThreadFactory(board=board, title="Nobody answered this question yet")
    solved = ThreadFactory(board=board, title="This question was solved by someone")
    reply = services.reply_create(thread=solved, author=UserFactory(), body="Solved it")
    services.reply_accept(reply=reply, by=solved.author)
    wanted = ThreadFactory(board=board, title="Many people want to know this one")
    for _ in range(2):
        services.thread_me_too(thread=wanted, user=UserFactory(), on=True)
    response = client.get(reverse("forum:board", kwargs={"slug": board.slug}), {"sort": sort})
    titles = [t.title for t in response.context["threads"]]
    if sort == "unanswered":
        assert solved.title not in titles and unanswered.title in titles
    elif sort == "solved":
        assert titles == [solved.title]
    elif sort == "wanted":
        assert titles[0] == wanted.title
    else:
        assert set(titles) == {unanswered.title, solved.title, wanted.title}


def test_index_shows_my_language_with_a_filter_for_all(client):
    ThreadFactory(language="en", title="Where is my parcel right now?")
    ThreadFactory(language="de", title="Wo ist mein Paket gerade?")
    en = client.get("/en/forum/")
    assert [t.title for t in en.context["threads"]] == ["Where is my parcel right now?"]
    everything = client.get("/de/forum/", {"lang": "all"})
    assert [t.title for t in everything.context["threads"]] == [
        "Wo ist mein Paket gerade?",
        "Where is my parcel right now?",
    ]
