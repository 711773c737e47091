"""The site's own texts in the Wagtail admin: footer links and contact channels, as
translatable snippets (Snippets → Footer links, Contact channels). Saving one forgets the
cached brand (``site_config.apps``), so every page shows it at once."""

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from site_config.models import ContactChannel, FooterLink


class FooterLinkViewSet(SnippetViewSet):
    model = FooterLink
    icon = "link"
    menu_label = _("Footer links")
    list_display = ["label", "url", "site", "sort_order"]
    list_filter = ["locale"]
    ordering = ["sort_order", "pk"]


class ContactChannelViewSet(SnippetViewSet):
    model = ContactChannel
    icon = "mail"
    menu_label = _("Contact channels")
    list_display = ["label", "kind", "value", "hours", "sort_order"]
    list_filter = ["locale", "kind"]
    ordering = ["sort_order", "pk"]


register_snippet(FooterLinkViewSet)
register_snippet(ContactChannelViewSet)
