"""The thread page: structured data, addresses, languages, and a fixed number of queries."""

import json
import re

import pytest
from django.urls import reverse

from forum import services
from forum.models import Post
from forum.models.threads import Visibility
from tests.factories import PostFactory, ThreadFactory, UserFactory, in_group

pytestmark = pytest.mark.django_db


def jsonld(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(b) for b in blocks]


def test_thread_page_carries_qapage_with_accepted_and_suggested_answers(client):
    thread = ThreadFactory(
        title="Does the warranty cover a broken zip?", question__body="Zip <u>broke</u> & more"
    )
    accepted = PostFactory(thread=thread, body="Yes, within **two years**.")
    other = PostFactory(thread=thread, body="Mine was repaired.")
    hidden = PostFactory(thread=thread, body="buy pills", visibility=Visibility.HIDDEN)
    services.reply_accept(reply=accepted, by=thread.author)
    services.reply_vote(reply=accepted, user=UserFactory(), value=1)
    html = client.get(thread.get_absolute_url()).content.decode()
    (data,) = jsonld(html)
    assert data["@context"] == "https://schema.org" and data["@type"] == "QAPage"
    question = data["mainEntity"]
    assert question["@type"] == "Question"
    assert question["name"] == "Does the warranty cover a broken zip?"
    assert question["text"] == "Zip <u>broke</u> & more"  # text, not markup; escaped in the page
    assert question["answerCount"] == 2
    assert question["acceptedAnswer"]["text"] == "Yes, within two years."
    assert question["acceptedAnswer"]["upvoteCount"] == 1
    assert question["acceptedAnswer"]["url"].endswith(f"#post-{accepted.pk}")
    assert [a["text"] for a in question["suggestedAnswer"]] == ["Mine was repaired."]
    assert "buy pills" not in html
    assert question["dateCreated"] and question["author"]["name"]
    assert "\\u003cu\\u003ebroke" in html  # "<" never appears raw inside the script
    assert other.pk != hidden.pk


def test_thread_without_accepted_answer_has_only_suggested_answers(client):
    thread = ThreadFactory()
    PostFactory(thread=thread)
    (data,) = jsonld(client.get(thread.get_absolute_url()).content.decode())
    assert "acceptedAnswer" not in data["mainEntity"]
    assert len(data["mainEntity"]["suggestedAnswer"]) == 1


def test_wrong_slug_or_language_prefix_redirects_to_the_canonical_address(client):
    thread = ThreadFactory(language="tr", title="İade süresi ne kadar?")
    canonical = thread.get_absolute_url()
    assert canonical == f"/tr/forum/t/{thread.pk}-iade-suresi-ne-kadar/"
    for wrong in (
        f"/tr/forum/t/{thread.pk}-old-title/",
        f"/en/forum/t/{thread.pk}-iade-suresi-ne-kadar/",
        f"/tr/forum/t/{thread.pk}/",
    ):
        response = client.get(wrong)
        assert response.status_code == 301 and response["Location"] == canonical
    html = client.get(canonical).content.decode()
    assert f'<link rel="canonical" href="http://127.0.0.1:8000{canonical}">' in html
    assert '<html lang="tr"' in html


def test_translated_thread_has_hreflang_alternates_and_sitemap_entries(client):
    english = ThreadFactory(language="en", title="How long do refunds take?")
    german = ThreadFactory(
        language="de",
        title="Wie lange dauert eine Erstattung?",
        translation_key=english.translation_key,
    )
    lonely = ThreadFactory(language="en", title="A thread with no translation")
    html = client.get(english.get_absolute_url()).content.decode()
    assert f'hreflang="de" href="http://127.0.0.1:8000{german.get_absolute_url()}"' in html
    assert 'rel="alternate" hreflang="tr"' not in html  # no Turkish version: no alternate
    lonely_html = client.get(lonely.get_absolute_url()).content.decode()
    assert 'rel="alternate" hreflang="de"' not in lonely_html

    sitemap = client.get("/sitemap.xml").content.decode()
    assert f"http://127.0.0.1:8000{english.get_absolute_url()}" in sitemap
    assert f"http://127.0.0.1:8000{lonely.get_absolute_url()}" in sitemap
    assert (
        sitemap.count(f'hreflang="de" href="http://127.0.0.1:8000{german.get_absolute_url()}"') == 2
    )


def test_held_and_hidden_threads_stay_out_of_the_sitemap(client):
    held = ThreadFactory(visibility=Visibility.HELD, title="Held question about parcels")
    hidden = ThreadFactory(visibility=Visibility.HIDDEN, title="Hidden question about parcels")
    sitemap = client.get("/sitemap.xml").content.decode()
    assert held.get_absolute_url() not in sitemap and hidden.get_absolute_url() not in sitemap


def _thread_with(replies: int):
    thread = ThreadFactory()
    authors = [UserFactory() for _ in range(min(replies, 10))]
    staff = in_group(UserFactory(), "Support staff")
    Post.objects.bulk_create(
        [
            Post(
                thread=thread,
                author=authors[n % len(authors)],
                body=f"answer {n}",
                body_html=f"<p>answer {n}</p>",
            )
            for n in range(replies)
        ]
    )
    first = thread.posts.filter(is_question=False).first()
    official = PostFactory(thread=thread, author=staff)
    services.reply_mark_official(reply=official, by=staff)
    services.reply_accept(reply=first, by=thread.author)
    return thread


@pytest.mark.parametrize("viewer", ["anonymous", "member", "moderator"])
def test_thread_page_runs_the_same_queries_for_1_and_200_replies(
    client, django_assert_max_num_queries, viewer
):
    small, large = _thread_with(1), _thread_with(200)
    if viewer == "member":
        client.force_login(UserFactory())
    elif viewer == "moderator":
        client.force_login(in_group(UserFactory(), "Forum moderators"))
    client.get(small.get_absolute_url())  # warm per-process caches (content types, sites)
    limit = 30
    with django_assert_max_num_queries(limit) as small_queries:
        assert client.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(limit) as large_queries:
        response = client.get(large.get_absolute_url())
    assert response.status_code == 200
    assert response.content.decode().count('<article class="post') == 202  # question, 200, official
    assert len(large_queries.captured_queries) == len(small_queries.captured_queries)


def test_forum_index_and_board_run_the_same_queries_for_1_and_20_threads(
    client, django_assert_max_num_queries
):
    from tests.factories import BoardFactory

    one, many = BoardFactory(), BoardFactory()
    ThreadFactory(board=one)
    for _ in range(20):
        ThreadFactory(board=many)
    counts = []
    for board in (one, many):
        url = reverse("forum:board", kwargs={"slug": board.slug})
        client.get(url)
        with django_assert_max_num_queries(15) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(15):
        client.get(reverse("forum:index"), {"lang": "all"})


def test_merged_thread_redirects_to_the_thread_it_was_merged_into(client):
    source, target = ThreadFactory(), ThreadFactory()
    services.thread_merge(
        source=source, target=target, by=in_group(UserFactory(), "Forum moderators")
    )
    response = client.get(source.get_absolute_url())
    assert response.status_code == 301 and response["Location"] == target.get_absolute_url()


def test_user_text_in_the_thread_page_is_inert(client):
    thread = ThreadFactory(
        title='<img src=x onerror=alert(1)>"quoted"', question__body="<svg onload=alert(1)>"
    )
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "<img src=x" not in html and "<svg onload" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_official_answers_list_and_feed(client):
    thread = ThreadFactory(title="Which carrier do you ship with?")
    staff = in_group(UserFactory(), "Support staff")
    answer = PostFactory(thread=thread, author=staff, body="We ship with DHL & UPS.")
    services.reply_mark_official(reply=answer, by=staff)
    ThreadFactory(title="Unofficial thread only")
    page = client.get(reverse("forum:official"))
    assert [t.title for t in page.context["threads"]] == ["Which carrier do you ship with?"]
    feed = client.get(reverse("forum:official_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Which carrier do you ship with?" in feed.content.decode()


def test_meta_description_is_the_question_as_written_escaped_once(client):
    """Search engines and link previews read the description as text: a question that
    says "<script>" and "don't" is described with those characters, escaped once."""
    thread = ThreadFactory(question__body='Why does <script> & "don\'t" show up?')
    page = client.get(thread.get_absolute_url()).content.decode()
    (description,) = re.findall(r'<meta name="description" content="([^"]*)">', page)
    assert description == "Why does &lt;script&gt; &amp; &quot;don&#x27;t&quot; show up?"
