"""Demo knowledge base: a help center home per language, then every topic file in
``kb/demo_content/`` (topics, FAQ pages, how-to videos, policies with two versions), written
in en, tr and de and linked as translations.

Idempotent: pages are found by a translation key derived from their content key, and a page
that exists is left as it is (an editor may have changed it since).
"""

import json
import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files import File
from django.utils import timezone
from django.utils.html import escape
from tqdm import tqdm
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, Locale, Page, Site
from wagtail.rich_text import RichText

from kb.blocks import anchor_for
from kb.models import FaqPage, HelpCenterPage, HowToVideoPage, PolicyPage, PolicyVersion, TopicPage

CONTENT_DIR = Path(__file__).resolve().parent / "demo_content"
ASSETS_DIR = CONTENT_DIR / "assets"
LANGUAGES = ("en", "tr", "de")
NAMESPACE = uuid.UUID("6f1d8a52-5b8e-4d0e-9a53-2c3b7f0e9d11")

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


def key_for(content_key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, content_key)


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def load(command) -> None:
    home = _ensure_english_home()
    locales = {code: Locale.objects.get(language_code=code) for code in LANGUAGES}
    homes = {"en": home}
    for code in LANGUAGES[1:]:
        homes[code] = _ensure_home_translation(home, locales[code], HOMES[code])
    topics = sorted(
        (json.loads(path.read_text(encoding="utf-8")) for path in CONTENT_DIR.glob("*.json")),
        key=lambda t: t["order"],
    )
    articles = sum(len(t["articles"]) for t in topics)
    with tqdm(total=len(topics) + articles, desc="  articles", file=command.stdout) as progress:
        for topic in topics:
            topic_pages = _ensure_translated(home, TopicPage, topic["key"], topic, _topic_fields)
            progress.update()
            for article in topic["articles"]:
                _load_article(topic_pages["en"], article)
                progress.update()
    if topics:
        _ensure_untranslated_article(home, topics[0])
    _ensure_locale_synchronisation(locales)
    _ensure_brand(locales)
    _ensure_home_extras(homes)
    topic_count = len({t["key"] for t in topics})
    command.stdout.write(f"  help center: {topic_count} topics, {articles} articles per language")


# --- pages -----------------------------------------------------------------------------------


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
    _point_site_at(home)
    return home


def _point_site_at(home: HelpCenterPage) -> None:
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


def _ensure_home_translation(home, locale, text) -> HelpCenterPage:
    translation = home.get_translation_or_none(locale)
    if translation is None:
        translation = home.copy_for_translation(locale)
        translation = translation.specific
        translation.title = text["title"]
        translation.intro = text["intro"]
        translation.save_revision().publish()
    return translation.specific


def _ensure_translated(parent_en, model, content_key, data, fields_for) -> dict[str, Page]:
    """The English page under ``parent_en`` and its tr/de translations, created if missing."""
    tags = data.get("tags", {})
    translation_key = key_for(content_key)
    pages = {
        p.locale.language_code: p
        for p in Page.objects.filter(translation_key=translation_key).select_related("locale")
    }
    if "en" not in pages:
        english = model(
            locale=parent_en.locale,
            translation_key=translation_key,
            **fields_for(data["en"], data),
        )
        if tags.get("en"):
            english.tags.add(*tags["en"])
        parent_en.add_child(instance=english)
        english.save_revision().publish()
        pages["en"] = english
    for code in LANGUAGES[1:]:
        if code in pages:
            continue
        copy = pages["en"].specific.copy_for_translation(Locale.objects.get(language_code=code))
        copy = copy.specific
        for name, value in fields_for(data[code], data).items():
            setattr(copy, name, value)
        if hasattr(copy, "tags"):
            # The copy came with the English tags; each language has its own words.
            copy.tags.set(tags.get(code, []))
        copy.save_revision().publish()
        pages[code] = copy
    return pages


def _topic_fields(text, data) -> dict:
    return {
        "title": text["title"],
        "slug": text["slug"],
        "intro": text["intro"],
        "search_description": text["description"],
    }


def _article_fields(text) -> dict:
    return {
        "title": text["title"],
        "slug": text["slug"],
        "intro": text.get("intro") or text["description"],
        "search_description": text["description"],
        "last_reviewed_at": timezone.localdate() - timedelta(days=20),
    }


def _faq_fields(text, data) -> dict:
    return {
        **_article_fields(text),
        "items": [
            (
                "item",
                {
                    "question": item["question"],
                    "answer": RichText(paragraphs(item["answer"])),
                    "anchor": anchor_for(item["question"]),
                },
            )
            for item in text["items"]
        ],
    }


def _video_length(key: str, declared: int) -> int:
    """The demo video's real length (written by make_media.py), else the declared one."""
    lengths_file = ASSETS_DIR / "lengths.json"
    lengths = json.loads(lengths_file.read_text()) if lengths_file.exists() else {}
    return int(lengths.get(key, declared))


def _howto_fields(text, data) -> dict:
    language = _language_of(text, data)
    declared = data["video_seconds"]
    real = _video_length(f"{data['key']}-{language}", declared)
    return {
        **_article_fields(text),
        "video_seconds": real,
        "total_minutes": data["duration_minutes"],
        "video_file": _demo_video(data["key"], language),
        "poster": _demo_poster(data["key"], language, text["title"]),
        "you_need": [("thing", thing) for thing in text["you_need"]],
        "steps": [
            (
                "step",
                {"title": s["title"], "text": RichText(paragraphs([s["text"]])), "image": None},
            )
            for s in text["steps"]
        ],
        "chapters": [
            ("chapter", {"seconds": round(c["seconds"] * real / declared), "title": c["title"]})
            for c in text["chapters"]
        ],
        "transcript": paragraphs(text["transcript"]),
    }


def _policy_fields_for(version):
    def fields(text, data) -> dict:
        version_text = version[_language_of(text, data)]
        return {
            **_article_fields(text),
            "intro": version_text["summary"][0],
            "summary": "<ul>"
            + "".join(f"<li>{escape(point)}</li>" for point in version_text["summary"])
            + "</ul>",
            "body": [
                (
                    "section",
                    {
                        "heading": section["heading"],
                        "body": RichText(paragraphs(section["paragraphs"])),
                    },
                )
                for section in version_text["sections"]
            ],
            "effective_date": date.fromisoformat(version["effective_date"]),
            "change_note": version_text["change_note"],
        }

    return fields


def _language_of(text, data) -> str:
    return next(code for code in LANGUAGES if data.get(code) is text)


def _load_article(topic_en, article) -> None:
    kind = article["type"]
    if kind == "faq":
        _ensure_translated(topic_en, FaqPage, article["key"], article, _faq_fields)
    elif kind == "howto":
        _ensure_translated(topic_en, HowToVideoPage, article["key"], article, _howto_fields)
    else:
        _load_policy(topic_en, article)


def _load_policy(topic_en, article) -> dict[str, Page]:
    """Publish every version in order, so each language has its public change history."""
    first, *later = article["versions"]
    pages = _ensure_translated(
        topic_en, PolicyPage, article["key"], article, _policy_fields_for(first)
    )
    for code, page in pages.items():
        page = page.specific
        if PolicyVersion.objects.filter(page=page).count() > 1:
            continue
        for version in later:
            for name, value in _policy_fields_for(version)(article[code], article).items():
                setattr(page, name, value)
            page.save_revision().publish()
        _backdate_versions(page, article["versions"])
    return pages


def _backdate_versions(page, versions) -> None:
    """Demo versions were published before they took effect, not all today."""
    for number, version in enumerate(versions, start=1):
        published = timezone.make_aware(
            datetime.combine(date.fromisoformat(version["effective_date"]), time(9))
            - timedelta(days=21)
        )
        PolicyVersion.objects.filter(page=page, number=number).update(published_at=published)
        if number == 1:
            Page.objects.filter(pk=page.pk).update(first_published_at=published)
        if number == len(versions):
            Page.objects.filter(pk=page.pk).update(last_published_at=published)


# An article written in English only, so the demo shows what a Turkish or German reader sees
# before the translators get to a new article: the English text with a notice, never a 404.
GIFT_CARDS = {
    "slug": "gift-cards",
    "title": "Gift cards and vouchers",
    "description": "Buying, redeeming and checking the balance of Nordlicht gift cards.",
    "intro": "Everything about Nordlicht gift cards and discount vouchers.",
    "items": [
        {
            "question": "Where do I enter a gift card or voucher code?",
            "answer": [
                "At checkout, open “Gift card or voucher” under the order summary, type the "
                "code and choose Apply. The amount is taken off straight away."
            ],
        },
        {
            "question": "Can I use more than one gift card on an order?",
            "answer": [
                "Yes, up to three gift cards per order. Discount vouchers cannot be combined: "
                "the one that saves you the most is kept."
            ],
        },
        {
            "question": "How long is a gift card valid?",
            "answer": ["Three years from the end of the year you bought it in."],
        },
        {
            "question": "How do I check my gift card balance?",
            "answer": [
                "Enter the code at checkout without placing the order, or ask us in the chat. "
                "The balance is also printed on every receipt that used the card."
            ],
        },
    ],
}


def _ensure_untranslated_article(home, first_topic) -> None:
    topic = Page.objects.get(translation_key=key_for(first_topic["key"]), locale=home.locale)
    if FaqPage.objects.filter(translation_key=key_for("gift-cards")).exists():
        return
    page = FaqPage(
        locale=home.locale,
        translation_key=key_for("gift-cards"),
        **_faq_fields(GIFT_CARDS, {"en": GIFT_CARDS}),
    )
    topic.add_child(instance=page)
    page.save_revision().publish()
    page.tags.add("gift card", "voucher")
    page.save_revision().publish()


# --- the brand ---------------------------------------------------------------------------------

# The demo shop's look (Settings → Brand) and its texts in three languages (Snippets).
BRAND = {"name": "Nordlicht", "primary_colour": "#0b5a55"}
FOOTER_LINKS = [  # content key of a policy page, label per language
    ("privacy-policy", {"en": "Privacy", "tr": "Gizlilik", "de": "Datenschutz"}),
    ("shipping-policy", {"en": "Shipping", "tr": "Kargo", "de": "Versand"}),
    ("returns-policy", {"en": "Returns", "tr": "İade", "de": "Rücksendungen"}),
]
CONTACT_CHANNELS = [
    {
        "key": "email",
        "kind": "email",
        "value": "support@nordlicht.example",
        "label": {"en": "E-mail us", "tr": "E-posta gönderin", "de": "Schreib uns"},
        "hours": {
            "en": "We answer within one business day",
            "tr": "Bir iş günü içinde yanıtlıyoruz",
            "de": "Wir antworten innerhalb eines Werktags",
        },
    },
    {
        "key": "phone",
        "kind": "phone",
        "value": "+49 30 1234 5678",
        "label": {"en": "Call us", "tr": "Bizi arayın", "de": "Ruf uns an"},
        "hours": {
            "en": "Monday to Friday, 9:00 to 18:00 (Berlin time)",
            "tr": "Pazartesi-Cuma, 9.00-18.00 (Berlin saati)",
            "de": "Montag bis Freitag, 9 bis 18 Uhr",
        },
    },
]


TOPIC_ICONS = {"orders": "cart", "shipping": "truck", "returns": "return", "account": "user"}
PROMOTED = ["track-a-parcel", "start-a-return", "refund-questions"]


def _ensure_home_extras(homes) -> None:
    """Topic icons, and the articles editors put first on each home."""
    from kb.models import HomePromotedArticle

    for key, icon in TOPIC_ICONS.items():
        TopicPage.objects.filter(translation_key=key_for(key)).update(icon=icon)
    for home in homes.values():
        if HomePromotedArticle.objects.filter(home=home).exists():
            continue  # the editors' choice is kept on a rerun
        articles = {
            p.translation_key: p
            for p in Page.objects.filter(
                locale=home.locale, translation_key__in=[key_for(k) for k in PROMOTED]
            )
        }
        HomePromotedArticle.objects.bulk_create(
            HomePromotedArticle(home=home, article=articles[key_for(k)], sort_order=n)
            for n, k in enumerate(PROMOTED)
            if key_for(k) in articles
        )


def _ensure_brand(locales) -> None:
    from site_config.models import Brand, ContactChannel, FooterLink

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    brand = Brand.for_site(site)
    if not brand.name:  # the shop's own changes are kept on a rerun
        brand.name = BRAND["name"]
        brand.primary_colour = BRAND["primary_colour"]
        brand.logo = _demo_asset(Image, "brand-logo", "all", "svg")
        brand.save()
    for order, (key, labels) in enumerate(FOOTER_LINKS):
        for code, locale in locales.items():
            page = Page.objects.filter(translation_key=key_for(key), locale=locale).first()
            if page is None:
                continue
            FooterLink.objects.get_or_create(
                translation_key=key_for(f"footer:{key}"),
                locale=locale,
                defaults={"label": labels[code], "url": page.url, "sort_order": order},
            )
    for order, channel in enumerate(CONTACT_CHANNELS):
        for code, locale in locales.items():
            ContactChannel.objects.get_or_create(
                translation_key=key_for(f"contact:{channel['key']}"),
                locale=locale,
                defaults={
                    "kind": channel["kind"],
                    "value": channel["value"],
                    "label": channel["label"][code],
                    "hours": channel["hours"][code],
                    "sort_order": order,
                },
            )


# --- media -----------------------------------------------------------------------------------


def _demo_asset(model, key: str, language: str, suffix: str):
    """The committed demo file as a Wagtail image or document, stored once."""
    path = ASSETS_DIR / f"{key}-{language}.{suffix}"
    if not path.exists():
        return None
    title = f"demo:{key}:{language}"
    existing = model.objects.filter(title=title).first()
    if existing:
        return existing
    # Images and documents live in a collection; a flushed database (transactional tests,
    # ``flush``) has lost the root one Wagtail's migrations made.
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    with path.open("rb") as handle:
        return model.objects.create(title=title, file=File(handle, path.name))


def _demo_poster(key: str, language: str, title: str) -> Image | None:
    return _demo_asset(Image, key, language, "png")


def _demo_video(key: str, language: str) -> Document | None:
    return _demo_asset(Document, key, language, "webm")


def _ensure_locale_synchronisation(locales) -> None:
    """New English articles appear in tr and de at once (as aliases, shown with a notice)
    until someone translates them: a reader never meets a 404 for a missing translation."""
    from wagtail_localize.models import LocaleSynchronization
    from wagtail_localize.synctree import synchronize_tree

    for code in LANGUAGES[1:]:
        LocaleSynchronization.objects.get_or_create(
            locale=locales[code], defaults={"sync_from": locales["en"]}
        )
        # Only creates what is missing, so a second run changes nothing.
        synchronize_tree(locales["en"], locales[code])
