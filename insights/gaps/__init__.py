"""What to write next: what customers did in the last days, turned into a writing list.

``gaps(language=..., kind=..., days=...)`` returns rows (``Gap``) of six kinds, the most
customers affected first, each saying why it is there and linking to what fixes it. How each
kind counts the customers it affects (the ranking number):

- **search** (write; ``searches.py``): searches in the period whose query, folded as search
  folds it (``QueryLog.key``: "İADE", "IADE" and "iade" are one), found nothing or had
  results nobody opened. The query log keeps no user and no session, by design, so each
  search counts as one customer.
- **question** (write; ``questions.py``): forum questions asked again: threads whose titles
  have the same terms as search reads them are one question; its customers are the distinct
  members who asked one of its threads in the period or said "me too" to one in the period (a
  merged duplicate's asker is a "me too"). At least two; none of its threads promoted to the
  knowledge base; no article answering it (``matching.py``: two thirds of its terms in an
  article's title or in one of an FAQ page's questions).
- **answer** (promote): the same, when one of its threads has an official answer: that
  answer, to promote into an FAQ page.
- **unhelpful** (update; ``articles.py``): live articles voted "No" in the period at least as
  often as "Yes": each "No" is one signed-in member or one browser session (one vote each).
- **review** (update): live articles whose review date has passed or was never set, counted
  by their views in the period (``ArticleDailyViews``: views, not distinct readers).
- **translation** (translate; ``translations.py``): the views, in the period, of an article's
  copy in another language that shows the original (not translated yet, or translation
  started and not published) or an out-of-date translation: the readers of that language.

A row that affected no customer in the period is left out (Reports → Articles due for review
and Translations to update list them all). Each kind gives at most ``ROWS_PER_KIND`` rows, its
largest. The number of queries is fixed (about fifteen for every kind at once): it does not
grow with the rows, the threads, the articles or the log.
"""

from insights.gaps.articles import review_gaps, unhelpful_gaps
from insights.gaps.matching import Articles
from insights.gaps.questions import question_gaps
from insights.gaps.rows import ACTIONS, PERIODS, ROWS_PER_KIND, Gap, Kind, Period, period_days
from insights.gaps.searches import search_gaps
from insights.gaps.translations import translation_gaps

__all__ = ["ACTIONS", "PERIODS", "ROWS_PER_KIND", "Gap", "Kind", "gaps", "period_days"]


def gaps(*, language: str = "", kind: str = "", days: int = 30) -> list[Gap]:
    """The writing list for one language (or all: ``""``) and one kind of gap (or all),
    over the last ``days`` days: most customers affected first."""
    period = Period(days)
    wanted = {k for k in Kind.order if not kind or k == kind}
    rows: list[Gap] = []
    if wanted & {Kind.SEARCH, Kind.QUESTION, Kind.ANSWER}:
        articles = Articles(language)
        if Kind.SEARCH in wanted:
            rows += search_gaps(language, period, articles)
        if wanted & {Kind.QUESTION, Kind.ANSWER}:
            rows += [r for r in question_gaps(language, period, articles) if r.kind in wanted]
    if Kind.UNHELPFUL in wanted:
        rows += unhelpful_gaps(language, period)
    if Kind.REVIEW in wanted:
        rows += review_gaps(language, period)
    if Kind.TRANSLATION in wanted:
        rows += translation_gaps(language, period)
    return sorted(rows, key=lambda r: (-r.affected, Kind.order.index(r.kind), r.language, r.what))
