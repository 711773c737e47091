"""Which article is closest to a search or a forum question, by the words they share.

Each live article's title and each question of an FAQ page are read as search reads text
(``search.analysis``: folded, lemmatised, stop words left out), in their own language. A
question's or query's terms are then looked up in them: the closest text shares the most
terms (then has the fewest other words, then belongs to the oldest page). Two queries for
every row of the report; asking the search engine would be one call per row.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from wagtail.models import Page

from insights.gaps.rows import article_types, in_language
from kb.models import FaqPage
from kb.selectors import shows_source_text
from search import analysis

WELL = 2 / 3  # an article answers a question when it holds this share of its terms
CLOSE = 1 / 2  # ...and is shown as the closest one from this share


def terms_of(text: str, language: str) -> frozenset:
    return frozenset(analysis.analyze(text, language))


@dataclass(frozen=True)
class ArticleText:
    page_id: int
    page_title: str
    terms: frozenset


class Articles:
    """The live articles of one language (or all), as terms to match."""

    def __init__(self, language: str):
        self.texts: list[ArticleText] = []
        self.index: dict[tuple[str, str], list[int]] = defaultdict(list)
        # Copies showing another language's text are not articles of their own.
        pages = (
            Page.objects.live()
            .filter(
                in_language(language, "locale__language_code"), content_type__in=article_types()
            )
            .exclude(shows_source_text())
            .values_list("pk", "title", "locale__language_code")
        )
        for pk, title, code in pages:
            self._add(pk, title, title, code)
        faqs = (
            FaqPage.objects.live()
            .filter(in_language(language, "locale__language_code"))
            .exclude(shows_source_text())
            .select_related("locale")
            .only("pk", "title", "items", "locale__language_code")
        )
        for faq in faqs:
            for item in faq.items.raw_data:
                question = (item.get("value") or {}).get("question", "")
                self._add(faq.pk, faq.title, question, faq.locale.language_code)

    def _add(self, page_id: int, page_title: str, text: str, language: str) -> None:
        terms = terms_of(text, language)
        if terms:
            self.texts.append(ArticleText(page_id, page_title, terms))
            for term in terms:
                self.index[language, term].append(len(self.texts) - 1)

    def closest(self, terms: frozenset, language: str) -> tuple[ArticleText | None, float]:
        """The article text sharing most of ``terms``, and the share of ``terms`` it holds."""
        shared = Counter(i for term in terms for i in self.index.get((language, term), ()))
        if not shared:
            return None, 0.0
        best = min(
            shared, key=lambda i: (-shared[i], len(self.texts[i].terms), self.texts[i].page_id)
        )
        return self.texts[best], shared[best] / len(terms)
