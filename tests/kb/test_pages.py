"""Each page type renders in each language with valid structured data, readable without
JavaScript or the video, in a bounded number of queries."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from kb.blocks import anchor_for
from tests.factories import (
    FaqPageFactory,
    PolicyPageFactory,
    TopicPageFactory,
    faq_items,
    policy_sections,
)
from tests.kb.conftest import json_ld

LANGUAGES = ["en", "tr", "de"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_faq_page_has_faqpage_article_and_breadcrumbs(client, kb_tree, language):
    page = kb_tree[language]["faq"]
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    data = json_ld(html)

    faq = data["FAQPage"]
    assert faq["@context"] == "https://schema.org"
    questions = faq["mainEntity"]
    assert [q["name"] for q in questions] == [
        "How long does delivery take?",
        "What does shipping cost?",
    ]
    for question in questions:
        assert question["@type"] == "Question"
        assert question["acceptedAnswer"]["@type"] == "Answer"
        assert question["acceptedAnswer"]["text"]
        assert "<" not in question["acceptedAnswer"]["text"]

    article = data["Article"]
    assert article["headline"] == page.title
    assert article["inLanguage"] == language
    assert article["datePublished"] and article["dateModified"]
    assert article["author"]["@type"] == "Organization"

    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [c["position"] for c in crumbs] == [1, 2, 3]
    assert crumbs[-1]["name"] == page.title
    assert all(c["item"].startswith("http") for c in crumbs)


def test_each_question_has_an_anchor_and_opens_without_javascript(client, kb_tree):
    html = client.get(kb_tree["en"]["faq"].url).content.decode()
    assert '<details class="faq__item" id="how-long-does-delivery-take">' in html
    assert 'href="#how-long-does-delivery-take"' in html  # table of contents and share link


def test_anchors_are_ascii_in_every_language():
    assert anchor_for("İade süresi ne kadar?") == "iade-suresi-ne-kadar"
    assert anchor_for("Wie lange dauert die Rücksendung?") == "wie-lange-dauert-die-rucksendung"
    assert anchor_for("???") == "item"


def test_duplicate_questions_get_distinct_anchors(help_center):
    topic = TopicPageFactory(parent=help_center["en"])
    page = FaqPageFactory(
        parent=topic, items=faq_items(("Same?", "One."), ("Same?", "Two.")), publish=False
    )
    page.full_clean()
    assert [q["anchor"] for q in page.questions()] == ["same", "same-2"]


def test_repeated_policy_headings_get_distinct_anchors_that_the_contents_link_to(
    client, help_center
):
    topic = TopicPageFactory(parent=help_center["en"])
    page = PolicyPageFactory(
        parent=topic,
        body=policy_sections(("Exceptions", "For returns."), ("Exceptions", "For repairs.")),
    )
    html = client.get(page.url).content.decode()
    ids = re.findall(r'<section class="policy__section" id="([^"]+)"', html)
    assert ids == ["exceptions", "exceptions-2"]
    for anchor in ids:
        assert f'href="#{anchor}"' in html
        assert f'id="{anchor}-title"' in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_how_to_video_page_has_howto_and_videoobject(client, kb_tree, language):
    page = kb_tree[language]["video"]
    html = client.get(page.url).content.decode()
    data = json_ld(html)

    howto = data["HowTo"]
    assert howto["name"] == page.title
    assert howto["totalTime"] == "PT3M"
    assert [s["name"] for s in howto["step"]] == ["Step 1", "Step 2", "Step 3"]
    assert all(s["@type"] == "HowToStep" and s["text"] for s in howto["step"])
    assert howto["supply"] == [{"@type": "HowToSupply", "name": "Your order number"}]

    video = data["VideoObject"]
    for required in ("name", "description", "uploadDate"):
        assert video[required]
    assert video["duration"] == "PT2M30S"
    assert video["embedUrl"].startswith("https://www.youtube-nocookie.com/embed/aBcDeFgHiJk")
    assert [c["startOffset"] for c in video["hasPart"]] == [0, 75]
    assert "track a parcel" in video["transcript"]


def test_video_page_loads_no_third_party_player_until_asked(client, kb_tree):
    html = client.get(kb_tree["en"]["video"].url).content.decode()
    assert "<iframe" not in html
    assert 'href="https://www.youtube.com/watch?v=aBcDeFgHiJk&amp;t=0s"' in html
    assert 'data-player="https://www.youtube-nocookie.com/embed/aBcDeFgHiJk' in html
    # The page stands alone with the video blocked: steps and transcript are in the HTML.
    assert '<li class="step" id="step-3">' in html
    assert "In this video we track a parcel." in html
    assert 'href="?t=75#video"' in html  # chapters work as plain links


@pytest.mark.parametrize("language", LANGUAGES)
def test_policy_page_shows_summary_contents_and_dates(client, kb_tree, language):
    page = kb_tree[language]["policy"]
    html = client.get(page.url).content.decode()
    assert 'class="summary-box"' in html
    assert '<a href="#return-window">Return window</a>' in html
    assert '<section class="policy__section" id="return-window"' in html
    assert 'datetime="2026-01-01"' in html  # effective date
    assert f'href="{page.url}history/"' in html
    data = json_ld(html)
    assert data["Article"]["headline"] == page.title
    assert "BreadcrumbList" in data


def test_topic_page_groups_articles_by_kind(client, kb_tree):
    html = client.get(kb_tree["en"]["topic"].url).content.decode()
    positions = [html.index(t) for t in ("Return questions", "How to return", "Returns policy")]
    assert positions == sorted(positions)
    assert json_ld(html)["BreadcrumbList"]["itemListElement"][-1]["name"] == "Returns"


def test_home_lists_topics_and_recent_policies(client, kb_tree):
    html = client.get("/de/").content.decode()
    assert "Returns (de)" in html
    assert "Returns policy (de)" in html
    assert "Returns (tr)" not in html


def test_structured_data_cannot_break_out_of_its_script(client, help_center):
    topic = TopicPageFactory(parent=help_center["en"])
    page = FaqPageFactory(
        parent=topic, items=faq_items(("Is </script><script>alert(1)</script> safe?", "Yes."))
    )
    html = client.get(page.url).content.decode()
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["FAQPage"]["mainEntity"][0]["name"].startswith("Is </script>")


def test_article_links_to_its_translations_and_canonical(client, kb_tree):
    html = client.get(kb_tree["tr"]["faq"].url).content.decode()
    head = html.split("</head>")[0]
    base = settings.BASE_URL
    assert f'hreflang="de" href="{base}/de/returns-de/return-questions-de/"' in head
    assert f'<link rel="canonical" href="{base}/tr/returns-tr/return-questions-tr/">' in head


@pytest.mark.parametrize("kind", ["faq", "video", "policy", "topic"])
def test_page_queries_do_not_grow_with_content(
    client, help_center, kb_tree, kind, django_assert_max_num_queries, settings
):
    settings.KB_PAGE_CACHE_SECONDS = 0  # what building the page costs, every time
    page = kb_tree["en"][kind]
    client.get(page.url)  # warm per-process caches (content types, site root paths)
    with django_assert_max_num_queries(30) as few:
        assert client.get(page.url).status_code == 200
    topic = kb_tree["en"]["topic"]
    for n in range(25):
        FaqPageFactory(parent=topic, title=f"More questions {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(page.url).status_code == 200


def test_home_queries_do_not_grow_with_content(
    client, kb_tree, django_assert_max_num_queries, settings
):
    settings.KB_PAGE_CACHE_SECONDS = 0
    client.get("/en/")
    with django_assert_max_num_queries(30) as few:
        client.get("/en/")
    for n in range(10):
        topic = TopicPageFactory(parent=kb_tree["en"]["topic"].get_parent(), title=f"Topic {n}")
        FaqPageFactory(parent=topic)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/en/").status_code == 200


def test_reading_an_article_counts_a_view_for_most_read(client, kb_tree):
    from kb.models import ArticleDailyViews

    page = kb_tree["en"]["video"]
    for _ in range(3):
        client.get(page.url)
    assert ArticleDailyViews.objects.get(page=page).views == 3
    home = client.get("/en/").content.decode()
    assert "Popular articles" in home and page.title in home


def test_a_policys_history_counts_a_view_and_is_never_kept(client, kb_tree):
    """Only the page itself is kept for anonymous readers, not a routed sub-page; reading
    the history of a policy counts as reading the policy."""
    from kb.models import ArticleDailyViews

    policy = kb_tree["en"]["policy"]
    for _ in range(2):
        response = client.get(f"{policy.url}history/")
        assert response.status_code == 200
        assert "X-Page-Cache" not in response
    assert ArticleDailyViews.objects.get(page=policy).views == 2


def test_an_editors_preview_has_the_whole_page_and_counts_no_view(kb_tree):
    from kb.models import ArticleDailyViews

    page = kb_tree["en"]["faq"]
    response = page.make_preview_request()
    assert response.status_code == 200
    html = response.content.decode()
    assert "How long does delivery take?" in html
    assert "BreadcrumbList" in json_ld(html)
    assert not ArticleDailyViews.objects.filter(page=page).exists()


def test_the_home_shows_the_teams_newest_answers_and_a_topic_its_board(client, kb_tree):
    """What the knowledge base shows of the forum: the newest official answers in the
    page's language on the home, and on a topic (in each language) its community board."""
    from forum import services as forum_services
    from tests.factories import BoardFactory, PostFactory, ThreadFactory, UserFactory, in_group

    board = BoardFactory(slug="returns-talk", topic=kb_tree["en"]["topic"])
    staff = in_group(UserFactory(), "Support staff")
    answered = {}
    for language, title in (("en", "Can I return a gift?"), ("de", "Kann ich ein Geschenk ...")):
        thread = ThreadFactory(board=board, language=language, title=title)
        answer = PostFactory(thread=thread, author=staff, body="Yes, with the gift receipt.")
        forum_services.reply_mark_official(reply=answer, by=staff)
        answered[language] = answer
    ThreadFactory(board=board, title="Only members answered this")

    home = client.get("/en/").content.decode()
    assert "New answers from our team" in home
    assert f"#post-{answered['en'].pk}" in home
    assert f"#post-{answered['de'].pk}" not in home
    assert "Only members answered this" not in home
    for language in LANGUAGES:
        topic = client.get(kb_tree[language]["topic"].url).content.decode()
        assert f'href="/{language}/forum/returns-talk/"' in topic, language
    other = TopicPageFactory(parent=kb_tree["en"]["topic"].get_parent(), slug="no-board")
    assert "Discuss this topic in the community" not in client.get(other.url).content.decode()


@pytest.mark.parametrize("kind", ["faq", "video", "policy", "topic", "home"])
def test_an_anonymous_reader_gets_a_kept_page_with_a_token_of_their_own(
    client, kb_tree, kind, django_assert_max_num_queries
):
    """The second anonymous reader of a page costs one query at most (an article counts
    the view); the page is the same but for the feedback form's CSRF token, which is
    theirs: their vote goes through."""
    from django.test import Client

    from kb.models import ArticleDailyViews, ArticleFeedback

    page = kb_tree["en"]["topic"].get_parent() if kind == "home" else kb_tree["en"][kind]
    first = client.get(page.url)
    assert "X-Page-Cache" not in first
    reader = Client(enforce_csrf_checks=True)
    with django_assert_max_num_queries(1):
        second = reader.get(page.url)
    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert second["X-Frame-Options"] == first["X-Frame-Options"]
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', second.content.decode())
    if kind == "home" or kind == "topic":
        assert ArticleDailyViews.objects.filter(page=page).count() == 0
        return
    assert ArticleDailyViews.objects.get(page=page).views == 2
    assert token and "%%kb-csrf-token%%" not in second.content.decode()
    vote = reader.post(
        reverse("kb:feedback", args=[page.pk]),
        {"helpful": "yes", "csrfmiddlewaretoken": token[0]},
    )
    assert vote.status_code in (200, 302)
    assert ArticleFeedback.objects.filter(page=page, helpful=True).count() == 1
    # Having voted, the reader has a session: they get the page built for them.
    after = reader.get(page.url)
    assert "X-Page-Cache" not in after
    assert "You found this article helpful." in after.content.decode()


def test_signed_in_readers_and_query_strings_never_get_a_kept_page(client, kb_tree):
    from tests.factories import UserFactory

    page = kb_tree["en"]["faq"]
    client.get(page.url)
    assert client.get(page.url)["X-Page-Cache"] == "hit"
    assert "X-Page-Cache" not in client.get(page.url + "?t=5")
    client.force_login(UserFactory())
    assert "X-Page-Cache" not in client.get(page.url)


def test_a_page_made_private_is_never_served_from_the_cache(client, kb_tree):
    from wagtail.models import PageViewRestriction

    page = kb_tree["en"]["faq"]
    client.get(page.url)
    assert client.get(page.url)["X-Page-Cache"] == "hit"
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert client.get(page.url).status_code == 302  # to sign in


def test_a_new_version_is_shown_at_once_despite_the_cache(client, kb_tree):
    page = kb_tree["en"]["faq"]
    assert "Two to four business days." in client.get(page.url).content.decode()
    page.items = faq_items(("How long does delivery take?", "One to two business days."))
    page.save_revision().publish()
    html = client.get(page.url).content.decode()
    assert "One to two business days." in html
    assert "Two to four business days." not in html


def test_articles_go_through_review_before_publishing(kb_tree):
    workflow = kb_tree["en"]["faq"].get_workflow()
    assert workflow is not None and workflow.active
    assert workflow.tasks.exists()


def test_a_copy_of_a_private_page_is_listed_nowhere_in_other_languages(client, kb_tree):
    """An article not yet translated is shown in Turkish as a copy (an alias) of the English
    one. When the English page becomes private, Wagtail serves the copy as private too: no
    Turkish list may still offer it, nor take votes for it."""
    from wagtail.models import Locale, PageViewRestriction

    english = FaqPageFactory(
        parent=kb_tree["en"]["topic"], title="Internal gift card rules", slug="gift-rules"
    )
    copy = english.create_alias(
        parent=kb_tree["tr"]["topic"], update_locale=Locale.objects.get(language_code="tr")
    )
    home = kb_tree["tr"]["topic"].get_parent()
    assert "Internal gift card rules" in client.get(kb_tree["tr"]["topic"].url).content.decode()

    PageViewRestriction.objects.create(page=english, restriction_type="login")
    for url in (kb_tree["tr"]["topic"].url, home.url, kb_tree["tr"]["faq"].url):
        assert "Internal gift card rules" not in client.get(url).content.decode(), url
    vote = client.post(reverse("kb:feedback", args=[copy.pk]), {"helpful": "yes"})
    assert vote.status_code == 404


def test_blocks_render_through_their_own_templates():
    """Each block names a template that exists and renders on its own (a preview, another
    page including the block); the pages include the blocks through them."""
    from wagtail.rich_text import RichText

    from kb.blocks import FaqItemBlock, PolicySectionBlock

    faq = FaqItemBlock()
    html = faq.render(
        faq.to_python({"question": "İade süresi ne kadar?", "answer": "<p>30 gün.</p>"})
    )
    assert '<details class="faq__item" id="iade-suresi-ne-kadar">' in html
    assert "İade süresi ne kadar?" in html and "<p>30 gün.</p>" in html
    section = PolicySectionBlock()
    html = section.render(
        section.to_python({"heading": "Refunds", "body": str(RichText("<p>Fast.</p>"))})
    )
    assert 'id="refunds"' in html and "<p>Fast.</p>" in html
