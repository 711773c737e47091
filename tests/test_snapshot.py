"""The test suite's recorded fixtures (``tests/snapshot.py``): a replay must leave every table
exactly as the loader it was recorded from left it, or the tests that use it test something
else than they say."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from tests import conftest, snapshot
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _everything() -> dict:
    """Every table the models have, the ones triggers fill included, row by row."""
    tables = {
        model._meta.db_table: model._meta.pk.column
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    return {table: snapshot._rows(table, pk)[1] for table, pk in sorted(tables.items())}


def _fresh() -> snapshot.Replayed:
    return snapshot.Replayed(conftest._load_help_center, key=conftest.what_the_help_center_reads)


def test_a_replay_leaves_every_table_as_the_loader_left_it():
    built = []

    def build():
        conftest._load_help_center()
        built.append(_everything())

    before = _everything()
    recording = snapshot.record(build, snapshot._tables())
    assert _everything() == before  # the recording itself changes nothing

    with transaction.atomic():
        recording.replay()
        replayed = _everything()
        transaction.set_rollback(True)
    assert replayed == built[0]
    changed = {change.table for change in recording.changes}
    assert {"wagtailcore_page", "wagtailcore_locale", "auth_user"} <= changed
    if connection.vendor == "sqlite":  # the full-text rows came from the triggers
        assert replayed["wagtailsearch_indexentry_fts"]


def test_the_help_center_is_recorded_once_per_state_and_then_replayed(monkeypatch):
    loader = _fresh()
    calls = []
    monkeypatch.setattr(loader, "build", lambda: calls.append(1) or conftest._load_help_center())

    for _ in range(3):
        with transaction.atomic():
            loader()
            assert conftest.HelpCenterPage.objects.filter(depth=2).count() == 3
            transaction.set_rollback(True)
    assert len(calls) == 1 and len(loader.recordings) == 1

    # A user made first: the administrator the recording holds could take its key, so this
    # state gets a recording of its own.
    with transaction.atomic():
        first = UserFactory()
        loader()
        assert set(conftest.HelpCenterPage.objects.values_list("locale__language_code", flat=True))
        assert first.pk != get_user_model().objects.get(email="admin@example.com").pk
        transaction.set_rollback(True)
    assert len(calls) == 2 and len(loader.recordings) == 2


def test_settings_the_loader_reads_are_part_of_what_is_recorded(settings):
    loader = _fresh()
    with transaction.atomic():
        loader()
        transaction.set_rollback(True)
    settings.BASE_URL = "https://help.example.org"
    with transaction.atomic():
        loader()
        from wagtail.models import Site

        assert Site.objects.get(is_default_site=True).hostname == "help.example.org"
        transaction.set_rollback(True)
    assert len(loader.recordings) == 2
