"""Knowledge base pages: the home of each language, topics, and three kinds of article.

Every article type shares ``ArticlePage`` (an abstract model, so wagtail-localize sees only
concrete page types): intro, tags, related articles, review dates, reading time and the
structured data each type emits.

A page builds its own context (Wagtail's ``get_context``) from the model layer below it
(``kb.models.queries``, ``kb.structured_data``) and imports nothing above it. What happens
around serving a page (counting an article's view, keeping the page for anonymous readers)
is ``kb.wagtail_hooks``' ``on_serve_page``. What the pages show from the forum (the newest
official answers on the home, a topic's board) the templates ask of the forum's template
tags: the forum is above the knowledge base (it promotes answers into FAQ pages), so no
code here imports it.
"""

import math
from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count
from django.db.models.functions import Substr
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail import blocks
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from kb import diff, structured_data, video
from kb.blocks import (
    TEXT_FEATURES,
    ChapterBlock,
    FaqItemBlock,
    PolicySectionBlock,
    StepBlock,
    anchor_for,
    item_anchor,
    unique_anchors,
)
from kb.models import queries
from kb.models.feedback import ArticleFeedback
from kb.models.history import PolicyVersion
from kb.panels import ArticlePageForm, TranslationStatusPanel
from kb.text import html_to_text
from site_config.ids import parse_int

WORDS_PER_MINUTE = 200
RELATED_LIMIT = 4
PROMOTED_LIMIT = 6
HOME_LIST_SIZE = 5


class HelpCenterPage(Page):
    """The root of one language's help center, served at ``/<lang>/``."""

    intro = models.TextField(
        _("intro"),
        blank=True,
        help_text=_("One or two sentences under the search box: what customers can find here."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        InlinePanel(
            "promoted_articles",
            label=_("Promoted articles"),
            heading=_("Promoted articles"),
            help_text=_("Shown first on the home page, in this order (up to six)."),
            max_num=PROMOTED_LIMIT,
        ),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["kb.TopicPage"]
    template = "kb/help_center_page.html"

    class Meta:
        verbose_name = _("help center home")
        verbose_name_plural = _("help center homes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(self.sections())
        return context

    def articles(self):
        """Live, public articles in this language (as ``Page`` rows)."""
        return queries.readable(Page.objects.descendant_of(self)).type(ArticlePage)

    def sections(self) -> dict:
        """Topics with their article counts, editors' promoted articles, the most read and
        most helpful articles, and recent policies."""
        articles = self.articles().exclude(queries.shows_source_text())
        topics = list(queries.readable(TopicPage.objects.child_of(self)))
        counts = {}
        if topics:  # every top-level topic is one step below the home: its path is a prefix
            length = len(topics[0].path)
            counts = dict(
                articles.annotate(topic_path=Substr("path", 1, length))
                .order_by()  # no ordering column in the GROUP BY
                .values("topic_path")
                .annotate(n=Count("id"))
                .values_list("topic_path", "n")
            )
        for topic in topics:
            topic.article_count = counts.get(topic.path, 0)
        promoted_ids = list(
            self.promoted_articles.order_by("sort_order").values_list("article_id", flat=True)
        )
        most_viewed_ids = queries.most_read_ids(articles, HOME_LIST_SIZE)
        most_helpful_ids = queries.most_helpful_ids(articles, HOME_LIST_SIZE)
        wanted = set(promoted_ids) | set(most_viewed_ids) | set(most_helpful_ids)
        pages = (
            {p.pk: p for p in articles.filter(pk__in=wanted).specific(defer=True)} if wanted else {}
        )
        promoted = [pages[pk] for pk in promoted_ids if pk in pages]
        return {
            "topics": topics,
            "promoted": promoted,
            # Read most, less what is already promoted above it.
            "most_viewed": [
                pages[pk] for pk in most_viewed_ids if pk in pages and pages[pk] not in promoted
            ],
            "most_helpful": [pages[pk] for pk in most_helpful_ids if pk in pages],
            "recent_policies": queries.readable(PolicyPage.objects.descendant_of(self)).order_by(
                "-last_published_at"
            )[:4],
        }


class HomePromotedArticle(Orderable):
    """An article editors put first on a language's home page."""

    home = ParentalKey(HelpCenterPage, on_delete=models.CASCADE, related_name="promoted_articles")
    article = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("article", ["kb.FaqPage", "kb.HowToVideoPage", "kb.PolicyPage"])]

    class Meta(Orderable.Meta):
        verbose_name = _("promoted article")
        verbose_name_plural = _("promoted articles")


class TopicPage(Page):
    """A category of articles (may hold one level of sub-topics)."""

    class Icon(models.TextChoices):
        # Symbols of static/icons.svg.
        CART = "cart", _("Shopping cart")
        TRUCK = "truck", _("Delivery truck")
        RETURN = "return", _("Return arrow")
        USER = "user", _("Person")
        CARD = "card", _("Payment card")
        SHIELD = "shield", _("Shield")
        GIFT = "gift", _("Gift")
        QUESTION = "question", _("Question mark")

    intro = models.TextField(_("intro"), blank=True)
    icon = models.CharField(
        _("icon"),
        max_length=20,
        choices=Icon.choices,
        default=Icon.QUESTION,
        help_text=_("Shown on the topic's card on the home page."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("icon")]
    promote_panels = Page.promote_panels
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    parent_page_types = ["kb.HelpCenterPage", "kb.TopicPage"]
    subpage_types = ["kb.TopicPage", "kb.FaqPage", "kb.HowToVideoPage", "kb.PolicyPage"]
    template = "kb/topic_page.html"

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    @classmethod
    def can_create_at(cls, parent):
        # Topics nest one level deep: a sub-topic's parent must be a top-level topic.
        parent = parent.specific
        if isinstance(parent, TopicPage) and not isinstance(
            parent.get_parent().specific, HelpCenterPage
        ):
            return False
        return super().can_create_at(parent)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        trail = queries.breadcrumbs(self)
        children = list(queries.readable(self.get_children()).specific())
        groups: dict[str, list] = {}
        for child in children:
            if not isinstance(child, TopicPage):
                groups.setdefault(child.kind, []).append(child)
        context.update(
            {
                "breadcrumbs": trail,
                "structured_data": [structured_data.breadcrumb_list(trail, request)],
                "subtopics": [c for c in children if isinstance(c, TopicPage)],
                "article_groups": [
                    {"kind": kind, "label": groups[kind][0].kind_label, "articles": groups[kind]}
                    for kind in ("faq", "video", "policy")
                    if kind in groups
                ],
            }
        )
        return context


class ArticlePage(Page):
    """What every knowledge base article has. Abstract: no table of its own."""

    intro = models.TextField(
        _("summary"),
        help_text=_("One or two sentences: what this article answers. Shown in lists."),
    )
    related = StreamField(
        [
            (
                "article",
                blocks.PageChooserBlock(
                    label=_("Article"),
                    page_type=["kb.FaqPage", "kb.HowToVideoPage", "kb.PolicyPage"],
                ),
            )
        ],
        blank=True,
        verbose_name=_("related articles"),
        help_text=_("Chosen first; articles of the same topic fill the rest."),
    )
    last_reviewed_at = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        help_text=_("When someone last checked that this article is still right."),
    )
    review_interval_days = models.PositiveIntegerField(_("review every (days)"), default=180)
    review_due_at = models.DateField(_("review due"), null=True, editable=False, db_index=True)
    notify_unhelpful_readers = models.BooleanField(
        _("tell readers who found this unhelpful"),
        default=False,
        help_text=_(
            "Tick when this change fixes what readers complained about: those who voted "
            "'No' and asked to be told get one e-mail when this version is published."
        ),
    )

    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("last_reviewed_at"), FieldPanel("review_interval_days")])],
            heading=_("Review"),
        ),
    ]
    search_fields = [*Page.search_fields, index.SearchField("intro", boost=2)]
    parent_page_types = ["kb.TopicPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    class Meta:
        abstract = True

    kind = "article"
    kind_label = _("Article")

    def save(self, *args, **kwargs):
        # A derived column, so the "overdue for review" report can filter in the database.
        self.review_due_at = (
            self.last_reviewed_at + timedelta(days=self.review_interval_days)
            if self.last_reviewed_at
            else None
        )
        super().save(*args, **kwargs)

    def plain_text(self) -> str:
        """The article's readable text, for reading time and search documents."""
        return self.intro

    @cached_property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(len(self.plain_text().split()) / WORDS_PER_MINUTE))

    @property
    def review_overdue(self) -> bool:
        return self.review_due_at is None or self.review_due_at < date.today()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        trail = queries.breadcrumbs(self)
        source = queries.fallback_source(self)
        user = getattr(request, "user", None)
        context.update(
            {
                "breadcrumbs": trail,
                "topic": next((p for p in reversed(trail[:-1]) if p.depth > 2), None),
                "related_articles": self.related_articles(trail),
                "fallback_source": source,
                "content_language": source.locale.language_code if source else None,
                "canonical_url": (source or self).get_full_url(request),
                "feedback": queries.visitor_feedback(self, request),
                "subscribed": bool(user) and queries.is_subscribed(self, user),
                "structured_data": structured_data.for_article(self, trail, request),
                "reasons": ArticleFeedback.Reason.choices,
                # Where a chapter link asks the video to start (``?t=90``); 0 for anything odd.
                "start": parse_int(request.GET.get("t", ""), default=0, low=0, high=24 * 3600),
            }
        )
        return context

    def related_articles(self, trail: list[Page]) -> list[Page]:
        """Editors' choices first (in this language where translated), then same-topic
        articles."""
        chosen_ids = [block.value.pk for block in self.related if block.value is not None]
        chosen: list[Page] = []
        if chosen_ids:
            by_id = {
                p.pk: p
                for p in queries.readable(Page.objects.filter(pk__in=chosen_ids)).only(
                    "translation_key", "locale_id"
                )
            }
            keys = [by_id[pk].translation_key for pk in chosen_ids if pk in by_id]
            localized = {
                p.translation_key: p
                for p in queries.readable(
                    Page.objects.filter(translation_key__in=keys, locale_id=self.locale_id)
                ).specific()
            }
            chosen = [localized[k] for k in keys if k in localized and localized[k].pk != self.pk]
        if len(chosen) < RELATED_LIMIT and len(trail) > 1:
            taken = {p.pk for p in chosen} | {self.pk}
            fill = (
                queries.readable(Page.objects.child_of(trail[-2]))
                .type(ArticlePage)
                .exclude(pk__in=taken)
                # Deferred: a link needs the title, URL and kind, not each type's own columns.
                .specific(defer=True)[: RELATED_LIMIT - len(chosen)]
            )
            chosen += list(fill)
        return chosen[:RELATED_LIMIT]

    def translation_status(self) -> dict | None:
        """What the editor's translation panel shows (``kb.panels``)."""
        return queries.translation_status(self)


def _text_of(richtext) -> str:
    return html_to_text(richtext)


# --- FAQ -----------------------------------------------------------------------------------


class FaqPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "kb.FaqPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class FaqPage(ArticlePage):
    """Questions and answers; each question has an anchor and can be linked to alone."""

    items = StreamField(
        [("item", FaqItemBlock())], verbose_name=_("questions"), use_json_field=True
    )
    tags = ClusterTaggableManager(through=FaqPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        TranslationStatusPanel(),
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("items"),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("tags"), FieldPanel("related")]
    settings_panels = [*ArticlePage.settings_panels, FieldPanel("notify_unhelpful_readers")]
    search_fields = [*ArticlePage.search_fields, index.SearchField("items")]
    template = "kb/faq_page.html"

    kind = "faq"
    kind_label = _("FAQ")

    class Meta:
        verbose_name = _("FAQ page")
        verbose_name_plural = _("FAQ pages")

    def clean(self):
        super().clean()
        anchors = unique_anchors(item_anchor(block.value) for block in self.items)
        for block, anchor in zip(self.items, anchors, strict=True):
            block.value["anchor"] = anchor

    def questions(self) -> list[dict]:
        return [
            {
                "question": block.value["question"],
                "answer": block.value["answer"],
                "anchor": item_anchor(block.value),
            }
            for block in self.items
        ]

    def plain_text(self) -> str:
        parts = [self.intro]
        for item in self.questions():
            parts += [item["question"], _text_of(item["answer"])]
        return " ".join(parts)


# --- How-to video --------------------------------------------------------------------------


class HowToVideoPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "kb.HowToVideoPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class HowToVideoPage(ArticlePage):
    """A video guide that still works with the video blocked: transcript and steps stand alone."""

    video_url = models.URLField(
        _("video on YouTube or Vimeo"),
        blank=True,
        help_text=_("Shown behind a poster: nothing loads from the provider until played."),
    )
    video_file = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("video file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Or a self-hosted MP4/WebM file."),
    )
    poster = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("poster image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    video_seconds = models.PositiveIntegerField(_("video length (seconds)"), default=0)
    total_minutes = models.PositiveIntegerField(
        _("time to do it (minutes)"), default=5, help_text=_("How long the task itself takes.")
    )
    you_need = StreamField(
        [("thing", blocks.CharBlock(label=_("Thing"), max_length=120))],
        blank=True,
        verbose_name=_("what you need"),
        use_json_field=True,
    )
    steps = StreamField([("step", StepBlock())], verbose_name=_("steps"), use_json_field=True)
    chapters = StreamField(
        [("chapter", ChapterBlock())], blank=True, verbose_name=_("chapters"), use_json_field=True
    )
    transcript = RichTextField(_("transcript"), features=TEXT_FEATURES)
    tags = ClusterTaggableManager(through=HowToVideoPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        TranslationStatusPanel(),
        *Page.content_panels,
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldPanel("video_url"),
                FieldPanel("video_file"),
                FieldPanel("poster"),
                FieldRowPanel([FieldPanel("video_seconds"), FieldPanel("total_minutes")]),
                FieldPanel("chapters"),
            ],
            heading=_("Video"),
        ),
        FieldPanel("you_need"),
        FieldPanel("steps"),
        FieldPanel("transcript"),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("tags"), FieldPanel("related")]
    settings_panels = [*ArticlePage.settings_panels, FieldPanel("notify_unhelpful_readers")]
    search_fields = [
        *ArticlePage.search_fields,
        index.SearchField("steps"),
        index.SearchField("transcript"),
    ]
    template = "kb/how_to_video_page.html"

    kind = "video"
    kind_label = _("Video guide")

    class Meta:
        verbose_name = _("how-to video page")
        verbose_name_plural = _("how-to video pages")

    def clean(self):
        super().clean()
        if self.video_url and video.parse(self.video_url) is None:
            raise ValidationError(
                {"video_url": _("Use a YouTube or Vimeo address, or upload a video file.")}
            )
        if not self.video_url and not self.video_file:
            raise ValidationError(
                {"video_file": _("Add a video: a YouTube or Vimeo address, or a file.")}
            )

    @cached_property
    def external_video(self) -> video.ExternalVideo | None:
        return video.parse(self.video_url) if self.video_url else None

    def plain_text(self) -> str:
        parts = [self.intro]
        for step in self.steps:
            parts += [step.value["title"], _text_of(step.value["text"])]
        parts.append(_text_of(self.transcript))
        return " ".join(parts)


# --- Policy --------------------------------------------------------------------------------


class PolicyPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "kb.PolicyPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class PolicyPage(RoutablePageMixin, ArticlePage):
    """Returns, warranty, shipping, privacy, terms: dated, with a public change history."""

    summary = RichTextField(
        _("in short"),
        features=["bold", "ul"],
        help_text=_("The policy in plain words: a few points a customer must know."),
    )
    body = StreamField(
        [("section", PolicySectionBlock())], verbose_name=_("full text"), use_json_field=True
    )
    effective_date = models.DateField(_("takes effect on"), default=timezone.localdate)
    change_note = models.CharField(
        _("what changed"),
        max_length=300,
        help_text=_("One sentence for the public change history of this version."),
    )
    tags = ClusterTaggableManager(through=PolicyPageTag, blank=True, verbose_name=_("tags"))

    content_panels = [
        TranslationStatusPanel(),
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldRowPanel([FieldPanel("effective_date"), FieldPanel("change_note")]),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("tags"), FieldPanel("related")]
    settings_panels = [*ArticlePage.settings_panels, FieldPanel("notify_unhelpful_readers")]
    search_fields = [
        *ArticlePage.search_fields,
        index.SearchField("summary", boost=1.5),
        index.SearchField("body"),
    ]
    template = "kb/policy_page.html"

    kind = "policy"
    kind_label = _("Policy")

    class Meta:
        verbose_name = _("policy page")
        verbose_name_plural = _("policy pages")

    def sections(self) -> list[dict]:
        """Each section with its anchor (a heading that repeats another is numbered), and
        its block, which the template renders with that anchor."""
        anchors = unique_anchors(anchor_for(block.value["heading"]) for block in self.body)
        return [
            {
                "heading": block.value["heading"],
                "body": block.value["body"],
                "anchor": anchor,
                "block": block,
            }
            for block, anchor in zip(self.body, anchors, strict=True)
        ]

    def plain_text(self) -> str:
        parts = [self.intro, _text_of(self.summary)]
        for section in self.sections():
            parts += [section["heading"], _text_of(section["body"])]
        return " ".join(parts)

    def change_history(self) -> list[PolicyVersion]:
        """The public change history, newest first (the source's, for an untranslated copy)."""
        source = queries.fallback_source(self) or self
        return list(PolicyVersion.objects.filter(page_id=source.pk).order_by("-number"))

    @path("history/")
    def history(self, request):
        return self.render(
            request,
            template="kb/policy_history.html",
            context_overrides={"versions": self.change_history()},
        )

    @path("history/compare/")
    def compare(self, request):
        versions = {v.number: v for v in self.change_history()}
        if len(versions) < 2:
            return redirect(self.get_url(request) + "history/")
        newest = max(versions)
        new_number = parse_int(request.GET.get("to", ""), default=newest, low=1, high=newest)
        old_number = parse_int(
            request.GET.get("from", ""), default=new_number - 1, low=0, high=newest
        )
        old, new = versions.get(old_number), versions.get(new_number)
        if old is None or new is None or old_number == new_number:
            messages.info(request, gettext("Choose two different versions to compare."))
            return redirect(self.get_url(request) + "history/")
        if old.number > new.number:
            old, new = new, old
        return self.render(
            request,
            template="kb/policy_compare.html",
            context_overrides={
                "versions": sorted(versions.values(), key=lambda v: -v.number),
                "old": old,
                "new": new,
                "changes": diff.compare_sections(old.sections, new.sections),
            },
        )
