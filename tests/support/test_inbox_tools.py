"""The request page's tools in the team's inbox: saved replies, merging, sharing a request
as a forum thread or an FAQ draft, and the warnings before a first answer falls due."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale
from wagtail.users.models import UserProfile

from forum.models import Thread
from kb.models import FaqPage
from support import due_warnings, services, sharing, tasks
from support.models import Attachment, Message, Request, RequestEvent, SavedReply
from support.references import new_reference
from tests.factories import (
    BoardFactory,
    FaqPageFactory,
    TopicPageFactory,
    UserFactory,
    in_group,
)
from tests.forum.test_concurrency import run_together

pytestmark = pytest.mark.django_db


# At the same moment, each in its own connection and transaction: only a server database.
def at_once(test):
    test = pytest.mark.django_db(transaction=True)(test)
    return pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks need a server database; CI runs this on PostgreSQL",
    )(test)


def _request(**fields) -> Request:
    defaults = {
        "email": "kunde@example.com",
        "language": "de",
        "subject": "Wo ist meine Erstattung?",
        "confirmed_at": timezone.now(),
        "first_response_due": timezone.now() + timedelta(hours=3),
    }
    defaults.update(fields)
    body = defaults.pop("body", "Ich habe die Schuhe zurückgeschickt.")
    request = Request.objects.create(reference=new_reference(), **defaults)
    request.messages.create(body=body)
    return request


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _translate(page, language: str, **fields):
    """A published translation of ``page`` (its parent translated already)."""
    copy = page.copy_for_translation(Locale.objects.get(language_code=language)).specific
    for name, value in fields.items():
        setattr(copy, name, value)
    copy.save_revision().publish()
    return type(copy).objects.get(pk=copy.pk)


@pytest.fixture
def agent(help_center):
    return in_group(UserFactory(email="agent@example.com", is_staff=True), "Support staff")


@pytest.fixture
def refunds(help_center):
    """An English FAQ article and its German translation."""
    topic = TopicPageFactory(parent=help_center["en"], title="Refunds", slug="refunds")
    faq = FaqPageFactory(parent=topic, title="Refund questions", slug="refund-questions")
    german_topic = _translate(topic, "de", title="Erstattungen", slug="erstattungen")
    german = _translate(faq, "de", title="Fragen zur Erstattung", slug="fragen-zur-erstattung")
    return {"en": faq, "de": german, "topic": topic, "german_topic": german_topic}


def _saved_reply(language="en", **fields) -> SavedReply:
    defaults = {"title": "Refund times", "body": "Refunds take 5 days: {{ article }}"}
    defaults.update(fields)
    return SavedReply.objects.create(locale=Locale.objects.get(language_code=language), **defaults)


# Saved replies ---------------------------------------------------------------------------


def test_the_support_staff_group_keeps_saved_replies(client, agent):
    group = Group.objects.get(name="Support staff")
    granted = set(group.permissions.values_list("codename", flat=True))
    assert {"add_savedreply", "change_savedreply", "delete_savedreply"} <= granted
    client.force_login(agent)
    assert client.get(reverse("wagtailsnippets_support_savedreply:list")).status_code == 200
    add = reverse("wagtailsnippets_support_savedreply:add")
    assert client.get(add).status_code == 200
    client.post(add + "?locale=en", {"title": "Label", "body": "Print the label.", "article": ""})
    assert SavedReply.objects.filter(title="Label").exists()


def test_a_saved_reply_that_names_an_article_must_choose_one(help_center):
    reply = SavedReply(
        locale=Locale.objects.get(language_code="en"), title="T", body="See {{ article }}"
    )
    with pytest.raises(ValidationError):
        reply.full_clean()


def test_a_saved_reply_links_the_article_in_the_customers_language(client, agent, refunds):
    reply = _saved_reply(article=refunds["en"])
    german_request = _request(language="de")
    turkish_request = _request(language="tr")  # no Turkish version: the chosen article
    client.force_login(agent)
    url = reverse("support_saved_reply", args=[german_request.pk])
    text = client.get(url, {"saved_reply": reply.pk}).json()["text"]
    assert text == f"Refunds take 5 days: {refunds['de'].get_full_url()}"
    assert "/de/erstattungen/fragen-zur-erstattung/" in text
    url = reverse("support_saved_reply", args=[turkish_request.pk])
    text = client.get(url, {"saved_reply": reply.pk}).json()["text"]
    assert text.endswith(refunds["en"].get_full_url())


def test_the_request_page_offers_saved_replies_in_the_customers_language_first(
    client, agent, refunds
):
    english = _saved_reply(title="Refund times", body="Refunds take 5 days.")
    SavedReply.objects.create(
        locale=Locale.objects.get(language_code="de"),
        translation_key=english.translation_key,
        title="Erstattungsdauer",
        body="Erstattungen dauern 5 Tage.",
    )
    _saved_reply(title="Only in English", body="Print the label.")
    _saved_reply(language="tr", title="Sadece Türkçe", body="Etiketi yazdırın.")
    client.force_login(agent)
    page = client.get(reverse("support_request", args=[_request().pk])).content.decode()
    assert "Erstattungsdauer" in page and "Only in English" in page
    assert "Refund times" not in page and "Sadece Türkçe" not in page


def test_without_javascript_a_picked_saved_reply_fills_the_reply_box(client, agent, refunds):
    reply = _saved_reply(body="Hallo,\n\nsiehe {{ article }}", article=refunds["en"])
    request = _request()
    client.force_login(agent)
    page = client.get(
        reverse("support_request", args=[request.pk]), {"saved_reply": reply.pk}
    ).content.decode()
    box = page.split('id="agent-body"', 1)[1].split("</textarea>", 1)[0]
    assert "siehe http" in box and "/de/erstattungen/fragen-zur-erstattung/" in box
    assert "js/support_admin" in page  # with JavaScript: inserted where the cursor is


def test_saved_replies_are_for_the_team_only(client, help_center):
    reply = _saved_reply()
    request = _request()
    client.force_login(in_group(UserFactory(is_staff=True), "Editors"))
    response = client.get(
        reverse("support_saved_reply", args=[request.pk]), {"saved_reply": reply.pk}
    )
    assert response.status_code in (302, 403)


def test_the_request_page_asks_the_same_number_of_queries_for_many_saved_replies(
    client, agent, refunds, django_assert_max_num_queries
):
    request = _request()
    _saved_reply(article=refunds["en"])
    client.force_login(agent)
    url = reverse("support_request", args=[request.pk])
    client.get(url)
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for n in range(30):
        _saved_reply(title=f"Reply {n}", article=refunds["en"])
        _saved_reply(language="de", title=f"Antwort {n}", body="Text")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()
    assert "Antwort 29" in page


# Merging ---------------------------------------------------------------------------------


def _at(message: Message, minutes_ago: int) -> None:
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def test_merging_moves_the_conversation_in_time_order_and_closes_the_source(client, agent):
    target = _request(subject="Refund", body="Where is my refund?")
    source = _request(subject="Refund again", body="Still nothing!", email="KUNDE@example.com")
    _at(target.messages.get(), 60)
    _at(source.messages.get(), 30)
    later = target.messages.create(body="Hello?")
    photo = Attachment.objects.create(
        message=source.messages.get(),
        file="support/test/photo",
        name="photo.jpg",
        content_type="image/jpeg",
        size=10,
    )
    client.force_login(agent)
    # As an agent types it: lower case, without the dashes.
    typed = target.reference.lower().replace("-", " ")
    response = client.post(reverse("support_merge", args=[source.pk]), {"into": typed})
    assert response.status_code == 302
    assert response["Location"] == reverse("support_request", args=[target.pk])
    bodies = [m.body for m in target.messages.all()]
    assert bodies == ["Where is my refund?", "Still nothing!", later.body]
    photo.refresh_from_db()
    assert photo.message.request_id == target.pk
    source.refresh_from_db()
    assert source.merged_into_id == target.pk and source.status == Request.Status.CLOSED
    assert not source.messages.exists()
    assert RequestEvent.objects.filter(request=source, action="merged", actor=agent).exists()
    event = RequestEvent.objects.get(request=target, action="merged")
    assert source.reference in event.detail
    page = client.get(reverse("support_request", args=[target.pk])).content.decode()
    assert "Still nothing!" in page and "photo.jpg" in page
    client.logout()
    # The customer's link to the merged request leads to the conversation where it is now.
    old_link = reverse("support:request", kwargs={"secret": source.secret})
    assert client.get(old_link)["Location"].endswith(target.secret + "/")


def test_merging_refuses_itself_a_merged_request_and_chains(agent):
    first, second, third = _request(), _request(), _request()
    with pytest.raises(ValidationError):
        services.request_merge(source=first, into=first, by=agent)
    services.request_merge(source=first, into=second, by=agent)
    with pytest.raises(ValidationError):  # into a request merged elsewhere
        services.request_merge(source=third, into=first, by=agent)
    with pytest.raises(ValidationError):  # a merged request again
        services.request_merge(source=first, into=third, by=agent)
    with pytest.raises(ValidationError):  # first → second → third would be a chain
        services.request_merge(source=second, into=third, by=agent)
    third.refresh_from_db()
    assert third.messages.count() == 1 and third.merged_into_id is None


def test_requests_of_different_customers_never_merge(client, agent):
    """One customer's words must never reach another: not through the merged request's
    link, not in an export, and an erasure must find them."""
    target = _request(email="someone@example.com")
    source = _request(email="else@example.com")
    lookalike = _request(email="ılker@example.com")  # dotless ı: not "ilker@"
    original = _request(email="ilker@example.com")
    client.force_login(agent)
    for one, other in ((source, target), (lookalike, original)):
        response = client.post(reverse("support_merge", args=[one.pk]), {"into": other.reference})
        assert response.status_code == 302
        assert any("different e-mail addresses" in m for m in _messages(response))
        one.refresh_from_db()
        assert one.merged_into_id is None and one.messages.count() == 1
    same_person = _request(email="SOMEONE@example.com")  # A-Z in another case: the same
    services.request_merge(source=same_person, into=target, by=agent)
    assert target.messages.count() == 2


def test_an_unknown_reference_merges_nothing_and_says_why(client, agent):
    source = _request()
    client.force_login(agent)
    response = client.post(reverse("support_merge", args=[source.pk]), {"into": "HC-2222-3333"})
    assert response.status_code == 302
    assert any("No request has the reference" in m for m in _messages(response))
    source.refresh_from_db()
    assert source.merged_into_id is None


@at_once
def test_two_agents_merging_two_requests_into_each_other_at_once_neither_deadlock_nor_loop():
    agent = UserFactory()
    first, second = _request(), _request()
    outcomes = []

    def merge(source, into):
        try:
            services.request_merge(source=source, into=into, by=agent)
        except ValidationError:
            outcomes.append("refused")
        else:
            outcomes.append("merged")

    run_together([lambda: merge(first, second), lambda: merge(second, first)])
    assert sorted(outcomes) == ["merged", "refused"]
    (merged,) = Request.objects.filter(merged_into__isnull=False)
    assert Message.objects.filter(request=merged.merged_into).count() == 2


def test_a_merged_request_waiting_for_the_team_reopens_the_target(agent):
    target = _request(status=Request.Status.SOLVED, first_response_at=timezone.now())
    source = _request(status=Request.Status.NEW)
    merged = services.request_merge(source=source, into=target, by=agent)
    assert merged.status == Request.Status.OPEN


# Sharing: a forum thread, an FAQ draft ----------------------------------------------------

PERSONAL = "Ich bin kunde@example.com, Bestellung NL-12345678 (12345678), Kopie an a.b@web.de."


def test_personal_details_are_taken_out_before_staff_see_the_text():
    request = Request(email="kunde@example.com", order_number="NL-12345678", language="en")
    scrubbed = sharing.scrub(PERSONAL, request)
    assert "kunde@example.com" not in scrubbed and "a.b@web.de" not in scrubbed
    assert "12345678" not in scrubbed
    assert scrubbed.count("[e-mail address]") == 2 and scrubbed.count("[order number]") == 2


def test_a_forum_thread_starts_from_the_customers_question_without_their_details(client, agent):
    board = BoardFactory(name="Returns", slug="returns")
    request = _request(order_number="NL-12345678", body=PERSONAL)
    client.force_login(agent)
    url = reverse("support_forum_thread", args=[request.pk])
    page = client.get(url).content.decode()
    assert "kunde@example.com" not in page.split("<form", 1)[1]
    assert "NL-12345678" not in page.split("<form", 1)[1]
    assert "[E-Mail-Adresse]" in page and "anything else personal" in page  # the request is German
    form = {
        "title": "Wie lange dauert eine Erstattung?",
        "body": "Ich habe die Schuhe zurückgeschickt. Wann kommt das Geld?",
        "board": board.pk,
        "tags": "",
    }
    response = client.post(url, form)  # without the staff member's word: not posted
    assert response.status_code == 200 and not Thread.objects.exists()
    response = client.post(url, form | {"removed": "on"})
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert thread.author == agent and thread.language == "de" and thread.board == board
    assert thread.is_visible
    event = RequestEvent.objects.get(request=request, action="forum")
    assert event.actor == agent and thread.title in event.detail


def test_a_text_with_the_customers_address_is_not_shared(client, agent):
    board = BoardFactory()
    request = _request(order_number="NL-12345678")
    client.force_login(agent)
    response = client.post(
        reverse("support_forum_thread", args=[request.pk]),
        {
            "title": "Erstattung für NL-12345678?",
            "body": "Schreibt mir an kunde@example.com",
            "board": board.pk,
            "removed": "on",
        },
    )
    assert response.status_code == 200
    assert "still holds the customer" in response.content.decode()
    assert not Thread.objects.exists()
    assert not RequestEvent.objects.filter(request=request, action="forum").exists()


@pytest.fixture
def german_faq(help_center):
    topic = TopicPageFactory(parent=help_center["de"], title="Rückgaben", slug="rueckgaben")
    faq = FaqPageFactory(parent=topic, title="Fragen zu Rückgaben", slug="fragen")
    return {"topic": topic, "faq": faq}


def test_an_faq_draft_from_the_teams_answer_goes_to_review(client, agent, german_faq):
    request = _request(topic=german_faq["topic"], order_number="NL-12345678")
    services.team_reply(
        request, body="Hallo, Ihre Erstattung für NL-12345678 kommt in 5 Tagen.", by=agent
    )
    client.force_login(agent)
    url = reverse("support_faq_draft", args=[request.pk])
    page = client.get(url).content.decode()
    assert "Ihre Erstattung für [Bestellnummer] kommt in 5 Tagen." in page
    assert f'value="faq-{german_faq["faq"].pk}" selected' in page  # the request's topic first
    form = {
        "page": f"faq-{german_faq['faq'].pk}",
        "question": "Wie lange dauert eine Erstattung?",
        "answer": "Eine Erstattung dauert **5 Tage**.",
        "removed": "on",
    }
    mail.outbox.clear()
    response = client.post(url, form)
    assert response.status_code == 302
    assert any("sent to its reviewers" in m for m in _messages(response))
    faq = FaqPage.objects.get(pk=german_faq["faq"].pk)
    draft = faq.get_latest_revision_as_object()
    assert draft.items[-1].value["question"] == "Wie lange dauert eine Erstattung?"
    assert "Wie lange dauert" not in str(faq.items)  # the live page: unchanged
    assert RequestEvent.objects.filter(request=request, action="faq", actor=agent).count() == 1
    client.post(url, form)  # a second click
    assert len(FaqPage.objects.get(pk=faq.pk).get_latest_revision_as_object().items) == len(
        draft.items
    )
    assert RequestEvent.objects.filter(request=request, action="faq").count() == 1


def test_an_faq_draft_needs_a_page_in_the_requests_language(agent, help_center, german_faq):
    english_topic = TopicPageFactory(parent=help_center["en"], title="Returns", slug="returns")
    request = _request()
    with pytest.raises(ValidationError) as refused:
        sharing.faq_draft_start(
            request_obj=request,
            by=agent,
            into=english_topic,
            question="How long does a refund take?",
            answer="Five days.",
        )
    assert "page" in refused.value.message_dict


def test_only_agents_who_may_promote_answers_draft_faqs(client, help_center):
    from django.contrib.auth.models import Permission

    inbox_only = UserFactory(is_staff=True)
    inbox_only.user_permissions.add(
        *Permission.objects.filter(codename__in=["handle_requests", "access_admin"])
    )
    request = _request()
    client.force_login(inbox_only)
    # Wagtail answers a refusal in its admin with a redirect to the admin's home.
    assert client.get(reverse("support_faq_draft", args=[request.pk])).status_code == 302
    page = client.get(reverse("support_request", args=[request.pk])).content.decode()
    assert "Draft an FAQ" not in page


# Due-time warnings ------------------------------------------------------------------------


def _run_warnings(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("support_due_warnings", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_assignee_is_warned_once_in_their_admin_language(
    agent, django_capture_on_commit_callbacks
):
    profile = UserProfile.get_for_user(agent)
    profile.preferred_language = "de"
    profile.save()
    request = _request(assignee=agent, first_response_due=timezone.now() + timedelta(minutes=20))
    mail.outbox.clear()
    _run_warnings(django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["agent@example.com"]
    assert request.reference in message.subject
    assert "Kunde" in message.body  # German: the agent's interface language
    html, _type = message.alternatives[0]
    assert 'lang="de"' in html and reverse("support_request", args=[request.pk]) in html
    request.refresh_from_db()
    assert request.due_warned_at is not None
    _run_warnings(django_capture_on_commit_callbacks)  # a minute later: once is enough
    assert len(mail.outbox) == 1
    assert RequestEvent.objects.filter(request=request, action="warned").count() == 1


def test_an_unassigned_request_warns_the_whole_team(
    agent, help_center, django_capture_on_commit_callbacks
):
    colleague = in_group(UserFactory(email="colleague@example.com"), "Support staff")
    UserFactory(email="customer@example.com")
    request = _request(first_response_due=timezone.now() - timedelta(minutes=5))
    mail.outbox.clear()
    _run_warnings(django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ["admin@example.com", agent.email, colleague.email]  # the superuser is on the team
    )
    assert all("Overdue" in m.subject for m in mail.outbox)
    assert "the whole team" in RequestEvent.objects.get(request=request, action="warned").detail


def test_only_unanswered_confirmed_requests_due_soon_are_warned(
    agent, django_capture_on_commit_callbacks
):
    soon = timezone.now() + timedelta(minutes=10)
    due = _request(first_response_due=soon, assignee=agent)
    later = _request(first_response_due=timezone.now() + timedelta(hours=2))
    answered = _request(first_response_due=soon, first_response_at=timezone.now())
    waiting = _request(first_response_due=soon, status=Request.Status.WAITING)
    unconfirmed = _request(first_response_due=soon, confirmed_at=None)
    mail.outbox.clear()
    _run_warnings(django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    warned = set(Request.objects.filter(due_warned_at__isnull=False).values_list("pk", flat=True))
    assert warned == {due.pk}
    assert {later.pk, answered.pk, waiting.pk, unconfirmed.pk}.isdisjoint(warned)


def test_the_warning_window_is_a_setting(agent, settings, django_capture_on_commit_callbacks):
    settings.SUPPORT_DUE_WARNING_MINUTES = 180
    request = _request(assignee=agent, first_response_due=timezone.now() + timedelta(hours=2))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.warn_due_requests.enqueue().return_value == 1
    assert len(mail.outbox) == 1
    request.refresh_from_db()
    assert request.due_warned_at is not None


@at_once
def test_two_runs_at_once_warn_once():
    agent = in_group(UserFactory(), "Support staff")
    request = _request(assignee=agent, first_response_due=timezone.now() + timedelta(minutes=5))
    mail.outbox.clear()
    run_together([due_warnings.warn_due, due_warnings.warn_due])
    assert RequestEvent.objects.filter(request=request, action="warned").count() == 1
    assert [m.to for m in mail.outbox] == [[agent.email]]
