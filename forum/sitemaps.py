"""Visible forum threads in /sitemap.xml, each at its own language's address, with its
translations (threads sharing a translation key) as hreflang alternates."""

from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap

from forum.models import Thread
from forum.models.threads import Visibility


class ForumSitemap(Sitemap):
    limit = 5000

    def items(self):
        return (
            Thread.objects.filter(visibility=Visibility.VISIBLE, merged_into__isnull=True)
            .only("pk", "title", "language", "translation_key", "last_activity_at")
            .order_by("pk")
        )

    # The public address (BASE_URL), as the rest of the sitemap uses, not the request's host.
    def get_protocol(self, protocol=None):
        return urlsplit(settings.BASE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.BASE_URL).netloc

    def location(self, item):
        return item.get_absolute_url()

    def lastmod(self, item):
        return item.last_activity_at

    def _urls(self, page, protocol, domain):
        urls = super()._urls(page, protocol, domain)
        keys = {entry["item"].translation_key for entry in urls}
        versions = defaultdict(list)
        for thread in (
            self.items()
            .filter(translation_key__in=keys)
            .only("pk", "title", "language", "translation_key")
        ):
            versions[thread.translation_key].append(thread)
        for entry in urls:
            group = versions[entry["item"].translation_key]
            if len(group) > 1:
                entry["alternates"] = [
                    {"lang_code": t.language, "location": settings.BASE_URL + t.get_absolute_url()}
                    for t in group
                ]
        return urls
