"""The one pipeline that decides what is searchable and builds its documents; backends only
store and query what it gives them.

Searchable: live, public article pages of every language that have text of their own
(not aliases or translations in progress: ``kb.selectors.shows_source_text``), each FAQ
question its own document, so a search finds the single question and links to its anchor;
and visible forum threads with their visible replies. Never drafts, private pages, held or
hidden posts, or threads merged into another.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from django.conf import settings
from django.utils.text import Truncator
from wagtail.models import Page

from kb.text import html_to_text
from search import analysis

MAX_BODY_CHARS = 20_000


@dataclass
class Document:
    key: str
    source: str
    language: str
    kind: str  # faq | video | policy | thread
    title: str
    url: str
    question: str = ""
    body: str = ""
    topic: str = ""
    topic_title: str = ""
    solved: bool = False
    official: bool = False
    date: datetime | None = None
    extra: dict = field(default_factory=dict)

    @cached_property
    def _lemmas(self) -> dict[str, list[str]]:
        """Each field's lemmas (accents kept), analysed once per document."""
        return {
            name: analysis.lemmas(getattr(self, name), self.language)
            for name in ("title", "question", "body")
        }

    def _terms(self, name: str) -> str:
        return " ".join(analysis.index_form(w, self.language) for w in self._lemmas[name])

    @property
    def title_terms(self) -> str:
        return self._terms("title")

    @property
    def question_terms(self) -> str:
        return self._terms("question")

    @property
    def body_terms(self) -> str:
        return self._terms("body")

    @property
    def vocabulary(self) -> dict[str, str]:
        """Index term → the lemma as written (``sure`` → ``süre``), for "did you mean"."""
        return {
            analysis.index_form(w, self.language): w
            for words in self._lemmas.values()
            for w in words
        }

    @property
    def title_words(self) -> str:
        return " " + " ".join(analysis.plain_words(self.title, self.language))

    @property
    def fingerprint(self) -> str:
        import hashlib

        # The analysis version too: after a change to it, reconcile re-indexes everything.
        parts = [
            analysis.VERSION,
            self.key,
            self.kind,
            self.title,
            self.url,
            self.question,
            self.body,
            self.topic,
            self.topic_title,
            str(self.solved),
            str(self.official),
        ]
        return hashlib.sha1("\x1f".join(parts).encode(), usedforsecurity=False).hexdigest()

    @property
    def snippet_text(self) -> str:
        """The readable text a snippet is cut from: an FAQ question's answer; otherwise
        the question (or summary) first, then the body."""
        if self.kind == "faq":
            return self.body[:MAX_BODY_CHARS]
        return " ".join(t for t in (self.question, self.body) if t)[:MAX_BODY_CHARS]


def page_source(page_id: int) -> str:
    return f"page:{page_id}"


def thread_source(thread_id: int) -> str:
    return f"thread:{thread_id}"


def _text(value) -> str:
    return html_to_text(value)


# --- pages ---------------------------------------------------------------------------------


def searchable_page(page_id: int):
    """The page as its specific type when it should be searchable, else None."""
    from kb.models import ARTICLE_MODELS
    from kb.selectors import shows_source_text

    page = (
        Page.objects.live()
        .public()
        .filter(pk=page_id)
        .exclude(shows_source_text())
        .select_related("locale")
        .first()
    )
    if page is None:
        return None
    page = page.specific
    return page if isinstance(page, ARTICLE_MODELS) else None


def _topic_of(page) -> tuple[str, str]:
    """The top-level topic (the home's child) an article sits in: key and title."""
    topic = page.get_ancestors().filter(depth=3).first()
    # The key as plain hex: one token in every engine, whatever its keyword handling.
    return (topic.translation_key.hex, topic.title) if topic else ("", "")


def page_documents(page) -> list[Document]:
    from kb.models import FaqPage, HowToVideoPage, PolicyPage

    language = page.locale.language_code
    url = page.get_url()
    topic, topic_title = _topic_of(page)
    date = page.last_published_at
    common = {
        "source": page_source(page.pk),
        "language": language,
        "topic": topic,
        "topic_title": topic_title,
        "date": date,
    }
    if isinstance(page, FaqPage):
        return [
            Document(
                key=f"faq:{page.pk}:{item['anchor']}"[:80],
                kind="faq",
                title=item["question"],
                url=f"{url}#{item['anchor']}",
                # The page's title and summary give a question its context.
                question=f"{page.title}. {page.intro}",
                body=_text(item["answer"]),
                extra={"page_title": page.title},
                **common,
            )
            for item in page.questions()
        ]
    if isinstance(page, HowToVideoPage):
        steps = " ".join(f"{s.value['title']}. {_text(s.value['text'])}" for s in page.steps)
        return [
            Document(
                key=f"video:{page.pk}",
                kind="video",
                title=page.title,
                url=url,
                question=page.intro,
                body=f"{steps} {_text(page.transcript)}",
                **common,
            )
        ]
    if isinstance(page, PolicyPage):
        sections = " ".join(f"{s['heading']}. {_text(s['body'])}" for s in page.sections())
        return [
            Document(
                key=f"policy:{page.pk}",
                kind="policy",
                title=page.title,
                url=url,
                question=f"{page.intro} {_text(page.summary)}",
                body=sections,
                **common,
            )
        ]
    return []


# --- forum ---------------------------------------------------------------------------------


def searchable_thread(thread_id: int):
    from forum.models import Thread

    thread = (
        Thread.objects.select_related("board", "author__forum_profile").filter(pk=thread_id).first()
    )
    if thread is None or not thread.is_visible:
        return None
    profile = getattr(thread.author, "forum_profile", None)
    if profile is not None and profile.is_banned:
        return None
    return thread


def _board_topic(thread) -> tuple[str, str]:
    topic = thread.board.topic
    if topic is None:
        return "", ""
    from wagtail.models import Locale

    locale = Locale.objects.filter(language_code=thread.language).first()
    local = topic.get_translation_or_none(locale) if locale else None
    return topic.translation_key.hex, (local or topic).title


def thread_documents(thread) -> list[Document]:
    from forum.models.threads import Visibility

    posts = list(
        thread.posts.filter(visibility=Visibility.VISIBLE)
        .exclude(author__forum_profile__banned_at__isnull=False)
        .order_by("created_at")
        .only("pk", "is_question", "body_html")
    )
    question = next((p for p in posts if p.is_question), None)
    if question is None:
        return []
    replies = [p for p in posts if not p.is_question]
    # The official answer and the solution read first: they are what a searcher wants.
    first = [thread.official_answer_id, thread.solution_id]
    replies.sort(key=lambda p: (p.pk not in first, first.index(p.pk) if p.pk in first else 0))
    topic, topic_title = _board_topic(thread)
    body = " ".join(_text(p.body_html) for p in replies)
    return [
        Document(
            key=f"thread:{thread.pk}",
            source=thread_source(thread.pk),
            language=thread.language,
            kind="thread",
            title=thread.title,
            url=thread.get_absolute_url(),
            question=_text(question.body_html),
            body=Truncator(body).chars(MAX_BODY_CHARS),
            topic=topic,
            topic_title=topic_title,
            solved=thread.solution_id is not None,
            official=thread.official_answer_id is not None,
            date=thread.last_activity_at,
        )
    ]


# --- everything ----------------------------------------------------------------------------


def all_sources():
    """Every source that should be searchable now: for rebuild and reconcile."""
    from django.contrib.contenttypes.models import ContentType

    from forum.models import Thread
    from forum.models.threads import Visibility
    from kb.models import ARTICLE_MODELS
    from kb.selectors import shows_source_text

    types = ContentType.objects.get_for_models(*ARTICLE_MODELS).values()
    page_ids = (
        Page.objects.live()
        .public()
        .filter(content_type__in=types)
        .exclude(shows_source_text())
        .values_list("pk", flat=True)
    )
    thread_ids = Thread.objects.filter(
        visibility=Visibility.VISIBLE, merged_into__isnull=True
    ).values_list("pk", flat=True)
    return [page_source(pk) for pk in page_ids] + [thread_source(pk) for pk in thread_ids]


def documents_for(source: str) -> list[Document]:
    """The documents a source should have right now (empty: remove it from the index)."""
    kind, _, ident = source.partition(":")
    if kind == "page":
        page = searchable_page(int(ident))
        return page_documents(page) if page else []
    if kind == "thread":
        thread = searchable_thread(int(ident))
        return thread_documents(thread) if thread else []
    return []


LANGUAGES = [code for code, _name in settings.LANGUAGES]
