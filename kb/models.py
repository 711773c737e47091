from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page


class HelpCenterPage(Page):
    """The root of one language's help center, served at ``/<lang>/``."""

    intro = models.TextField(
        _("intro"),
        blank=True,
        help_text=_("One or two sentences under the search box: what customers can find here."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["wagtailcore.Page"]
    template = "kb/help_center_page.html"

    class Meta:
        verbose_name = _("help center home")
        verbose_name_plural = _("help center homes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = self.get_children().live().public().specific()
        return context
