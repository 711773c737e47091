"""Articles readers voted unhelpful (one query), and articles overdue for review (one query
per article type: the review date is a column of each)."""

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from insights.gaps.rows import ROWS_PER_KIND, Gap, Kind, Period, edit_url, in_language
from kb.models import ARTICLE_MODELS, ArticleFeedback
from kb.selectors import shows_source_text


def unhelpful_gaps(language: str, period: Period) -> list[Gap]:
    """Live articles voted "No" in the period at least as often as "Yes"."""
    reasons = {
        value: Count("pk", filter=Q(helpful=False, reason=value))
        for value in ArticleFeedback.Reason.values
    }
    found = (
        ArticleFeedback.objects.filter(
            in_language(language, "page__locale__language_code"),
            created_at__gte=period.since,
            page__live=True,
        )
        .values("page_id", "page__title", "page__locale__language_code")
        .annotate(votes=Count("pk"), no=Count("pk", filter=Q(helpful=False)), **reasons)
        .filter(no__gt=0, no__gte=F("votes") - F("no"))
        .order_by("-no", "page_id")[:ROWS_PER_KIND]
    )
    labels = dict(ArticleFeedback.Reason.choices)
    rows = []
    for row in found:
        given = sorted(
            ((row[value], str(labels[value])) for value in labels if row[value]),
            key=lambda pair: (-pair[0], pair[1]),
        )
        numbers = {"no": row["no"], "votes": row["votes"]}
        if given:
            why = _("Voted unhelpful %(no)s of %(votes)s times: %(reasons)s") % {
                **numbers,
                "reasons": ", ".join(f"{label} ({n})" for n, label in given),
            }
        else:
            why = _("Voted unhelpful %(no)s of %(votes)s times") % numbers
        rows.append(
            Gap(
                kind=Kind.UNHELPFUL,
                language=row["page__locale__language_code"],
                what=row["page__title"],
                why=why,
                affected=row["no"],
                action="update",
                action_url=edit_url(row["page_id"]),
                what_url=reverse("kb_feedback_detail", args=[row["page_id"]]),
            )
        )
    return rows


def review_gaps(language: str, period: Period) -> list[Gap]:
    """Live articles whose review date has passed or was never set, read in the period."""
    today = timezone.localdate()
    found = []
    for model in ARTICLE_MODELS:
        found += (
            model.objects.live()
            .exclude(shows_source_text())
            .filter(
                Q(review_due_at__lt=today) | Q(review_due_at__isnull=True),
                in_language(language, "locale__language_code"),
            )
            .annotate(readers=period.views())
            .filter(readers__gt=0)
            .order_by("-readers", "pk")
            .values_list("pk", "title", "locale__language_code", "review_due_at", "readers")[
                :ROWS_PER_KIND
            ]
        )
    found.sort(key=lambda page: (-page[4], page[0]))
    rows = []
    for pk, title, code, due, readers in found[:ROWS_PER_KIND]:
        if due is None:
            why = _("Never reviewed")
        else:
            late = (today - due).days
            why = ngettext(
                "Review due %(count)s day ago", "Review due %(count)s days ago", late
            ) % {"count": late}
        rows.append(
            Gap(
                kind=Kind.REVIEW,
                language=code,
                what=title,
                why=f"{why}; {period.readers(readers)}",
                affected=readers,
                action="update",
                action_url=edit_url(pk),
                what_url=edit_url(pk),
            )
        )
    return rows
