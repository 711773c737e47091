"""Inviting a colleague, in real Chromium: the administrator invites from the Wagtail admin
at desktop width; the invitee opens the e-mailed link on a phone, in German, sets a name
and a password and lands in the support inbox, signed in. Axe checks the invitee's page."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import BLOCKING, assert_fits_width, run_axe, sign_in
from tests.factories import UserFactory, in_group

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_invites_support_staff_who_start_in_the_inbox(
    browser, live_server, help_center, axe_source
):
    in_group(UserFactory(), "Support staff")  # the group, as the migrations make it
    admin = UserFactory(email="chefin@example.com", is_superuser=True, is_staff=True)
    desk = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    desk.set_default_timeout(15_000)
    page = desk.new_page()
    sign_in(page, admin, "/admin/team/invitations/")
    page.get_by_label("Their e-mail address").fill("nora@example.com")
    page.get_by_label("Support staff").check()
    page.get_by_label("Language of the invitation").select_option("de")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("table.listing")).to_contain_text("nora@example.com")
    (sent,) = [m for m in mail.outbox if m.to == ["nora@example.com"]]
    link = re.search(r"/accounts/invitation/[\w-]+/", sent.body).group(0)

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, locale="en-US"
    )
    phone.set_default_timeout(15_000)
    invitee = phone.new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Im Team mitmachen")
    assert_fits_width(invitee)
    blocking = [v for v in run_axe(invitee, axe_source) if v["impact"] in BLOCKING]
    assert blocking == [], blocking
    invitee.locator("input[name=display_name]").fill("Nora Neu")
    invitee.locator("input[name=password1]").fill("kirmizi-Kalem-2026-lamba")
    invitee.locator("input[name=password2]").fill("kirmizi-Kalem-2026-lamba")
    invitee.get_by_role("button", name="Passwort festlegen und loslegen").click()
    invitee.wait_for_url("**/admin/support/")
    user = get_user_model().objects.get(email="nora@example.com")
    assert user.groups.filter(name="Support staff").exists()
    desk.close()
    phone.close()
