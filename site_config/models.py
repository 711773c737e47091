"""The shop's brand, set by staff in the Wagtail admin (Settings → Brand, Snippets → Footer
links and Contact channels): no code change to rebrand.

``Brand`` is per site (name, logo, favicon, colour). The texts a reader reads in their
language, footer links and contact channels, are translatable snippets (wagtail-localize
translates them like pages), each for one site or for every site. What a page needs of all
this is read once and kept in the cache (``site_config.branding``).
"""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.images import get_image_model_string
from wagtail.models import TranslatableMixin

from site_config import colours

DEFAULT_COLOUR = "#0b5cad"


def validate_brand_colour(value: str) -> None:
    if not colours.HEX.match(value or ""):
        return  # the format validator says what is wrong
    ratio = colours.weakest_contrast(value)
    if ratio < colours.AA_TEXT:
        raise ValidationError(
            _(
                "This colour is too light for text: its contrast is %(ratio).1f:1 where WCAG AA "
                "asks for at least 4.5:1 (white text on it, and links on the page). Choose a "
                "darker shade."
            ),
            params={"ratio": ratio},
            code="contrast",
        )


@register_setting(icon="image")
class Brand(BaseSiteSetting):
    name = models.CharField(
        _("shop name"),
        max_length=60,
        blank=True,
        help_text=_(
            "Shown in the header, in page titles and in e-mails. Leave empty for “Help "
            "Center” in the reader's language."
        ),
    )
    logo = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("SVG or an image at least 80 pixels tall; shown beside the name."),
    )
    favicon = models.ForeignKey(
        get_image_model_string(),
        verbose_name=_("favicon"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A square image (SVG, or PNG of 64 pixels or more) for browser tabs."),
    )
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default=DEFAULT_COLOUR,
        validators=[
            RegexValidator(colours.HEX, _("Write the colour as # and six hex digits: #0b5cad.")),
            validate_brand_colour,
        ],
        help_text=_(
            "Buttons, links and the logo mark. It must be dark enough for white text on it "
            "(WCAG AA, 4.5:1)."
        ),
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [FieldPanel("logo"), FieldPanel("favicon"), FieldPanel("primary_colour")],
            heading=_("Look"),
        ),
    ]

    class Meta:
        verbose_name = _("brand")


class SiteTexts(TranslatableMixin, models.Model):
    """What footer links and contact channels share: one site or all, and an order."""

    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Leave empty to show it on every site."),
    )
    sort_order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers come first.")
    )

    class Meta(TranslatableMixin.Meta):
        abstract = True
        ordering = ["sort_order", "pk"]


class FooterLink(SiteTexts):
    label = models.CharField(_("label"), max_length=60)
    url = models.CharField(
        _("address"),
        max_length=300,
        help_text=_("A page of this site (/en/…) or a full address (https://…)."),
        validators=[
            RegexValidator(
                r"^(/(?!/)|https://|mailto:)",
                _("Start with / for this site, or https:// or mailto:."),
            )
        ],
    )

    panels = [FieldPanel("label"), FieldPanel("url"), FieldPanel("site"), FieldPanel("sort_order")]

    class Meta(SiteTexts.Meta):
        verbose_name = _("footer link")
        verbose_name_plural = _("footer links")

    def __str__(self):
        return self.label


class ContactChannel(SiteTexts):
    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EMAIL)
    label = models.CharField(_("label"), max_length=60, help_text=_("For example: Call us"))
    value = models.CharField(
        _("address or number"),
        max_length=200,
        help_text=_("An e-mail address, a phone number, or a chat page's https:// address."),
    )
    hours = models.CharField(
        _("hours"),
        max_length=120,
        blank=True,
        help_text=_("When someone answers, in words: Monday to Friday, 9:00 to 18:00"),
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("label"),
        FieldPanel("value"),
        FieldPanel("hours"),
        FieldPanel("site"),
        FieldPanel("sort_order"),
    ]

    class Meta(SiteTexts.Meta):
        verbose_name = _("contact channel")
        verbose_name_plural = _("contact channels")

    def __str__(self):
        return f"{self.label}: {self.value}"

    def clean(self):
        super().clean()
        value = (self.value or "").strip()
        if self.kind == self.Kind.EMAIL and ("@" not in value or " " in value):
            raise ValidationError({"value": _("Enter an e-mail address.")})
        if self.kind == self.Kind.PHONE and not any(c.isdigit() for c in value):
            raise ValidationError({"value": _("Enter a phone number.")})
        if self.kind == self.Kind.CHAT and not value.startswith("https://"):
            raise ValidationError({"value": _("A chat is an https:// address.")})

    @property
    def href(self) -> str:
        value = self.value.strip()
        if self.kind == self.Kind.EMAIL:
            return f"mailto:{value}"
        if self.kind == self.Kind.PHONE:
            return "tel:" + "".join(c for c in value if c.isdigit() or c == "+")
        return value if value.startswith("https://") else ""
