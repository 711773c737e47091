"""What the database search backend stores, and what every backend shares: the query log
and the editors' synonyms. Documents are written by ``search.indexing`` only."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.snippets.models import register_snippet


class SearchDocument(models.Model):
    """One searchable thing (an FAQ question, a video guide, a policy, a forum thread) in
    one language, with its pre-analysed text (``search.analysis``). SQLite indexes the
    ``*_terms`` columns with FTS5 and PostgreSQL with a weighted tsvector; both are kept in
    step by database triggers (migration 0002)."""

    key = models.CharField(max_length=80, unique=True)
    # Everything from one page or thread shares a source, so it can be replaced at once.
    source = models.CharField(max_length=40, db_index=True)
    language = models.CharField(max_length=8, db_index=True)
    kind = models.CharField(max_length=16)
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500)
    topic = models.CharField(max_length=64, blank=True)
    topic_title = models.CharField(max_length=255, blank=True)
    solved = models.BooleanField(default=False)
    official = models.BooleanField(default=False)
    date = models.DateTimeField(null=True, blank=True)
    title_terms = models.TextField(blank=True)
    question_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    # " " + the title's plain words (search.analysis.plain_words): suggestions match word
    # starts in it through a full-text prefix index (migration 0005).
    title_words = models.CharField(max_length=400, blank=True)
    # The language, kind, topic and state as index terms ("langen kindthread topic… solvedyes"):
    # SQLite's full-text index holds them as a fourth column, so a search's filters are part
    # of its match and never cost a row lookup per match (migration 0006).
    filter_terms = models.CharField(max_length=200, blank=True)
    # A digest of what was indexed: reconcile compares it with what should be.
    fingerprint = models.CharField(max_length=40, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [
            models.Index(fields=["language", "kind"]),
        ]

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs):
        self.filter_terms = filter_terms(self.language, self.kind, self.topic, self.solved)
        super().save(*args, **kwargs)


def _token(value: str) -> str:
    return "".join(c for c in value.lower() if c.isascii() and c.isalnum())


def filter_terms(language: str, kind: str, topic: str, solved: bool) -> str:
    """A document's filterable fields as the index terms ``SearchDocument.filter_terms``
    holds; ``filter_query`` asks for them."""
    terms = [f"lang{_token(language)}", f"kind{_token(kind)}"]
    if topic:
        terms.append(f"topic{_token(topic)}")
    if kind == "thread":
        terms.append("solvedyes" if solved else "solvedno")
    return " ".join(terms)


def language_term(language: str) -> str:
    """The term a document's language is in PostgreSQL's tsvectors (migrations 0008, 0009):
    ``0lang0en``. The digits around it keep it apart from any word of a title or text."""
    return f"0lang0{_token(language)}"


def filter_query(language: str, kind: str = "", topic: str = "", solved=None) -> str:
    """The FTS5 expression (over the ``filter_terms`` column only) for these filters."""
    terms = [f"lang{_token(language)}"]
    if kind:
        terms.append(f"kind{_token(kind)}")
    if topic:
        terms.append(f"topic{_token(topic)}")
    if solved is not None:
        terms.append("solvedyes" if solved else "solvedno")
    return "filter_terms : (" + " AND ".join(terms) + ")"


class SearchTerm(models.Model):
    """The indexed vocabulary per language, for "did you mean" and for splitting German
    compounds: each index term (without accents) with the lemma as written."""

    language = models.CharField(max_length=8)
    term = models.CharField(max_length=100)
    display = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "term"], name="search_term_once")
        ]

    def __str__(self) -> str:
        return self.term


class QueryLog(models.Model):
    """One search, without personal data: no user, no address, the query folded."""

    query = models.CharField(max_length=200, db_index=True)
    # The query as search compares words (``analysis.log_key``: "İADE" and "IADE" are one
    # key, as are "Rücksendung" and "Ruecksendung"): what the reports group by.
    key = models.CharField(max_length=200, default="", db_index=True)
    language = models.CharField(max_length=8)
    results = models.PositiveIntegerField()
    backend = models.CharField(max_length=16)
    clicked_rank = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.query


@register_snippet
class Synonym(models.Model):
    """Words customers use for the same thing ("refund, money back, reimbursement"), per
    language. Both backends expand a query with them."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    terms = models.CharField(
        _("words that mean the same"),
        max_length=500,
        help_text=_("Separated by commas, e.g.: refund, money back, reimbursement"),
    )

    panels = [FieldPanel("language"), FieldPanel("terms")]

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.terms
