"""Forum questions asked again and again that no article answers: an article to write, or,
when the team answered one of them officially, that answer to promote (three queries)."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import ngettext

from forum.models import KbPromotion, MeToo, Thread
from forum.models.threads import Visibility
from insights.gaps.matching import CLOSE, WELL, Articles, ArticleText, terms_of
from insights.gaps.rows import ROWS_PER_KIND, Gap, Kind, Period, edit_url, in_language, write_url

MIN_ASKERS = 2


@dataclass
class AskedThread:
    pk: int
    title: str
    language: str
    official_answer_id: int | None
    askers: set  # ids of the members who asked it (or said "me too") in the period

    @property
    def url(self) -> str:
        return Thread(pk=self.pk, title=self.title, language=self.language).get_absolute_url()


def question_gaps(language: str, period: Period, articles: Articles) -> list[Gap]:
    """Threads whose titles have the same terms are one question; it is asked again when at
    least ``MIN_ASKERS`` members asked it in the period."""
    groups: dict[tuple, list[AskedThread]] = defaultdict(list)
    for thread in _asked_threads(language, period):
        terms = terms_of(thread.title, thread.language)
        # A title of stop words only ("How do I?") is a question of its own.
        groups[thread.language, terms or thread.pk].append(thread)
    asked_again = {
        key: members for key, members in groups.items() if len(_askers(members)) >= MIN_ASKERS
    }
    thread_ids = [t.pk for members in asked_again.values() for t in members]
    promoted = set(
        KbPromotion.objects.filter(post__thread_id__in=thread_ids).values_list(
            "post__thread_id", flat=True
        )
    )
    rows: dict[str, list[Gap]] = {Kind.QUESTION: [], Kind.ANSWER: []}
    for (code, terms), members in asked_again.items():
        if promoted & {t.pk for t in members}:
            continue  # its answer is on its way into the knowledge base
        near, share = (None, 0.0)
        if isinstance(terms, frozenset):
            near, share = articles.closest(terms, code)
        if share >= WELL:
            continue  # an article answers it
        gap = _row(code, members, near if share >= CLOSE else None)
        rows[gap.kind].append(gap)
    return [
        gap
        for kind_rows in rows.values()
        for gap in sorted(kind_rows, key=lambda g: (-g.affected, g.what))[:ROWS_PER_KIND]
    ]


def _askers(members: list[AskedThread]) -> set:
    return set().union(*(t.askers for t in members))


def _asked_threads(language: str, period: Period) -> list[AskedThread]:
    """Visible threads asked in the period (their author counts) or that members said
    "me too" to in the period (each of them counts): two queries."""
    threads: dict[int, AskedThread] = {}
    asked = Thread.objects.filter(
        in_language(language, "language"),
        visibility=Visibility.VISIBLE,
        merged_into__isnull=True,
        created_at__gte=period.since,
    ).values_list("pk", "title", "language", "official_answer_id", "author_id")
    for pk, title, code, answer, author in asked:
        threads[pk] = AskedThread(pk, title, code, answer, {author})
    me_toos = MeToo.objects.filter(
        in_language(language, "thread__language"),
        Q(thread__visibility=Visibility.VISIBLE, thread__merged_into__isnull=True),
        created_at__gte=period.since,
    ).values_list(
        "user_id", "thread_id", "thread__title", "thread__language", "thread__official_answer_id"
    )
    for user, pk, title, code, answer in me_toos:
        threads.setdefault(pk, AskedThread(pk, title, code, answer, set())).askers.add(user)
    return list(threads.values())


def _row(language: str, members: list[AskedThread], near: ArticleText | None) -> Gap:
    count = len(_askers(members))
    threads = ""
    if len(members) > 1:
        threads = "; " + ngettext("%(count)s thread", "%(count)s threads", len(members)) % {
            "count": len(members)
        }

    def most_asked(candidates):
        return min(candidates, key=lambda t: (-len(t.askers), t.pk))

    answered = [t for t in members if t.official_answer_id]
    if answered:
        thread = most_asked(answered)
        with translation.override(thread.language):
            promote = reverse("forum:promote", args=[thread.official_answer_id])
        why = ngettext(
            "Asked by %(count)s customer; the official answer is not in the knowledge base",
            "Asked by %(count)s customers; the official answer is not in the knowledge base",
            count,
        ) % {"count": count}
        return Gap(
            kind=Kind.ANSWER,
            language=language,
            what=thread.title,
            why=why + threads,
            affected=count,
            action="promote",
            action_url=promote,
            what_url=thread.url,
        )
    thread = most_asked(members)
    why = ngettext(
        "Asked by %(count)s customer; no article answers it",
        "Asked by %(count)s customers; no article answers it",
        count,
    ) % {"count": count}
    return Gap(
        kind=Kind.QUESTION,
        language=language,
        what=thread.title,
        why=why + threads,
        affected=count,
        action="write",
        action_url=write_url(language),
        what_url=thread.url,
        closest=near.page_title if near else "",
        closest_url=edit_url(near.page_id) if near else "",
    )
