import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Locale

from kb.models import HelpCenterPage
from tests import engines, snapshot

_SERVICES = pytest.StashKey[Path]()

# The marks that decide where and in which run a test goes (no_database, xdist_group).
pytest_plugins = ["tests.distribution"]


def pytest_configure(config):
    """The run's folder for the servers its test workers share (search engines, S3Proxy:
    ``tests.engines.shared``), made by the controlling process; xdist's workers inherit it."""
    if hasattr(config, "workerinput"):
        return
    folder = Path(tempfile.mkdtemp(prefix="helpcenter-test-services-"))
    os.environ[engines.SHARED] = str(folder)
    config.stash[_SERVICES] = folder


def pytest_unconfigure(config):
    """After the last worker: the shared servers stopped, their data removed."""
    folder = config.stash.get(_SERVICES, None)
    if folder is not None:
        engines.stop_shared(folder)
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(engines.SHARED, None)


class _Quiet:
    """Stands in for a management command's output when demo loaders run in fixtures."""

    class style:  # noqa: N801 - mirrors BaseCommand.style
        WARNING = SUCCESS = staticmethod(lambda text: text)

    class stdout:  # noqa: N801
        write = staticmethod(lambda *args, **kwargs: None)


def _load_help_center() -> None:
    from kb import demo as kb_demo
    from site_config import demo as site_demo

    site_demo.load(_Quiet())
    home = kb_demo._ensure_english_home()
    for code in ("tr", "de"):
        locale = Locale.objects.get(language_code=code)
        kb_demo._ensure_home_translation(home, locale, kb_demo.HOMES[code])


def what_the_help_center_reads():
    """The settings the help center basics are built under (a replay's key; the search
    tests' content, built on them, replays under the same)."""
    from django.conf import settings

    return (settings.BASE_URL, settings.LANGUAGES, settings.WAGTAIL_CONTENT_LANGUAGES)


# Locales, groups, the admin and one help center home per language (the demo basics, without
# the demo articles): the demo's own loaders the first time in a test process, their rows
# replayed after that (tests/snapshot.py says when).
load_help_center = snapshot.Replayed(_load_help_center, key=what_the_help_center_reads)


@contextmanager
def built_once_for_the_module(django_db_blocker, build):
    """For a module-scoped fixture: the help center and what ``build()`` makes, created
    once inside a transaction (as Django's setUpTestData does) and rolled back after the
    module; each test runs in a savepoint inside it and sees the data as built. Yields
    what ``build()`` returned (ids: the tests fetch fresh objects)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_help_center()
            built = build()
            from site_config.management.commands.load_demo import analyze

            analyze()  # PostgreSQL plans by what is there now (see ``analyze``)
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def help_center(db):
    load_help_center()
    return {
        page.locale.language_code: page
        for page in HelpCenterPage.objects.select_related("locale").filter(depth=2)
    }


@pytest.fixture
def compiled_catalogs():
    call_command("compile_catalogs", verbosity=0)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters, cached pages and uncounted views live in the cache (or, for
    views, the process): no test sees another's."""
    from django.core.cache import cache

    from kb import view_counts

    cache.clear()
    view_counts.clear()
    yield
    cache.clear()
    view_counts.clear()


@pytest.fixture(autouse=True)
def _one_rate_limit_window(monkeypatch):
    """The project's rate limits count in fixed windows (``site_config.ratelimit``): a test
    that posts three times across a minute boundary would see its counter start again and
    its third post let through. Within a test, the limiter's clock stands still, so every
    test runs inside one window whatever the hour (a flake CI met at 346 s)."""
    import types

    from site_config import ratelimit

    started = time.time()
    monkeypatch.setattr(ratelimit, "time", types.SimpleNamespace(time=lambda: started))


@pytest.fixture
def unused_tcp_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request handled in one test must not
    leave its language active for the next (reverse() follows the active language)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def private_media(monkeypatch, tmp_path):
    """Support attachments land in a folder of the test's own, thrown away after it (the
    field's storage is fixed when models load, so the field is pointed there)."""
    from django.core.files.storage import FileSystemStorage

    from support.models import Attachment

    location = tmp_path / "private"
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=location, base_url=None))
    return location
