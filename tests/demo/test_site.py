"""``manage.py load_demo``: what every app's demo adds up to (loaded once for the package:
``tests/demo/conftest.py``)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Site

from kb.models import HelpCenterPage
from site_config import demo as site_demo


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(demo, loaded_again):
    before, after = loaded_again
    for model in ("Page", "Revision", "PageLogEntry", "User"):
        assert after[model] == before[model], model
    assert "admin@example.com" in demo


@pytest.mark.django_db
def test_demo_gives_each_language_a_home_linked_as_translations(demo):
    homes = HelpCenterPage.objects.filter(depth=2).select_related("locale")
    assert sorted(h.locale.language_code for h in homes) == ["de", "en", "tr"]
    assert len({h.translation_key for h in homes}) == 1
    assert Site.objects.get(is_default_site=True).root_page.specific.locale.language_code == "en"


@pytest.mark.django_db
def test_demo_admin_gets_a_random_password_outside_debug(demo, client):
    assert site_demo.DEV_ADMIN_PASSWORD not in demo
    response = client.post(
        "/accounts/login/", {"login": "admin@example.com", "password": site_demo.DEV_ADMIN_PASSWORD}
    )
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


@pytest.mark.django_db
def test_demo_admin_signs_in_to_the_wagtail_admin_on_a_developer_machine(demo, client, settings):
    """On a machine with DEBUG the admin the demo makes has the known password (the site
    step of the demo, on a database without that admin yet)."""
    get_user_model().objects.filter(email=site_demo.ADMIN_EMAIL).delete()
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    settings.DEBUG = False
    assert f"{site_demo.ADMIN_EMAIL} / {site_demo.DEV_ADMIN_PASSWORD}" in out.getvalue()
    response = client.post(
        "/accounts/login/", {"login": "admin@example.com", "password": site_demo.DEV_ADMIN_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_demo_gives_a_flushed_database_its_team_groups_back(demo):
    """A flushed database (``flush``; a transactional test before the accessibility run)
    lost the groups forum migration 0003 made: the demo's team would then be ordinary
    members, and their reserved names refused."""
    from django.contrib.auth.models import Group

    Group.objects.filter(name__in=site_demo.STAFF_GROUPS).delete()
    call_command("load_demo", stdout=StringIO())
    for name, permission_names in site_demo.STAFF_GROUPS.items():
        granted = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=name).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert set(permission_names) <= granted, name
