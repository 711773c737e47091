"""manage.py search_index rebuild | status | reconcile, and purge_search_log."""

import io

import pytest
from django.core.management import call_command

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
    SearchDocument.objects.create(key="thread:999999", source="thread:999999", language="en",
                                  kind="thread", title="Gone", url="/x")  # fmt: skip
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
