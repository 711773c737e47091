"""The demo that ``make run`` shows (``manage.py load_demo``), loaded once for this package's
modules (the site, the knowledge base, the forum) inside a transaction rolled back after the
last of them, as a machine outside DEBUG would load it. ``tests/distribution.py`` keeps the
package's tests on one test worker, so a run loads it once."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from wagtail.models import Page, PageLogEntry, Revision

from forum import models as forum
from kb.models import PolicyVersion
from site_config import settings as project_settings


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker) -> str:
    """The command's output. The forum's new-member rule is the project's own (forum tests
    otherwise count age only)."""
    rule = {"FORUM_NEW_MEMBER_POSTS": project_settings.FORUM_NEW_MEMBER_POSTS}
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(**rule):
        cache.clear()  # rate-limit counters of earlier tests' members, whose ids come back
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


# What a second load must leave as it was, in every app.
COUNTED = (
    Page,
    Revision,
    PageLogEntry,
    PolicyVersion,
    get_user_model(),
    EmailAddress,
    forum.Profile,
    forum.Board,
    forum.BoardTranslation,
    forum.Thread,
    forum.ThreadTag,
    forum.Post,
    forum.Vote,
    forum.MeToo,
    forum.Subscription,
    forum.Report,
    forum.ModerationLog,
)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture(scope="package")
def loaded_again(demo, django_db_blocker) -> tuple[dict[str, int], dict[str, int]]:
    """The rows of every model in ``COUNTED`` before and after ``load_demo`` runs a second
    time over the demo (each app's module checks its own), rolled back after: the other
    tests see the demo loaded once, whatever ran before them."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = counts()
        call_command("load_demo", stdout=StringIO())
        after = counts()
        transaction.set_rollback(True)
    return before, after
