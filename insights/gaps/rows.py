"""A row of the report, its kinds and actions, and what every kind's selector shares."""

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, ngettext

from kb.models import ARTICLE_MODELS, ArticleDailyViews

ROWS_PER_KIND = 50
PERIODS = (7, 30, 90)


class Kind:
    SEARCH, QUESTION, ANSWER = "search", "question", "answer"
    UNHELPFUL, REVIEW, TRANSLATION = "unhelpful", "review", "translation"
    choices = [
        (SEARCH, gettext_lazy("Searches without an answer")),
        (QUESTION, gettext_lazy("Questions asked again")),
        (ANSWER, gettext_lazy("Official answers to promote")),
        (UNHELPFUL, gettext_lazy("Unhelpful articles")),
        (REVIEW, gettext_lazy("Articles due for review")),
        (TRANSLATION, gettext_lazy("Translations missing or out of date")),
    ]
    order = [value for value, _label in choices]


ACTIONS = {
    "write": gettext_lazy("Write"),
    "promote": gettext_lazy("Promote"),
    "update": gettext_lazy("Update"),
    "translate": gettext_lazy("Translate"),
}


@dataclass(frozen=True)
class Gap:
    """One thing to write, promote, update or translate, and why."""

    kind: str
    language: str
    what: str
    why: str
    affected: int  # customers affected in the period: the ranking number
    action: str  # a key of ACTIONS
    action_url: str
    what_url: str = ""
    closest: str = ""  # the closest article's title (searches and questions)
    closest_url: str = ""

    @property
    def kind_label(self) -> str:
        return str(dict(Kind.choices)[self.kind])

    @property
    def action_label(self) -> str:
        return str(ACTIONS[self.action])

    @property
    def language_name(self) -> str:
        return translation.get_language_info(self.language)["name_translated"]


def period_days(value) -> int:
    """A period the report offers (7, 30 or 90 days); 30 otherwise."""
    days = int(value) if str(value).isdigit() else 30
    return days if days in PERIODS else 30


class Period:
    """The last ``days`` days: from this moment back for events, and as whole days (today
    and the days before it) for views, which are counted per day."""

    def __init__(self, days: int):
        self.days = days
        self.since = timezone.now() - timedelta(days=days)
        self.since_day = timezone.localdate() - timedelta(days=days - 1)

    def readers(self, count: int) -> str:
        return ngettext(
            "%(count)s reader in %(days)s days", "%(count)s readers in %(days)s days", count
        ) % {"count": count, "days": self.days}

    def views(self, page_field: str = "pk"):
        """The views of the page at ``page_field`` in the period, as an annotation (0 when
        none)."""
        views = (
            ArticleDailyViews.objects.filter(page_id=OuterRef(page_field), day__gte=self.since_day)
            .values("page_id")
            .annotate(n=Sum("views"))
            .values("n")
        )
        return Coalesce(Subquery(views, output_field=IntegerField()), 0)


def in_language(language: str, field: str) -> Q:
    """Rows of ``language`` through ``field``; every row when ``language`` is ``""``."""
    return Q(**{field: language}) if language else Q()


def edit_url(page_id: int) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page_id])


def write_url(language: str) -> str:
    """Wagtail's "add a page" chooser for a new FAQ page in ``language``. Its create view
    takes no initial title from the address, so the row shows the words to write about."""
    chooser = reverse("wagtailadmin_pages:choose_parent", args=["kb", "faqpage"])
    return f"{chooser}?locale={language}"


def article_types() -> list:
    return list(ContentType.objects.get_for_models(*ARTICLE_MODELS).values())
