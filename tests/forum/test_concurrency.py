"""Concurrent votes and official marking on a real PostgreSQL server: each thread has its
own database connection and transaction, and all start together at a barrier."""

import contextlib
import threading

import pytest
from django.db import connection

from forum import services
from forum.models import MeToo, Post, Thread, Vote
from tests.factories import PostFactory, ThreadFactory, UserFactory, in_group

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need a server database; CI runs this on PostgreSQL",
    ),
]


def run_together(calls):
    barrier = threading.Barrier(len(calls))
    errors = []

    def worker(call):
        from django.db import connections

        try:
            barrier.wait(timeout=30)
            call()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors


def test_twenty_concurrent_voters_are_all_counted_once():
    reply = PostFactory()
    voters = [UserFactory() for _ in range(20)]
    run_together(
        [lambda v=v: services.reply_vote(reply=reply, user=v, value=Vote.HELPFUL) for v in voters]
    )
    reply.refresh_from_db()
    assert reply.helpful_count == 20 == Vote.objects.filter(post=reply).count()


def test_the_same_voter_twice_at_once_counts_once():
    reply = PostFactory()
    voter = UserFactory()
    run_together(
        [lambda: services.reply_vote(reply=reply, user=voter, value=Vote.HELPFUL) for _ in range(5)]
    )
    reply.refresh_from_db()
    assert reply.helpful_count == 1 == Vote.objects.filter(post=reply).count()


def test_two_staff_marking_official_at_once_leave_one_official_answer():
    thread = ThreadFactory()
    first, second = PostFactory(thread=thread), PostFactory(thread=thread)
    staff = [in_group(UserFactory(), "Support staff") for _ in range(2)]
    run_together(
        [
            lambda: services.reply_mark_official(reply=first, by=staff[0]),
            lambda: services.reply_mark_official(reply=second, by=staff[1]),
        ]
    )
    thread.refresh_from_db()
    assert thread.official_answer_id in {first.pk, second.pk}
    # The second to get the lock saw the first's answer and replaced it: the log says so.
    from forum.models import ModerationLog

    entries = list(ModerationLog.objects.filter(action="official").order_by("pk"))
    assert len(entries) == 2
    assert entries[1].details["replaced"] == entries[0].post_id


def test_concurrent_me_too_and_replies_keep_counts_exact():
    thread = ThreadFactory()
    members = [UserFactory() for _ in range(10)]
    calls = [lambda m=m: services.thread_me_too(thread=thread, user=m, on=True) for m in members]
    calls += [
        lambda m=m: services.reply_create(thread=thread, author=m, body="same here")
        for m in members[:5]
    ]
    run_together(calls)
    thread.refresh_from_db()
    assert thread.me_too_count == 10 == MeToo.objects.filter(thread=thread).count()
    assert thread.reply_count == 5 == Post.objects.filter(thread=thread, is_question=False).count()
    assert Thread.objects.count() == 1


def test_the_same_reply_sent_four_times_at_once_is_stored_once():
    thread = ThreadFactory()
    member = UserFactory()
    duplicates = []

    def send():
        try:
            services.reply_create(thread=thread, author=member, body="Same answer, four times")
        except services.DuplicatePost as exc:
            duplicates.append(exc.post.pk)

    run_together([send] * 4)
    stored = Post.objects.filter(thread=thread, is_question=False)
    assert stored.count() == 1 and duplicates == [stored.get().pk] * 3


def test_the_same_question_sent_three_times_at_once_is_stored_once():
    from tests.factories import BoardFactory

    board, member = BoardFactory(), UserFactory()

    def send():
        with contextlib.suppress(services.DuplicatePost):
            services.thread_create(
                board=board,
                author=member,
                title="Where is my parcel today?",
                body="Tracking stopped.",
                language="en",
            )

    run_together([send] * 3)
    assert Thread.objects.filter(title="Where is my parcel today?").count() == 1


def test_the_same_report_four_times_at_once_is_one_report():
    from forum.models import Report

    reply, reporter = PostFactory(), UserFactory()
    run_together([lambda: services.post_report(post=reply, reporter=reporter, reason="spam")] * 4)
    assert Report.objects.filter(post=reply, reporter=reporter).count() == 1


def test_the_same_article_vote_four_times_at_once_is_one_vote(help_center):
    from kb import services as kb_services
    from kb.models import ArticleFeedback
    from tests.factories import FaqPageFactory, TopicPageFactory

    topic = TopicPageFactory(parent=help_center["en"], title="Orders", slug="orders")
    article = FaqPageFactory(parent=topic, title="Order questions", slug="order-questions")
    reader = UserFactory()
    run_together(
        [lambda: kb_services.feedback_record(page=article, helpful=False, user=reader)] * 4
    )
    assert ArticleFeedback.objects.filter(page=article, user=reader).count() == 1


def test_two_answers_promoted_into_one_faq_page_at_once_keep_both_questions(help_center):
    from kb.models import FaqPage
    from tests.factories import FaqPageFactory, TopicPageFactory

    topic = TopicPageFactory(parent=help_center["en"], title="Refunds", slug="refunds")
    faq = FaqPageFactory(parent=topic, title="Refund questions", slug="refund-questions")
    staff = in_group(UserFactory(), "Support staff")
    answers = []
    for title in ("When is my refund paid?", "Where does my refund go?"):
        answer = PostFactory(thread=ThreadFactory(title=title))
        services.reply_mark_official(reply=answer, by=staff)
        answers.append(answer)
    run_together(
        [
            lambda a=a: services.reply_promote_to_kb(
                reply=a, by=staff, into=faq, question=a.thread.title, answer="In 5 days."
            )
            for a in answers
        ]
    )
    draft = FaqPage.objects.get(pk=faq.pk).get_latest_revision_as_object()
    questions = [block.value["question"] for block in draft.items]
    assert set(questions[-2:]) == {"When is my refund paid?", "Where does my refund go?"}
