"""/sitemap.xml: every live public page of every language, each with its translations as
hreflang alternates (aliases and translations in progress, which show another language's
text, are left out)."""

from collections import defaultdict

from django.conf import settings
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from kb.selectors import shows_source_text


class HelpCenterSitemap(Sitemap):
    def items(self):
        site = self.get_wagtail_site()
        roots = Page.objects.filter(translation_key=site.root_page.translation_key)
        pages = Page.objects.none()
        for root in roots:
            pages |= Page.objects.descendant_of(root, inclusive=True)
        return (
            pages.live()
            .public()
            .exclude(shows_source_text())
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
        )

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        alternates: dict = defaultdict(list)
        for item in items:
            alternates[item.translation_key].append(item)
        default = settings.LANGUAGE_CODE
        urls = []
        for item in items:
            versions = alternates[item.translation_key]
            entry = {
                "item": item,
                "location": item.get_full_url(self.request),
                "lastmod": item.last_published_at or item.latest_revision_created_at,
            }
            if len(versions) > 1:
                entry["alternates"] = [
                    {"lang_code": v.locale.language_code, "location": v.get_full_url(self.request)}
                    for v in versions
                ]
                source = next((v for v in versions if v.locale.language_code == default), None)
                if source:
                    entry["alternates"].append(
                        {"lang_code": "x-default", "location": source.get_full_url(self.request)}
                    )
            urls.append(entry)
        self.latest_lastmod = max((u["lastmod"] for u in urls if u["lastmod"]), default=None)
        return urls
