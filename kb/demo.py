"""Demo knowledge base: one help center home per language, linked as translations."""

from urllib.parse import urlsplit

from django.conf import settings
from wagtail.models import Locale, Page, Site

from kb.models import HelpCenterPage

HOMES = {
    "en": {
        "title": "How can we help?",
        "intro": "Answers about orders, delivery, returns and your account, day and night. "
        "Search first, or ask the community.",
    },
    "tr": {
        "title": "Size nasıl yardımcı olabiliriz?",
        "intro": "Siparişler, teslimat, iadeler ve hesabınızla ilgili yanıtlar gece gündüz "
        "burada. Önce arayın, bulamazsanız topluluğa sorun.",
    },
    "de": {
        "title": "Wie können wir helfen?",
        "intro": "Antworten zu Bestellungen, Lieferung, Rücksendungen und deinem Konto, rund um "
        "die Uhr. Such zuerst oder frag die Community.",
    },
}


def load(command) -> None:
    home = _ensure_english_home()
    for code, text in HOMES.items():
        if code == "en":
            continue
        locale = Locale.objects.get(language_code=code)
        translation = home.get_translation_or_none(locale)
        if translation is None:
            translation = home.copy_for_translation(locale)
        translation = translation.specific
        if (translation.title, translation.intro, translation.live) != (
            text["title"],
            text["intro"],
            True,
        ):
            translation.title = text["title"]
            translation.intro = text["intro"]
            translation.save_revision().publish()
    command.stdout.write(f"  help center homes: {', '.join(HOMES)}")


def _ensure_english_home() -> HelpCenterPage:
    locale = Locale.objects.get(language_code="en")
    home = HelpCenterPage.objects.filter(locale=locale, depth=2).first()
    if home is None:
        # Wagtail's migrations make the tree root; a flushed database (transactional tests,
        # ``flush``) has none, so the demo recreates it rather than failing.
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root", locale=locale)
        )
        home = root.add_child(
            instance=HelpCenterPage(
                title=HOMES["en"]["title"], slug="help", intro=HOMES["en"]["intro"], locale=locale
            )
        )
        home.save_revision().publish()
    address = urlsplit(settings.BASE_URL)
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname=address.hostname, port=port, root_page=home, is_default_site=True
        )
    if (site.hostname, site.port) != (address.hostname, port):
        # Absolute links (sitemap, e-mails) must point where the site is really served.
        site.hostname, site.port = address.hostname, port
        site.save()
    if site.root_page_id != home.pk:
        old_root = site.root_page
        site.root_page = home
        site.site_name = "Help Center"
        site.save()
        # Wagtail's "Welcome to your new Wagtail site!" placeholder has no place here.
        if not isinstance(old_root.specific, HelpCenterPage) and old_root.depth == 2:
            old_root.delete()
    return home
