"""Promoting an official answer to the knowledge base: staff pick the FAQ page, reword the
question and the answer, and the draft goes to Wagtail's review without going live."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import PageLogEntry, WorkflowPage, WorkflowState

from forum import services
from forum.models import KbPromotion, ModerationLog
from kb.models import FaqPage
from tests.factories import (
    BoardFactory,
    FaqPageFactory,
    PostFactory,
    ThreadFactory,
    TopicPageFactory,
    UserFactory,
    faq_items,
    in_group,
)

pytestmark = pytest.mark.django_db

ANSWER = "Hi Jane Doe, yes: send it back with the **order number** 4711-2 and we refund you."
REWORDED = "Yes: send it back with your **order number** and we refund you."


@pytest.fixture
def shop(help_center):
    """Two topics with a FAQ page each; the thread's board is linked to "Returns", but its
    answer belongs in the refunds FAQ."""
    returns = TopicPageFactory(parent=help_center["en"], title="Returns", slug="returns")
    refunds = TopicPageFactory(parent=help_center["en"], title="Refunds", slug="refunds")
    staff = in_group(UserFactory(is_staff=True), "Support staff")
    thread = ThreadFactory(
        board=BoardFactory(topic=returns), title="Do I get my money back for a return?"
    )
    answer = PostFactory(thread=thread, author=staff, body=ANSWER)
    services.reply_mark_official(reply=answer, by=staff)
    return {
        "returns": returns,
        "refunds": refunds,
        "returns_faq": FaqPageFactory(parent=returns, title="Returns FAQ", slug="returns-faq"),
        "refunds_faq": FaqPageFactory(parent=refunds, title="Refunds FAQ", slug="refunds-faq"),
        "staff": staff,
        "thread": thread,
        "answer": answer,
    }


def _url(answer) -> str:
    return reverse("forum:promote", kwargs={"post_id": answer.pk})


def _promote(client, reply, into, **fields):
    """POST the form: into a FAQ page (or a new one in a topic), the thread's title as the
    question and the reworded answer unless ``fields`` say otherwise."""
    value = f"faq-{into.pk}" if isinstance(into, FaqPage) else f"topic-{into.pk}"
    form = {"page": value, "question": reply.thread.title, "answer": REWORDED} | fields
    return client.post(_url(reply), form)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _draft_items(page) -> list[dict]:
    draft = FaqPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    return [block.value for block in draft.items]


def test_staff_promote_official_answer_to_a_draft_faq_question(client, shop):
    client.force_login(shop["staff"])
    response = _promote(client, shop["answer"], shop["refunds_faq"])

    assert response.status_code == 302
    promotion = KbPromotion.objects.get()
    assert promotion.page_id == shop["refunds_faq"].pk
    faq = FaqPage.objects.get(pk=shop["refunds_faq"].pk)
    live_questions = [item["question"] for item in faq.questions()]
    assert "Do I get my money back for a return?" not in live_questions  # still a draft
    item = _draft_items(faq)[-1]
    assert item["question"] == "Do I get my money back for a return?"
    assert "<strong>order number</strong>" in item["answer"].source
    assert item["anchor"] == promotion.anchor == "do-i-get-my-money-back-for-a-return"
    assert PageLogEntry.objects.filter(page=faq, action="forum.promote").exists()
    assert ModerationLog.objects.filter(action="promote", post=shop["answer"]).exists()


def test_staff_choose_the_faq_page_the_draft_goes_to(client, shop):
    client.force_login(shop["staff"])
    _promote(client, shop["answer"], shop["refunds_faq"])

    assert KbPromotion.objects.get().page_id == shop["refunds_faq"].pk
    assert [i["question"] for i in _draft_items(shop["returns_faq"])] == [
        "How long does delivery take?",
        "What does shipping cost?",
    ]


def test_the_form_lists_the_threads_language_faq_pages_by_topic_the_boards_first(
    client, shop, help_center
):
    sub = TopicPageFactory(parent=shop["refunds"], title="Card refunds", slug="card-refunds")
    FaqPageFactory(parent=sub, title="Card refund FAQ", slug="card-refund-faq", publish=False)
    FaqPageFactory(parent=TopicPageFactory(parent=help_center["de"]), title="Rückgabe-FAQ")
    shop["refunds_faq"].create_alias(parent=shop["returns"], update_slug="refunds-faq-copy")
    client.force_login(shop["staff"])

    response = client.get(_url(shop["answer"]))

    assert response.status_code == 200
    field = response.context["form"]["page"]
    groups = [
        (label, [text for _value, text in options]) for label, options in field.field.choices[1:]
    ]
    assert groups == [
        ("Returns", ["Returns FAQ", "New FAQ page in “Returns”"]),
        ("Refunds", ["Refunds FAQ", "New FAQ page in “Refunds”"]),
        (
            "Refunds › Card refunds",
            ["Card refund FAQ (not published yet)", "New FAQ page in “Refunds › Card refunds”"],
        ),
    ]
    assert field.value() == f"faq-{shop['returns_faq'].pk}"  # preselected
    html = response.content.decode()
    assert '<optgroup label="Returns">' in html
    assert f'<option value="faq-{shop["returns_faq"].pk}" selected>Returns FAQ</option>' in html


def _form_queries(client, url, django_assert_max_num_queries):
    for _warm in range(2):  # per-process caches (brand, site settings) settle in two
        client.get(url)
    with django_assert_max_num_queries(16) as queries:
        response = client.get(url)
    return len(queries.captured_queries), response.content.decode()


def test_the_form_page_runs_the_same_queries_for_two_faq_pages_or_thirty(
    client, shop, help_center, django_assert_max_num_queries
):
    client.force_login(shop["staff"])
    url = _url(shop["answer"])
    few, _html = _form_queries(client, url, django_assert_max_num_queries)
    for n in range(7):
        topic = TopicPageFactory(parent=help_center["en"], title=f"Topic {n}", slug=f"topic-{n}")
        for m in range(4):
            FaqPageFactory(parent=topic, title=f"FAQ {n}.{m}", slug=f"faq-{n}-{m}", publish=m % 2)
    many, html = _form_queries(client, url, django_assert_max_num_queries)
    assert html.count("<option") == 1 + 30 + 9  # "choose", the pages, a new page per topic
    assert few == many


def test_staff_reword_the_question_and_the_answer_before_saving(client, shop):
    client.force_login(shop["staff"])
    form = client.get(_url(shop["answer"])).context["form"]
    assert form["question"].value() == "Do I get my money back for a return?"
    assert form["answer"].value() == ANSWER

    _promote(
        client, shop["answer"], shop["returns_faq"], question="Do I get a refund for a return?"
    )

    item = _draft_items(shop["returns_faq"])[-1]
    assert item["question"] == "Do I get a refund for a return?"
    assert item["answer"].source == (
        "<p>Yes: send it back with your <strong>order number</strong> and we refund you.</p>"
    )


def test_errors_show_the_form_again_with_what_was_typed(client, shop):
    client.force_login(shop["staff"])
    typed = "Yes, we refund you within 14 days of receiving the parcel."

    response = _promote(client, shop["answer"], shop["refunds_faq"], question="", answer=typed)

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["question"] and "answer" not in form.errors
    assert typed in response.content.decode()
    assert f'value="faq-{shop["refunds_faq"].pk}" selected' in response.content.decode()
    assert not KbPromotion.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"question": "x" * 256}, "question"),
        ({"answer": ""}, "answer"),
        ({"answer": "![](https://tracker.example/pixel.png)"}, "answer"),  # nothing left
        ({"page": ""}, "page"),
    ],
)
def test_the_question_and_answer_are_checked(client, shop, data, field):
    client.force_login(shop["staff"])
    response = _promote(client, shop["answer"], shop["refunds_faq"], **data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not KbPromotion.objects.exists()


def test_reviewers_are_emailed_when_the_page_has_a_workflow(client, shop, mailoutbox):
    reviewer = UserFactory(email="reviewer@example.com")
    reviewer.groups.add(Group.objects.get(name="Moderators"))  # Wagtail's approval group
    faq = shop["returns_faq"]
    assert faq.get_workflow() is not None  # Wagtail's "Moderators approval", on every page
    client.force_login(shop["staff"])

    response = _promote(client, shop["answer"], faq)

    state = WorkflowState.objects.get(object_id=str(faq.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.requested_by == shop["staff"]
    to_reviewer = [m for m in mailoutbox if m.to == ["reviewer@example.com"]]
    assert to_reviewer and "Returns FAQ" in to_reviewer[0].subject
    assert FaqPage.objects.get(pk=faq.pk).has_unpublished_changes
    messages = _messages(response)
    assert messages == ["A draft question was added to “Returns FAQ” and sent to its reviewers."]


def test_without_a_workflow_the_draft_is_saved_and_the_message_says_so(client, shop, mailoutbox):
    WorkflowPage.objects.all().delete()
    client.force_login(shop["staff"])

    response = _promote(client, shop["answer"], shop["returns_faq"])

    assert not WorkflowState.objects.exists() and not mailoutbox
    assert _draft_items(shop["returns_faq"])[-1]["question"] == shop["thread"].title
    (message,) = _messages(response)
    assert "has no review workflow" in message and "ask an editor" in message


def test_a_page_already_in_review_keeps_its_review_and_gets_the_question(client, shop):
    faq = shop["refunds_faq"]
    admin = get_user_model().objects.get(email="admin@example.com")
    faq.get_workflow().start(faq, admin)
    client.force_login(UserFactory(is_superuser=True))  # a reviewer: may add to it in review

    response = _promote(client, shop["answer"], faq)

    assert WorkflowState.objects.filter(object_id=str(faq.pk)).count() == 1
    assert _draft_items(faq)[-1]["question"] == shop["thread"].title
    (message,) = _messages(response)
    assert "already in review" in message


def test_a_page_locked_by_an_editor_is_refused_and_the_form_kept(client, shop):
    faq = shop["refunds_faq"]
    FaqPage.objects.filter(pk=faq.pk).update(
        locked=True, locked_by=get_user_model().objects.get(email="admin@example.com")
    )
    client.force_login(shop["staff"])

    response = _promote(client, shop["answer"], faq, question="Is my refund on its way?")

    assert response.status_code == 200
    assert "is locked in the editor" in " ".join(response.context["form"].errors["page"])
    assert "Is my refund on its way?" in response.content.decode()
    assert not KbPromotion.objects.exists()


def test_page_history_says_in_words_where_the_question_came_from(client, shop):
    client.force_login(shop["staff"])
    _promote(client, shop["answer"], shop["returns_faq"])
    client.force_login(get_user_model().objects.get(email="admin@example.com"))

    response = client.get(reverse("wagtailadmin_pages:history", args=[shop["returns_faq"].pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "bound method" not in html
    assert (
        "Question promoted from the community thread “Do I get my money back for a return?”" in html
    )
    assert f'<a href="{shop["thread"].get_absolute_url()}">Open the community thread</a>' in html
    entry = PageLogEntry.objects.get(action="forum.promote")
    assert entry.data["url"] == shop["thread"].get_absolute_url()
    assert entry.data["thread_title"] == "Do I get my money back for a return?"


def test_a_board_without_a_topic_can_promote_too(client, shop):
    general = BoardFactory(name="General", slug="general", topic=None)
    thread = ThreadFactory(board=general, title="Can I pay on account?")
    answer = PostFactory(thread=thread, author=shop["staff"], body="Yes, from the second order.")
    services.reply_mark_official(reply=answer, by=shop["staff"])
    client.force_login(shop["staff"])

    form = client.get(_url(answer)).context["form"]
    assert form["page"].value() in (None, "")  # nothing preselected: staff choose
    response = _promote(client, answer, shop["refunds_faq"])

    assert response.status_code == 302
    assert _draft_items(shop["refunds_faq"])[-1]["question"] == "Can I pay on account?"


def test_a_new_faq_page_can_be_started_in_a_topic(client, shop):
    client.force_login(shop["staff"])

    _promote(client, shop["answer"], shop["refunds"], question="Do I get a refund?")

    page = FaqPage.objects.get(pk=KbPromotion.objects.get().page_id)
    assert not page.live and page.get_parent().pk == shop["refunds"].pk
    assert page.title == "Do I get a refund?"
    assert [i["question"] for i in _draft_items(page)] == ["Do I get a refund?"]
    assert WorkflowState.objects.filter(object_id=str(page.pk)).exists()


def test_the_new_question_gets_an_anchor_no_other_question_on_the_page_has(client, shop):
    faq = shop["returns_faq"]
    faq.items = faq_items(("Do I get my money back for a return?", "Older answer."))
    faq.save_revision().publish()
    client.force_login(shop["staff"])

    _promote(client, shop["answer"], faq)

    anchors = [item["anchor"] for item in _draft_items(faq)]
    assert anchors == [
        "do-i-get-my-money-back-for-a-return",
        "do-i-get-my-money-back-for-a-return-2",
    ]
    assert KbPromotion.objects.get().anchor == "do-i-get-my-money-back-for-a-return-2"


def test_the_thread_shows_staff_where_the_answer_was_promoted(client, shop):
    client.force_login(shop["staff"])
    thread_html = client.get(shop["thread"].get_absolute_url()).content.decode()
    assert f'href="{_url(shop["answer"])}"' in thread_html  # a link to the form, not a POST

    _promote(client, shop["answer"], shop["returns_faq"])

    html = client.get(shop["thread"].get_absolute_url()).content.decode()
    assert "Promoted to “Returns FAQ” (draft)" in html
    assert reverse("wagtailadmin_pages:edit", args=[shop["returns_faq"].pk]) in html
    assert f'href="{_url(shop["answer"])}"' not in html
    # Published by an editor: no longer a draft.
    FaqPage.objects.get(pk=shop["returns_faq"].pk).get_latest_revision().publish()
    html = client.get(shop["thread"].get_absolute_url()).content.decode()
    assert "Promoted to “Returns FAQ”" in html and "(draft)" not in html


def test_an_answer_promoted_already_goes_back_to_the_thread(client, shop):
    client.force_login(shop["staff"])
    _promote(client, shop["answer"], shop["returns_faq"])

    again = client.get(_url(shop["answer"]))
    twice = _promote(client, shop["answer"], shop["refunds_faq"])

    assert again.status_code == twice.status_code == 302
    assert KbPromotion.objects.count() == 1
    assert len(_draft_items(shop["returns_faq"])) == 3
    assert len(_draft_items(shop["refunds_faq"])) == 2


def test_promoting_is_rate_limited(client, shop, settings):
    settings.FORUM_PROMOTE_LIMITS = [(0, 60)]
    client.force_login(shop["staff"])

    response = _promote(client, shop["answer"], shop["refunds_faq"])

    assert response.status_code == 200
    assert "many answers in a short time" in response.content.decode()
    assert not KbPromotion.objects.exists()


def test_only_support_staff_open_the_form(client, shop):
    client.force_login(in_group(UserFactory(), "Forum moderators"))
    assert client.get(_url(shop["answer"])).status_code == 403
    client.force_login(shop["thread"].author)
    assert client.get(_url(shop["answer"])).status_code == 403


def test_only_the_official_answer_can_be_promoted(client, shop):
    other = PostFactory(thread=shop["thread"])
    client.force_login(shop["staff"])
    assert client.get(_url(other)).status_code == 403
    assert _promote(client, other, shop["refunds_faq"]).status_code == 403


def test_a_page_of_another_language_is_refused_by_the_service(shop, help_center):
    german = FaqPageFactory(parent=TopicPageFactory(parent=help_center["de"]), title="FAQ (de)")
    with pytest.raises(ValidationError, match="thread's language"):
        services.reply_promote_to_kb(
            reply=shop["answer"], by=shop["staff"], into=german, question="Q?", answer="A."
        )
    assert not KbPromotion.objects.exists()
