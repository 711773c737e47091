"""Knowledge base pages: the home of each language, topics, and three kinds of article.

Every article type shares ``ArticlePage`` (an abstract model, so wagtail-localize sees only
concrete page types): intro, tags, related articles, review dates, reading time and the
structured data each type emits.
"""

import math
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
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

from kb import video
from kb.blocks import (
    TEXT_FEATURES,
    ChapterBlock,
    FaqItemBlock,
    PolicySectionBlock,
    StepBlock,
    anchor_for,
)
from kb.forms import ArticlePageForm
from kb.panels import TranslationStatusPanel
from kb.text import html_to_text

WORDS_PER_MINUTE = 200
RELATED_LIMIT = 4
PROMOTED_LIMIT = 6


class CachedForAnonymousReaders:
    """A page kept whole for anonymous readers (``kb.page_cache``); an article counts a view
    on every hit."""

    def serve(self, request, *args, **kwargs):
        from kb import page_cache

        response = super().serve(request, *args, **kwargs)
        counted = self.pk if isinstance(self, ArticlePage) else None
        page_cache.offer(request, response, count_view_of=counted)
        return response


class HelpCenterPage(CachedForAnonymousReaders, Page):
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
        from kb import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.home_sections(self))
        return context


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


class TopicPage(CachedForAnonymousReaders, Page):
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
        from kb import selectors

        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.topic_sections(self, request))
        return context


class ArticlePage(CachedForAnonymousReaders, Page):
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
        from kb import selectors, services

        if request.method == "GET" and not getattr(request, "is_preview", False):
            services.view_record(page=self)
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.article_context(self, request))
        return context


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
        seen = set()
        for block in self.items:
            value = block.value
            anchor = value.get("anchor") or anchor_for(value["question"])
            base, n = anchor, 2
            while anchor in seen:
                anchor, n = f"{base}-{n}", n + 1
            value["anchor"] = anchor
            seen.add(anchor)

    def questions(self) -> list[dict]:
        return [
            {
                "question": block.value["question"],
                "answer": block.value["answer"],
                "anchor": block.value.get("anchor") or anchor_for(block.value["question"]),
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
        return [
            {
                "heading": block.value["heading"],
                "body": block.value["body"],
                "anchor": anchor_for(block.value["heading"]),
            }
            for block in self.body
        ]

    def plain_text(self) -> str:
        parts = [self.intro, _text_of(self.summary)]
        for section in self.sections():
            parts += [section["heading"], _text_of(section["body"])]
        return " ".join(parts)

    @path("")
    def current(self, request):
        from kb import page_cache

        # Routed pages skip ``serve``: the current version is offered to the cache here.
        response = self.render(request)
        page_cache.offer(request, response, count_view_of=self.pk)
        return response

    @path("history/")
    def history(self, request):
        from kb import views

        return views.policy_history(request, self)

    @path("history/compare/")
    def compare(self, request):
        from kb import views

        return views.policy_compare(request, self)
