"""Customers and staff in the community forum, in a real browser at phone and desktop widths."""

import pytest
from playwright.sync_api import expect

from forum import services
from forum.models import Thread
from tests.browser.conftest import ARTIFACTS, assert_fits_width, sign_in
from tests.factories import (
    BoardFactory,
    PostFactory,
    ThreadFactory,
    UserFactory,
    in_group,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_sees_matching_answers_while_typing_then_asks(page, help_center):
    board = BoardFactory(name="Returns", slug="returns")
    solved = ThreadFactory(board=board, title="Refund for returned sneakers is late")
    reply = PostFactory(thread=solved, body="Refunds take five working days.")
    services.reply_accept(reply=reply, by=solved.author)
    member = UserFactory()
    sign_in(page, member, "/en/forum/ask/")

    page.get_by_label("Your question in one line").fill("refund sneakers")
    suggestion = page.get_by_role("link", name="Refund for returned sneakers is late")
    expect(suggestion).to_be_visible()
    page.get_by_label("Your question in one line").fill(
        "My refund for the sneakers has not arrived"
    )
    page.get_by_label("Details").fill("I sent them back **two weeks** ago.")
    page.get_by_role("button", name="Post question").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "My refund for the sneakers has not arrived"
    )
    expect(page.locator(".post--question strong")).to_have_text("two weeks")
    assert Thread.objects.filter(author=member).count() == 1
    assert_fits_width(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"forum-question-{page.width_name}.png"), full_page=True)


def test_answer_marked_official_and_solution_read_well_on_every_width(page, help_center):
    thread = ThreadFactory(title="Can I return a gift without the receipt?")
    member_answer = PostFactory(thread=thread, body="I did it with the order number.")
    staff = in_group(UserFactory(), "Support staff")
    official = PostFactory(
        thread=thread,
        author=staff,
        body="Yes. Bring the **order number** or the gift receipt.\n\n- any store\n- 30 days",
    )
    services.reply_accept(reply=member_answer, by=thread.author)
    services.reply_mark_official(reply=official, by=staff)
    voter = UserFactory()
    sign_in(page, voter, thread.get_absolute_url())

    expect(page.locator(".solution-box")).to_contain_text("I did it with the order number.")
    first_answer = page.locator(".answers article").first
    expect(first_answer).to_contain_text("Official answer")
    expect(first_answer).to_contain_text("Bring the order number")
    answer_box = page.locator(f"#post-{member_answer.pk}")
    answer_box.get_by_role("button", name="Helpful", exact=True).click()
    expect(page.locator(f"#post-{member_answer.pk} .post__votes")).to_have_text(
        "1 found this helpful"
    )
    assert_fits_width(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"forum-thread-{page.width_name}.png"), full_page=True)
