"""Accessibility: axe-core (pinned in package.json, installed by ``make browser-deps``) on
every kind of page a customer meets, in each language, at phone and desktop widths. No
violation may remain (the bar is none of impact "serious" or "critical"; the lesser ones
are fixed too); rules are never switched off.

The pages are the demo's (real articles, threads and translations), so what is checked is
what a visitor of ``make run`` sees. Counts per page are written to
``test-artifacts/axe_summary_<width>.json`` for the record.
"""

import json
import os

import pytest
from django.core.management import call_command

from tests.browser.conftest import (
    ARTIFACTS,
    BLOCKING,
    WIDTHS,
    axe_on_every_page,
    run_axe,
    sign_in,
)
from tests.factories import UserFactory, in_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("en", "tr", "de")


SEARCHES = {"en": "refund", "tr": "iade", "de": "rücksendung"}
ANONYMOUS_ACCOUNT_PAGES = ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/")
MEMBER_PAGES = (
    "ask",
    "requests",
    "/accounts/profile/",
    "/accounts/email/",
    "/accounts/password/change/",
)
# Signed in as a member: their notifications, and the page /admin/ answers them (403).
MEMBER_FORUM_PAGES = {"notifications": 200, "/admin/": 403}
# Signed in as support staff and moderator: the tables they work from, and the form that
# promotes an official answer to the knowledge base ("promote").
STAFF_PAGES = ("staff/", "moderation/log/", "promote")


def check(page, url: str, axe_source: str, status: int = 200) -> list[dict]:
    response = page.goto(url)
    assert response.status == status, f"{url}: {response.status}"
    return run_axe(page, axe_source)


def reading_urls(language: str) -> dict[str, str]:
    """One page of each kind a customer reads, from the demo content."""
    from forum.models import Thread
    from kb.models import FaqPage, HowToVideoPage, PolicyPage

    def first_url(model) -> str:
        found = model.objects.live().public().filter(locale__language_code=language)
        return found.order_by("path").first().url

    thread = Thread.objects.filter(language=language).order_by("pk").first()
    return {
        "home": f"/{language}/",
        "faq": first_url(FaqPage),
        "video": first_url(HowToVideoPage),
        "policy": first_url(PolicyPage),
        "search results": f"/{language}/search/?q={SEARCHES[language]}",
        "search without results": f"/{language}/search/?q=zzqqxx",
        "forum": f"/{language}/forum/",
        "thread": thread.get_absolute_url(),
        "contact": f"/{language}/contact/",
        "contact, its answers and message": f"/{language}/contact/?subject={SEARCHES[language]}",
        "support request (solved, asking for a rating)": support_request_url(language),
    }


def support_request_url(language: str) -> str:
    """A solved request with a photo, the team's answer and "How did we do?" (with 0-10)."""
    import io
    from datetime import timedelta

    from django.utils import timezone
    from PIL import Image
    from wagtail.models import Site

    from support import attachments
    from support.models import Message, Request, SupportHours

    SupportHours.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"ask_recommend": True}
    )
    now = timezone.now()
    request, _created = Request.objects.get_or_create(
        reference=f"HC-AXE{language.upper()}-0000"[:12],
        defaults={
            "email": f"axe-{language}@example.com",
            "language": language,
            "subject": SEARCHES[language],
            "status": Request.Status.SOLVED,
            "confirmed_at": now,
            "first_response_due": now + timedelta(hours=4),
            "first_response_at": now,
            "solved_at": now,
        },
    )
    if _created:
        first = Message.objects.create(request=request, body=SEARCHES[language] + "?")
        photo = io.BytesIO()
        Image.new("RGB", (64, 48)).save(photo, "JPEG")
        attachments.store(first, [attachments.Checked("photo.jpg", "image/jpeg", photo.getvalue())])
        Message.objects.create(request=request, from_team=True, body="OK.")
    return f"/{language}/requests/{request.secret}/"


def promote_url(language: str) -> str:
    """The promote form of the first official answer in the language (the demo has some)."""
    from forum.models import Thread

    thread = Thread.objects.filter(language=language, official_answer__isnull=False)
    return f"/{language}/forum/p/{thread.order_by('pk').first().official_answer_id}/promote/"


# One test per width, so that the two halves of the sweep can run on two test workers.
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_no_serious_or_critical_violations_on_any_page(
    browser, live_server, axe_source, private_media, width_name
):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115, PTH123
    member = UserFactory()
    staff = in_group(in_group(UserFactory(is_staff=True), "Support staff"), "Forum moderators")
    found: dict[str, list[dict]] = {}
    width, height = WIDTHS[width_name]
    for language in LANGUAGES:
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        context.set_default_timeout(10_000)
        axe_on_every_page(context, axe_source)
        page = context.new_page()

        where = f"{width_name} {language}"
        for name, url in reading_urls(language).items():
            found[f"{where} {name}"] = check(page, url, axe_source)
        # Account pages have no language prefix: they follow the cookie set above.
        for url in ANONYMOUS_ACCOUNT_PAGES:
            found[f"{where} {url}"] = check(page, url, axe_source)
        sign_in(page, member, f"/{language}/forum/ask/")
        for url in MEMBER_PAGES:
            url = {"ask": f"/{language}/forum/ask/", "requests": f"/{language}/requests/"}.get(
                url, url
            )
            found[f"{where} {url}"] = check(page, url, axe_source)
        for url, status in MEMBER_FORUM_PAGES.items():
            url = f"/{language}/forum/{url}/" if not url.startswith("/") else url
            found[f"{where} {url}"] = check(page, url, axe_source, status)
        context.close()
        context = browser.new_context(
            viewport={"width": width, "height": height}, base_url=live_server.url
        )
        axe_on_every_page(context, axe_source)
        page = context.new_page()
        sign_in(page, staff, f"/{language}/forum/staff/")
        for url in STAFF_PAGES:
            url = promote_url(language) if url == "promote" else f"/{language}/forum/{url}"
            found[f"{where} {url}"] = check(page, url, axe_source)
        context.close()

    ARTIFACTS.mkdir(exist_ok=True)
    summary = {
        page: {
            "serious_or_critical": sum(v["impact"] in BLOCKING for v in violations),
            "other": [
                f"{v['id']} ({v['impact']})" for v in violations if v["impact"] not in BLOCKING
            ],  # noqa: E501
        }
        for page, violations in found.items()
    }
    summary_file = ARTIFACTS / f"axe_summary_{width_name}.json"
    summary_file.write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    # The bar is no serious or critical violation; every page is clean of the
    # lesser ones too, and stays so: a new violation of any impact fails here.
    per_language = len(reading_urls("en")) + len(ANONYMOUS_ACCOUNT_PAGES) + len(MEMBER_PAGES)
    per_language += len(MEMBER_FORUM_PAGES) + len(STAFF_PAGES)
    assert len(found) == len(LANGUAGES) * per_language
    assert not any(found.values()), json.dumps(
        {page: v for page, v in found.items() if v}, indent=1, ensure_ascii=False
    )
