"""The issue's user stories, end to end in a real browser at phone and desktop widths.

Each journey acts through the interface only, as the person would; the database is read
only to check the outcome, and written only to set the scene (what already exists when
the person arrives: articles, threads, other people's posts).
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_width, open_menu
from tests.factories import PolicyPageFactory, TopicPageFactory, policy_sections

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def return_policy(help_center):
    """A Turkish return policy in its second version: the period went from 14 to 30 days."""
    topic = TopicPageFactory(parent=help_center["tr"], title="İade", slug="iade")
    policy = PolicyPageFactory(
        parent=topic,
        title="İade süresi ve koşulları",
        slug="iade-suresi",
        intro="Ürünü nasıl ve ne zamana kadar iade edebilirsiniz.",
        body=policy_sections(("İade süresi", "Ürünü 14 gün içinde iade edebilirsiniz.")),
    )
    policy.body = policy_sections(("İade süresi", "Ürünü 30 gün içinde iade edebilirsiniz."))
    policy.change_note = "İade süresi 14 günden 30 güne çıktı."
    policy.save_revision().publish()
    return policy


def test_a_customer_at_night_on_a_phone_finds_the_return_period_in_turkish(page, return_policy):
    """Types "iade süresi" in the header box, picks a suggestion, reads the policy, opens
    its change history, and says it helped."""
    from kb.models import ArticleFeedback

    page.goto("/tr/")
    box = page.locator("#hero-search-input")  # the home's one search box
    box.fill("iade süresi")
    header_search = page.get_by_role("search", name="Hangi konuda yardıma ihtiyacınız var?")
    suggestion = header_search.get_by_role("link", name="İade süresi ve koşulları")
    expect(suggestion).to_be_visible()
    suggestion.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("İade süresi ve koşulları")
    expect(page.get_by_text("Ürünü 30 gün içinde iade edebilirsiniz.")).to_be_visible()
    assert_fits_width(page)

    page.get_by_role("link", name="Neler değişti").click()
    expect(page.get_by_text("İade süresi 14 günden 30 güne çıktı.")).to_be_visible()
    page.get_by_role("button", name="Farkları göster").click()
    expect(page.locator("ins", has_text="30")).to_be_visible()
    page.get_by_role("link", name="Güncel sürümü okuyun").click()

    page.get_by_role("button", name="Evet", exact=True).click()
    expect(page.get_by_text("Bu makaleyi faydalı buldunuz.")).to_be_visible()
    assert ArticleFeedback.objects.filter(page=return_policy, helpful=True).count() == 1


def test_a_customer_who_found_nothing_asks_in_german_and_accepts_the_answer(
    page, browser, live_server, help_center
):
    """Signs up and confirms the e-mail, starts to ask, sees matching articles while
    typing, posts anyway (a new member's question waits for a moderator), gets an e-mail
    when someone answers, and marks that answer as the solution."""
    from forum import services
    from forum.models import Thread
    from tests.browser.conftest import sign_in
    from tests.factories import (
        BoardFactory,
        FaqPageFactory,
        PostFactory,
        UserFactory,
        faq_items,
        in_group,
    )

    topic = TopicPageFactory(parent=help_center["de"], title="Rücksendung", slug="rueck")
    FaqPageFactory(
        parent=topic,
        title="Fragen zur Rücksendung",
        slug="fragen",
        items=faq_items(("Wie funktioniert die Rücksendung?", "Drucke das Rücksendeetikett.")),
    )
    BoardFactory(name="Rücksendung", slug="ruecksendung")
    email = f"frage-{page.width_name}@example.com"
    mail.outbox.clear()

    page.goto("/de/")
    open_menu(page)
    page.get_by_role("link", name="Registrieren").click()
    page.get_by_label("Anzeigename").fill("Jana K.")
    page.get_by_label("E-Mail").fill(email)
    page.get_by_label(re.compile(r"^Passwort:?$")).fill("correct-horse-battery-staple")
    page.get_by_label("Passwort (Wiederholung)").fill("correct-horse-battery-staple")
    page.get_by_role("button", name="Registrieren").click()
    confirm = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    page.goto(confirm.group(1))
    page.get_by_role("button", name="Bestätigen").click()

    page.goto("/de/forum/")
    page.get_by_role("link", name="Frage stellen").first.click()
    page.wait_for_url("**/de/forum/ask/**")  # loaded: its script listens to the typing
    title = page.get_by_label("Deine Frage in einer Zeile")
    title.fill("Rücksendung Etikett")
    expect(page.get_by_role("link", name="Wie funktioniert die Rücksendung?")).to_be_visible()
    title.fill("Rücksendung: Etikett lässt sich nicht drucken")
    page.get_by_label("Details").fill("Der Drucker meldet einen Fehler beim Etikett.")
    page.get_by_role("button", name="Frage absenden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Rücksendung: Etikett lässt sich nicht drucken"
    )
    expect(page.get_by_text("wartet auf die Moderation")).to_be_visible()
    thread = Thread.objects.get(title="Rücksendung: Etikett lässt sich nicht drucken")
    assert thread.language == "de"

    # Elsewhere: a moderator lets the question through, and another member answers it.
    moderator = in_group(UserFactory(), "Forum moderators")
    services.post_approve(post=thread.posts.get(is_question=True), by=moderator)
    helper = UserFactory()
    PostFactory.create_batch(2, author=helper)  # a member whose answers no longer wait
    other = browser.new_context(base_url=live_server.url)
    other_page = other.new_page()
    sign_in(other_page, helper, thread.get_absolute_url())
    answer = other_page.get_by_role("textbox", name="Deine Antwort")
    answer.fill("Speichere das Etikett als PDF und drucke es.")
    other_page.get_by_role("button", name="Antwort absenden").click()
    expect(other_page.get_by_text("Speichere das Etikett als PDF")).to_be_visible()
    other.close()

    # Two e-mails about the question: it is public now, and it has an answer.
    to_asker = [m for m in mail.outbox if m.to == [email] and thread.title in m.subject]
    approved, answered = to_asker
    assert "öffentlich" in approved.subject and "Antwort" in answered.subject, to_asker
    link = re.search(r"https?://[^/\s]+(/de/forum/t/\S+)", answered.body)
    from_mail = page.context.new_page()  # the mail client opens the link in a new tab
    from_mail.goto(link.group(1))
    from_mail.get_by_role("button", name="Das hat mein Problem gelöst").click()
    expect(from_mail.locator(".solution-box")).to_contain_text("Speichere das Etikett als PDF")
    thread.refresh_from_db()
    assert thread.solution.author == helper
    assert_fits_width(from_mail)


def test_support_staff_answer_the_oldest_question_officially_and_start_an_faq_from_it(
    page, help_center
):
    """Finds the thread in the unanswered queue, answers, marks the answer official and
    promotes it, reworded, to a draft FAQ question in a new FAQ page of the board's topic,
    which stays unpublished for an editor."""
    from forum.models import KbPromotion, Thread
    from kb.models import FaqPage
    from tests.browser.conftest import sign_in
    from tests.factories import BoardFactory, ThreadFactory, UserFactory, in_group

    topic = TopicPageFactory(parent=help_center["en"], title="Gift cards", slug="gift-cards")
    board = BoardFactory(name="Gift cards", slug="gift-cards", topic=topic)
    ThreadFactory(board=board, title="Can I use two gift cards on one order?", language="en")
    staff = in_group(UserFactory(is_staff=True), "Support staff")

    sign_in(page, staff, "/en/forum/staff/")
    unanswered = page.get_by_role("region", name="Unanswered, oldest first")
    unanswered.get_by_role("link", name="Can I use two gift cards on one order?").click()
    page.get_by_role("textbox", name="Your answer").fill(
        "Yes: enter the second card's code after the first one at checkout."
    )
    page.get_by_role("button", name="Post answer").click()
    answer = page.locator("article", has_text="enter the second card's code")
    expect(answer).to_be_visible()
    answer.get_by_role("button", name="Mark as official answer").click()
    answer = page.locator("article", has_text="enter the second card's code")
    expect(answer).to_contain_text("Official answer")
    answer.get_by_role("link", name="Promote to knowledge base").click()
    expect(page.get_by_role("combobox", name="FAQ page")).to_have_value(f"topic-{topic.pk}")
    assert_fits_width(page)
    page.get_by_role("textbox", name="Answer").fill(
        "Yes: enter the second gift card's code after the first one at checkout."
    )
    page.get_by_role("button", name="Add the draft question").click()
    expect(page.get_by_text("A draft question was added")).to_be_visible()
    expect(
        page.get_by_role(
            "link", name="Promoted to “Can I use two gift cards on one order?” (draft)"
        )
    ).to_be_visible()
    assert_fits_width(page)

    thread = Thread.objects.get(title="Can I use two gift cards on one order?")
    assert thread.official_answer.author == staff
    promotion = KbPromotion.objects.get(post=thread.official_answer)
    faq = FaqPage.objects.get(pk=promotion.page_id)
    draft = faq.get_latest_revision_as_object()
    assert [item.value["question"] for item in draft.items] == [thread.title]
    assert "second gift card's code" in draft.items[0].value["answer"].source
    assert not faq.live  # an editor reviews it before anyone reads it


def test_a_moderator_stops_a_new_members_spam_before_anyone_sees_it(
    page, browser, live_server, help_center
):
    """A new member's spam question is held; the moderator bans them from the queue (which
    rejects what they were holding); the audit log shows both; the spam never reaches
    search, the board's watchers' e-mail or anyone's eyes."""
    from forum.models import ModerationLog, Post, Subscription
    from tests.browser.conftest import sign_in
    from tests.factories import BoardFactory, NewMemberFactory, UserFactory, in_group

    board = BoardFactory(name="Orders", slug="orders")
    watcher = UserFactory()
    Subscription.objects.create(user=watcher, board=board)
    spammer = NewMemberFactory()
    moderator = in_group(UserFactory(), "Forum moderators")
    mail.outbox.clear()

    spam = browser.new_context(base_url=live_server.url)
    spam_page = spam.new_page()
    sign_in(spam_page, spammer, "/en/forum/ask/")
    spam_page.get_by_label("Your question in one line").fill("Cheap quokkawatches for sale")
    spam_page.get_by_label("Details").fill("Buy quokkawatches now, best price guaranteed.")
    spam_page.get_by_role("button", name="Post question").click()
    expect(spam_page.get_by_text("waiting for a moderator")).to_be_visible()
    spam.close()

    sign_in(page, moderator, "/en/forum/moderation/")
    held = page.locator("article.queue-item", has_text="Cheap quokkawatches for sale")
    expect(held).to_contain_text("Buy quokkawatches now")
    held.get_by_label("Reason (for the log)").fill("Spam")
    held.get_by_role("button", name="Reject").click()
    expect(page.get_by_text("Cheap quokkawatches for sale")).to_have_count(0)

    # Then the member: from the log entry, to the post, to its author.
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("row", name=re.compile("Rejected")).get_by_role("link").click()
    page.locator(".post__author").get_by_role("link").first.click()
    page.get_by_role("link", name="Ban from posting").click()
    page.get_by_label("Reason (for the log)").fill("Spam for watches")
    page.get_by_role("button", name="Ban", exact=True).click()
    expect(page.get_by_text("This member is banned.")).to_be_visible()

    page.goto("/en/forum/moderation/log/")
    log = page.get_by_role("table")
    expect(log.get_by_role("row", name=re.compile("Banned"))).to_contain_text("Spam for watches")
    expect(log.get_by_role("row", name=re.compile("Rejected"))).to_contain_text("Spam")
    assert_fits_width(page)

    page.goto("/en/search/?q=quokkawatches")
    expect(page.locator(".no-results")).to_be_visible()
    page.goto(f"/en/forum/{board.slug}/")
    expect(page.get_by_text("quokkawatches")).to_have_count(0)
    assert not any("quokkawatches" in m.body or "quokkawatches" in m.subject for m in mail.outbox)
    spammer.forum_profile.refresh_from_db()
    assert spammer.forum_profile.is_banned
    assert not Post.objects.filter(author=spammer, visibility="visible").exists()
    actions = set(ModerationLog.objects.values_list("action", flat=True))
    assert {"ban", "reject"} <= actions


def tab_to(page, target, *, limit: int = 80) -> None:
    """Press Tab until ``target`` has the focus, checking at every stop that the focused
    element shows it (a visible outline or ring), as a keyboard user needs."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """() => {
                const el = document.activeElement;
                const style = getComputedStyle(el);
                const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
                const ring = style.boxShadow && style.boxShadow !== 'none';
                return {visible: el.matches(':focus-visible') && (outline || ring),
                        what: el.outerHTML.slice(0, 120)};
            }"""
        )
        assert state["visible"], f"focus is not visible on {state['what']}"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{target} never got the focus in {limit} Tab presses")


def test_the_turkish_customer_journey_with_the_keyboard_only(page, return_policy):
    """The first journey again without a mouse: every step by Tab, arrows and Enter, and
    the focus always visible."""
    from kb.models import ArticleFeedback

    page.goto("/tr/")
    tab_to(page, page.locator("#hero-search-input"))
    page.keyboard.type("iade süresi")
    home_search = page.get_by_role("search", name="Hangi konuda yardıma ihtiyacınız var?")
    suggestion = home_search.get_by_role("link", name="İade süresi ve koşulları")
    expect(suggestion).to_be_visible()
    page.keyboard.press("ArrowDown")
    expect(suggestion).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("İade süresi ve koşulları")

    tab_to(page, page.get_by_role("link", name="Neler değişti"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("İade süresi 14 günden 30 güne çıktı.")).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Farkları göster"))
    page.keyboard.press("Enter")
    expect(page.locator("ins", has_text="30")).to_be_visible()
    tab_to(page, page.get_by_role("link", name="Güncel sürümü okuyun"))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Ürünü 30 gün içinde iade edebilirsiniz.")).to_be_visible()

    tab_to(page, page.get_by_role("button", name="Evet", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_text("Bu makaleyi faydalı buldunuz.")).to_be_visible()
    assert ArticleFeedback.objects.filter(page=return_policy, helpful=True).count() == 1


TURKISH = {
    "Gift card questions": "Hediye kartı soruları",
    "Using and combining gift cards.": "Hediye kartlarını kullanma ve birleştirme.",
    "Can I use two gift cards on one order?": "Tek siparişte iki hediye kartı kullanabilir miyim?",
    "Yes: enter the second card after the first one at checkout.": (
        "Evet: ödeme adımında ilk karttan sonra ikinci kartı girin."
    ),
    "can-i-use-two-gift-cards-on-one-order": "iki-hediye-karti",
}


def test_an_editor_publishes_an_faq_through_review_and_translates_it(
    page, browser, live_server, help_center
):
    """Creates an FAQ page in the Wagtail admin and submits it for review; a moderator
    approves it, which publishes it; the editor translates it to Turkish in the translation
    editor, and the moderator publishes the translation; a customer searching in Turkish
    finds it a moment later."""
    from wagtail.models import Locale

    from kb.models import FaqPage
    from tests.browser.conftest import sign_in
    from tests.factories import UserFactory, editorial_roles

    groups = editorial_roles()
    topic = TopicPageFactory(parent=help_center["en"], title="Gift cards", slug="gift-cards")
    editor, moderator = UserFactory(), UserFactory()
    editor.groups.add(groups["Editors"])
    moderator.groups.add(groups["Moderators"])

    sign_in(page, editor, "/admin/")
    page.goto(f"/admin/pages/{topic.pk}/add_subpage/")
    page.get_by_role("link", name=re.compile("^FAQ page", re.I)).click()
    page.get_by_label(re.compile("^Title")).first.fill("Gift card questions")
    page.get_by_label(re.compile("^Summary")).fill("Using and combining gift cards.")
    page.get_by_role("button", name=re.compile("Insert a block", re.I)).first.click()
    page.get_by_label(re.compile("^Question")).first.fill("Can I use two gift cards on one order?")
    answer = page.locator("[contenteditable=true]").first
    answer.click()
    page.keyboard.type("Yes: enter the second card after the first one at checkout.")
    page.get_by_label(re.compile("^Question")).first.click()  # leave the editor: it saves
    page.wait_for_timeout(300)
    page.get_by_role("button", name=re.compile("More actions", re.I)).click()
    page.get_by_role("button", name="Submit to Moderators approval").click()
    expect(page.locator(".messages")).to_contain_text(re.compile("submitted", re.I))
    faq = FaqPage.objects.get(title="Gift card questions")
    assert not faq.live

    # The moderator reviews it and approves, which publishes it.
    review = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    review_page = review.new_page()
    sign_in(review_page, moderator, "/admin/")
    review_page.goto(f"/admin/pages/{faq.pk}/edit/")
    review_page.get_by_role("button", name=re.compile("More actions", re.I)).click()
    review_page.get_by_role("button", name="Approve and Publish").click()
    listed = review_page.get_by_role("row", name=re.compile("Gift card questions"))
    expect(listed).to_contain_text(re.compile("live", re.I))
    review.close()
    faq.refresh_from_db()
    assert faq.live

    # The editor translates it to Turkish.
    page.goto(f"/admin/pages/{faq.pk}/edit/")
    page.locator("header").get_by_role(
        "button", name=re.compile("Actions|More", re.I)
    ).first.click()
    page.get_by_role("link", name="Translate this page").click()
    page.get_by_label("Türkçe").check()
    page.get_by_role("button", name="Submit").click()
    page.wait_for_load_state()
    translate = page.get_by_role("button", name="Translate", exact=True)
    translate.first.wait_for()
    for _ in range(translate.count()):
        translate.first.click()
        box = page.locator("textarea:focus")
        segment = box.locator("xpath=ancestor::li[1]")
        source = next(s for s in TURKISH if s in segment.inner_text())
        box.fill(TURKISH[source])
        segment.get_by_role("button", name="Save").click()
        expect(page.get_by_text(TURKISH[source], exact=True)).to_be_visible()
    expect(translate).to_have_count(0)
    turkish = faq.get_translation(Locale.objects.get(language_code="tr"))

    # Saved segments are not published: a Turkish customer does not meet them yet.
    early = browser.new_context(base_url=live_server.url)
    early_reader = early.new_page()
    early_reader.goto("/tr/search/?q=iki+hediye+kart%C4%B1")
    expect(early_reader.locator("main")).not_to_contain_text("Tek siparişte iki hediye kartı")
    early.close()

    # Publishing is the moderator's: they publish the translation the editor wrote.
    review = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    review_page = review.new_page()
    sign_in(review_page, moderator, "/admin/")
    review_page.goto(f"/admin/pages/{turkish.pk}/edit/")
    review_page.get_by_role("button", name="Publish in Türkçe").click()
    expect(review_page.locator(".messages")).to_contain_text(re.compile("published", re.I))
    review.close()
    turkish.refresh_from_db()
    assert turkish.live and turkish.title == "Hediye kartı soruları"

    # A moment later, a customer in Turkish finds it.
    customer = browser.new_context(base_url=live_server.url)
    reader = customer.new_page()
    reader.goto("/tr/")
    reader.locator("#hero-search-input").fill("iki hediye kartı")
    reader.locator("#hero-search-input").press("Enter")
    reader.get_by_role("link", name="Tek siparişte iki hediye kartı kullanabilir miyim?").click()
    expect(reader.get_by_text("ilk karttan sonra ikinci kartı girin")).to_be_visible()
    customer.close()
