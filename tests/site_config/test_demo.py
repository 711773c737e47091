from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page, PageLogEntry, Revision, Site

from kb.models import HelpCenterPage


def _snapshot():
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "log": PageLogEntry.objects.count(),
        "users": get_user_model().objects.count(),
    }


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    out = StringIO()
    call_command("load_demo", stdout=out)
    first = _snapshot()
    call_command("load_demo", stdout=StringIO())
    assert _snapshot() == first
    assert "admin@example.com" in out.getvalue()


@pytest.mark.django_db
def test_demo_gives_each_language_a_home_linked_as_translations():
    call_command("load_demo", stdout=StringIO())
    homes = HelpCenterPage.objects.filter(depth=2).select_related("locale")
    assert sorted(h.locale.language_code for h in homes) == ["de", "en", "tr"]
    assert len({h.translation_key for h in homes}) == 1
    assert Site.objects.get(is_default_site=True).root_page.specific.locale.language_code == "en"


@pytest.mark.django_db
def test_demo_admin_signs_in_to_the_wagtail_admin_on_a_developer_machine(client, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    settings.DEBUG = False
    response = client.post(
        "/accounts/login/", {"login": "admin@example.com", "password": "helpcenter-demo"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_demo_admin_gets_a_random_password_outside_debug(client):
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "helpcenter-demo" not in out.getvalue()
    response = client.post(
        "/accounts/login/", {"login": "admin@example.com", "password": "helpcenter-demo"}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200
