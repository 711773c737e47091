"""StreamField blocks of the knowledge base. Each block's template is in templates/blocks/."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

from site_config.slugs import ascii_slug

# What editors may use in answers and policy text: enough to be clear, nothing to misuse.
TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]
# The HTML those features hold: what text made elsewhere (an answer promoted from the forum)
# is cut down to before it becomes an article's rich text.
TEXT_TAGS = frozenset({"p", "br", "a", "ul", "ol", "li", "b", "i", "strong", "em"})
TEXT_ATTRIBUTES = {"a": frozenset({"href"})}


def anchor_for(text: str) -> str:
    """An ASCII anchor that survives any language (``İade süresi`` → ``iade-suresi``)."""
    return ascii_slug(text, default="item")


def unique_anchors(anchors) -> list[str]:
    """The anchors in order, each one that repeats an earlier one numbered (``same``,
    ``same-2``, ``same-3``): one id per element on a page, so every link lands."""
    seen, unique = set(), []
    for anchor in anchors:
        candidate, n = anchor, 2
        while candidate in seen:
            candidate, n = f"{anchor}-{n}", n + 1
        seen.add(candidate)
        unique.append(candidate)
    return unique


def item_anchor(value) -> str:
    """The anchor an FAQ question is linked by: the editor's, else made from the question
    (``FaqPage.clean`` numbers one that repeats another on the page)."""
    return value.get("anchor") or anchor_for(value["question"])


class AnchorBlock(blocks.CharBlock):
    """An id that links point at (``/returns/#how-long``): the same in every language, so
    wagtail-localize copies it to translations instead of offering it as text to translate
    (its hooks for a block's translatable segments)."""

    def get_translatable_segments(self, value):
        return []

    def restore_translated_segments(self, value, segments):
        return value


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=255)
    answer = blocks.RichTextBlock(label=_("Answer"), features=TEXT_FEATURES)
    anchor = AnchorBlock(
        label=_("Link anchor"),
        required=False,
        max_length=60,
        help_text=_(
            "The part after # in a link to this question. Made from the question when empty; "
            "keep it when you reword the question so shared links keep working."
        ),
    )

    class Meta:
        icon = "help"
        label = _("Question and answer")
        template = "blocks/faq_item.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["anchor"] = item_anchor(value)
        return context


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Step"), max_length=200)
    text = blocks.RichTextBlock(label=_("What to do"), features=TEXT_FEATURES)
    image = ImageChooserBlock(label=_("Image"), required=False)

    class Meta:
        icon = "list-ol"
        label = _("Step")


class ChapterBlock(blocks.StructBlock):
    seconds = blocks.IntegerBlock(label=_("Starts at (seconds)"), min_value=0)
    title = blocks.CharBlock(label=_("Chapter"), max_length=120)

    class Meta:
        icon = "time"
        label = _("Chapter")


class PolicySectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=160)
    body = blocks.RichTextBlock(label=_("Text"), features=TEXT_FEATURES)

    class Meta:
        icon = "doc-full"
        label = _("Section")
        template = "blocks/policy_section.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # The page numbers a heading that repeats another (PolicyPage.sections).
        context["anchor"] = context.get("section_anchor") or anchor_for(value["heading"])
        return context
