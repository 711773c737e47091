from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    """Reports that read across the other apps (knowledge base, forum, search, support) and
    write nothing: what to write next, and how support is doing. It sits above them all, so
    no other app imports it."""

    name = "insights"
    verbose_name = _("Insights")
