"""The demo forum that ``make run`` shows: boards, members and weeks of threads in three
languages, loaded through the forum's services."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from forum import permissions, selectors
from forum.demo import check, content, demo_threads
from forum.models import Board, ModerationLog, Post, Report
from forum.models.threads import Visibility
from site_config import settings as project_settings

LANGUAGES = ("en", "tr", "de")

# The marker also makes pytest-django set up the test database when this module runs alone.
pytestmark = pytest.mark.django_db


def test_demo_forum_shows_every_kind_of_thread_in_every_language(demo, django_db_blocker, client):
    assert check(content()) == []
    with django_db_blocker.unblock():
        threads = demo_threads()
        visible = threads.filter(visibility=Visibility.VISIBLE)
        for language in LANGUAGES:
            assert visible.filter(language=language).count() >= 4, language
        assert visible.filter(solution__isnull=False).exists()
        assert visible.filter(official_answer__isnull=False).exists()
        assert (
            visible.filter(solution__isnull=False, official_answer__isnull=False)
            .exclude(solution=F("official_answer"))
            .exists()
        ), "an asker who chose another reply than the official answer"
        assert visible.filter(reply_count=0).exists()
        assert visible.filter(me_too_count__gt=0).exists()
        assert Post.objects.filter(thread__in=threads, helpful_count__gt=0).exists()

        # Counts and dates are the services' own, over the last weeks and never in the future.
        now = timezone.now()
        for thread in threads:
            posts = list(thread.posts.filter(visibility=Visibility.VISIBLE))
            assert thread.reply_count == sum(not p.is_question for p in posts), thread.title
            assert thread.me_too_count == thread.me_toos.count()
            assert all(p.created_at >= thread.created_at for p in posts)
            if posts:
                assert thread.last_activity_at == max(p.created_at for p in posts)
            assert thread.created_at < now
        assert threads.order_by("created_at").first().created_at < now - timedelta(days=14)

        # A German thread says the same as an English one.
        english = {t.translation_key for t in visible.filter(language="en")}
        assert visible.filter(language="de", translation_key__in=english).exists()

        # One post waits for a moderator: a brand-new member's.
        held = list(selectors.held_posts())
        assert len(held) == 1
        assert held[0].thread in threads and permissions.is_new_member(held[0].author)
        # One open report, with its reason and note.
        reports = list(selectors.open_reports())
        assert len(reports) == 1
        assert reports[0].reason == Report.Reason.PERSONAL and reports[0].note
        assert reports[0].post.is_visible

        # The team: support staff give the official answers; a moderator approved the posts.
        official = Post.objects.filter(pk__in=threads.values("official_answer"))
        assert all(permissions.is_support_staff(post.author) for post in official)
        assert official.filter(author__forum_profile__display_name="Deniz from Support").exists()
        assert any(
            permissions.is_moderator(u) for u in get_user_model().objects.filter(is_staff=True)
        )
        assert not EmailAddress.objects.filter(verified=False).exists()
        if project_settings.FORUM_NEW_MEMBER_POSTS:
            # Customers of less than FORUM_ESTABLISHED_DAYS waited for the moderator, who
            # approved them; older accounts posted straight away.
            approved = ModerationLog.objects.filter(
                action=ModerationLog.Action.APPROVE, thread__in=threads
            )
            young = timezone.now() - timedelta(days=project_settings.FORUM_ESTABLISHED_DAYS)
            waited = (
                Post.objects.filter(thread__in=threads, visibility=Visibility.VISIBLE)
                .exclude(author__is_staff=True)
                .filter(author__date_joined__gt=young)
            )
            assert waited.count() >= 2, "the demo shows approvals"
            assert set(approved.values_list("post", flat=True)) == set(
                waited.values_list("pk", flat=True)
            ), "the young customers' first posts, approved"

        # A board per knowledge base topic, named in every language, and one without a topic.
        boards = Board.objects.filter(slug__in=[b["slug"] for b in content()["boards"]])
        assert boards.filter(topic__isnull=True).count() == 1
        assert boards.filter(topic__isnull=False).count() >= 4
        for board in boards:
            assert set(board.translations.values_list("language", flat=True)) == {"tr", "de"}

        # Markdown replies become lists and links, and the links lead to real pages.
        rendered = Post.objects.filter(thread__in=threads, body_html__contains="<ul>")
        links = set()
        for post in rendered.filter(body_html__contains="<a href="):
            links |= set(re.findall(r'href="(/[^"#]*)', post.body_html))
        assert links
        thread_pages = [t.get_absolute_url() for t in visible[:3]]
        for url in sorted(links) + thread_pages:
            assert client.get(url).status_code == 200, url

    assert "forum: 5 boards, 16 threads, 1 held post, 1 open report" in demo


def test_loading_the_demo_again_changes_nothing(loaded_again):
    before, after = loaded_again
    forum = ("User", "EmailAddress", "Profile", "Board", "BoardTranslation", "Thread")
    forum += ("ThreadTag", "Post", "Vote", "MeToo", "Subscription", "Report", "ModerationLog")
    for model in forum:
        assert after[model] == before[model], model
