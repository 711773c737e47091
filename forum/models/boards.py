from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.models import Orderable

# Path segments the forum's own pages use under /<lang>/forum/: no board may take them.
RESERVED_BOARD_SLUGS = frozenset(
    {
        "ask",
        "t",
        "p",
        "u",
        "official",
        "staff",
        "moderation",
        "notifications",
        "unsubscribe",
        "preview",
        "suggest",
        "feed",
        "watch",
    }
)


def validate_board_slug(value: str) -> None:
    if value in RESERVED_BOARD_SLUGS:
        raise ValidationError(_("This address is used by the forum itself."), code="reserved")


class Board(ClusterableModel):
    """A place for questions on one subject, shared by every language; its name is given
    per language (or taken from the linked knowledge base topic)."""

    slug = models.SlugField(_("slug"), unique=True, validators=[validate_board_slug])
    name = models.CharField(_("name"), max_length=80, help_text=_("In English, the source."))
    description = models.CharField(_("description"), max_length=255, blank=True)
    topic = models.ForeignKey(
        "kb.TopicPage",
        verbose_name=_("knowledge base topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Its FAQ pages are offered first when staff promote an answer from this board to "
            "the knowledge base."
        ),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("topic"),
        FieldPanel("sort_order"),
        InlinePanel("translations", label=_("Translations")),
    ]

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("board")
        verbose_name_plural = _("boards")

    def __str__(self) -> str:
        return self.name

    def _translation(self, language: str):
        # Uses the prefetched translations when a list view asked for them.
        for item in self.translations.all():
            if item.language == language:
                return item
        return None

    def localized_name(self, language: str | None = None) -> str:
        item = self._translation(language or get_language())
        return item.name if item else self.name

    def localized_description(self, language: str | None = None) -> str:
        item = self._translation(language or get_language())
        return item.description if item and item.description else self.description


class BoardTranslation(Orderable):
    board = ParentalKey(Board, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=255, blank=True)

    panels = [FieldPanel("language"), FieldPanel("name"), FieldPanel("description")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(fields=["board", "language"], name="board_language_unique")
        ]
        verbose_name = _("board translation")
