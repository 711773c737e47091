"""A customer reading the knowledge base in a real browser, at phone and desktop widths."""

import re

import pytest
from playwright.sync_api import expect

from kb.models import ArticleFeedback
from tests.browser.conftest import assert_fits_width
from tests.factories import (
    FaqPageFactory,
    HowToVideoPageFactory,
    PolicyPageFactory,
    TopicPageFactory,
    policy_sections,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def topic(help_center):
    return TopicPageFactory(parent=help_center["en"], title="Shipping", slug="shipping")


def test_a_linked_question_opens_and_answers_stay_readable(page, topic):
    faq = FaqPageFactory(parent=topic, title="Delivery questions", slug="delivery")
    page.goto(f"{faq.url}#what-does-shipping-cost")

    answer = page.get_by_text("Shipping is free from 50 euros.")
    expect(answer).to_be_visible()
    other = page.get_by_text("Two to four business days.")
    expect(other).to_be_hidden()
    page.get_by_text("How long does delivery take?", exact=True).last.click()
    expect(other).to_be_visible()
    assert_fits_width(page)


def test_the_video_player_loads_only_when_asked(page, topic):
    guide = HowToVideoPageFactory(parent=topic, title="Track a parcel", slug="track")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    # The provider is never reached from this sandbox; answer locally so the test is about us.
    page.route(re.compile(r"https://www\.youtube-nocookie\.com/.*"), lambda r: r.fulfill(body="ok"))
    page.goto(guide.url)

    expect(page.locator("iframe")).to_have_count(0)
    assert not [u for u in requests if "youtube" in u]
    expect(page.get_by_role("heading", name="Step by step")).to_be_visible()

    page.get_by_role("link", name="Play video").click()
    expect(page.locator("iframe.video__frame")).to_have_attribute(
        "src", re.compile(r"youtube-nocookie\.com/embed/aBcDeFgHiJk\?autoplay=1")
    )
    assert_fits_width(page)


def test_chapter_link_starts_the_player_at_that_time(page, topic):
    guide = HowToVideoPageFactory(parent=topic, title="Track a parcel", slug="track")
    page.route(re.compile(r"https://www\.youtube-nocookie\.com/.*"), lambda r: r.fulfill(body="ok"))
    page.goto(guide.url)
    page.get_by_role("link", name=re.compile("Tracking")).click()
    expect(page.locator("iframe.video__frame")).to_have_attribute("src", re.compile(r"start=75"))


def test_voting_not_helpful_then_explaining(page, topic):
    faq = FaqPageFactory(parent=topic, title="Delivery questions", slug="delivery")
    page.goto(faq.url)
    page.get_by_role("button", name="No", exact=True).click()
    page.get_by_label("What was wrong?").select_option("outdated")
    page.get_by_label("Anything else? (optional)").fill("The prices changed.")
    page.get_by_role("button", name="Send feedback").click()

    expect(page.get_by_text("Your feedback goes to the team")).to_be_visible()
    feedback = ArticleFeedback.objects.get(page=faq)
    assert (feedback.helpful, feedback.reason, feedback.comment) == (
        False,
        "outdated",
        "The prices changed.",
    )


def test_reader_compares_two_versions_of_a_policy(page, topic):
    policy = PolicyPageFactory(parent=topic, title="Returns policy", slug="returns-policy")
    policy.body = policy_sections(("Return window", "You can return items within 30 days."))
    policy.change_note = "Thirty days instead of fourteen."
    policy.save_revision().publish()

    page.goto(policy.url)
    page.get_by_role("link", name="What changed").click()
    expect(page.get_by_text("Thirty days instead of fourteen.")).to_be_visible()
    page.get_by_role("button", name="Show differences").click()
    expect(page.locator("del", has_text="within 14 days")).to_be_visible()
    expect(page.locator("ins", has_text="within 30 days")).to_be_visible()
    assert_fits_width(page)
