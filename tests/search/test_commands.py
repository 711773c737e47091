"""manage.py search_index rebuild | status | reconcile, and purge_search_log."""

import io

import pytest
from django.core.management import CommandError, call_command

from search.models import SearchDocument
from tests.search.contract import index_everything

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("search_index", *args, stdout=out)
    return out.getvalue()


def test_rebuild_indexes_everything_searchable(content, settings):
    settings.ELASTICSEARCH_URL = ""
    output = run("rebuild")
    # en: two FAQ questions, a policy, two threads; tr and de: one FAQ question each
    assert "7 documents in database" in output
    assert set(SearchDocument.objects.values_list("language", flat=True)) == {"en", "tr", "de"}
    assert "database: de: 1, en: 5, tr: 1" in run("status")


def test_reconcile_restores_missing_documents_and_removes_strays(content, settings):
    settings.ELASTICSEARCH_URL = ""
    index_everything()
    total = SearchDocument.objects.count()
    SearchDocument.objects.filter(kind="policy").delete()
    # A change the index never heard of (a bulk update sends no signals).
    from forum.models import Thread

    Thread.objects.filter(title="Parcel lost in transit").update(title="Parcel lost at the depot")
    SearchDocument.objects.create(
        key="thread:999999",
        source="thread:999999",
        language="en",
        kind="thread",
        title="Gone",
        url="/x",
    )
    output = run("reconcile")
    assert "database: 2 updated, 1 removed" in output
    assert SearchDocument.objects.count() == total
    assert SearchDocument.objects.filter(title="Parcel lost at the depot").exists()
    assert "0 updated, 0 removed" in run("reconcile")


def test_purge_search_log_keeps_only_the_retention_period(settings):
    from datetime import timedelta

    from django.utils import timezone

    from search.models import QueryLog

    settings.SEARCH_LOG_RETENTION_DAYS = 90
    old = QueryLog.objects.create(query="iade", language="tr", results=1, backend="database")
    recent = QueryLog.objects.create(query="refund", language="en", results=2, backend="database")
    QueryLog.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=91))
    QueryLog.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=89))
    out = io.StringIO()
    call_command("purge_search_log", stdout=out)
    assert list(QueryLog.objects.values_list("query", flat=True)) == ["refund"]
    assert "1 entries" in out.getvalue()
    call_command("purge_search_log", "--days", "30", stdout=io.StringIO())
    assert not QueryLog.objects.exists()
    QueryLog.objects.create(query="today", language="en", results=0, backend="database")
    out = io.StringIO()
    call_command("purge_search_log", "--days", "0", stdout=out)
    assert not QueryLog.objects.exists()
    assert "1 entries older than 0 days" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("purge_search_log", "--days", "-1", stdout=io.StringIO())


def test_reconcile_forgets_words_no_document_uses_any_more(
    content, settings, django_capture_on_commit_callbacks
):
    from forum import services
    from search.models import SearchTerm
    from tests.factories import PostFactory, ThreadFactory, UserFactory, in_group

    settings.ELASTICSEARCH_URL = ""
    post = PostFactory(thread=ThreadFactory(language="en"), body="a quokkaberry voucher")
    index_everything()
    assert SearchTerm.objects.filter(language="en", term="quokkaberry").exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.post_hide(post=post, by=in_group(UserFactory(), "Forum moderators"), reason="x")
    output = run("reconcile")
    assert not SearchTerm.objects.filter(language="en", term="quokkaberry").exists()
    assert SearchTerm.objects.filter(language="en", term="refund").exists()
    assert "words no document uses any more forgotten" in output


def test_a_release_step_waits_for_the_engine_then_still_levels_the_database(content, settings):
    """The deploy's release step runs ``reconcile --wait``: with the engine unreachable to
    the end it gives up after the wait, having brought the database index level first,
    and says why."""
    import time

    from search import api

    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    api.reset_backend()
    try:
        started = time.monotonic()
        with pytest.raises(CommandError, match="elasticsearch is unavailable"):
            run("reconcile", "--wait", "2")
        assert time.monotonic() - started >= 2
        assert SearchDocument.objects.filter(language="tr").exists()
    finally:
        api.reset_backend()
