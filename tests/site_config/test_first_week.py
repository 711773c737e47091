"""What a shop's first week found on the demo, each with the test that failed before it was
fixed (issue "What a shop's first week would find"). Other items of that list are tested
beside what they touch: the admin for people without access (test_accounts), the policy
comparison (kb/test_policies), the thread's description (forum/test_thread_page), the
notifications (forum/test_notifications), the search log (search/test_pages), who is new
(forum/test_permissions), the blocks' templates (kb/test_pages)."""

from datetime import date, datetime

import pytest
from django.contrib.staticfiles import finders
from django.utils import formats, translation


@pytest.mark.parametrize(
    ("language", "short", "long"),
    [
        ("en", "3 Dec 2026", "3 December 2026"),
        ("de", "03.12.2026", "3. Dezember 2026"),
        ("tr", "03 Ara 2026", "03 Aralık 2026"),
    ],
)
def test_dates_read_one_way_in_each_language(language, short, long):
    """English lists said "12/03/2026" (3 December to an American, 12 March to a Briton)
    and articles "Dec. 3, 2026": one unambiguous form, long or short, per language."""
    day = date(2026, 12, 3)
    with translation.override(language):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == short
        assert formats.date_format(day, "DATE_FORMAT") == long
        stamp = formats.date_format(datetime(2026, 12, 3, 14, 5), "SHORT_DATETIME_FORMAT")
        assert stamp.startswith(short) and "14:05" in stamp


def test_the_site_has_an_icon_at_the_conventional_address_too(client, help_center):
    response = client.get("/favicon.ico")
    assert response.status_code == 302  # the shop may change its icon (Settings → Brand)
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg")
    page = client.get("/en/").content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
