"""What every page needs of the shop's brand, read once per site and language and kept in the
cache until staff change it (a save or delete of the brand, a footer link or a contact
channel starts a new generation). A page with a warm cache asks the database nothing.

The 500 page reads the same cache and nothing else (``brand_without_database``): it still
carries the brand when the database is what failed.
"""

import hashlib
import logging
import time

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from site_config import colours
from site_config.models import DEFAULT_COLOUR, Brand, ContactChannel, FooterLink

logger = logging.getLogger(__name__)

GENERATION_KEY = "brand:generation"
LAST_KEY = "brand:last"  # the last brand read, for the 500 page
SECONDS = 24 * 3600


def _generation() -> int:
    cache.add(GENERATION_KEY, time.time_ns(), None)
    return cache.get(GENERATION_KEY) or 0


def forget() -> None:
    """Staff changed the brand: every page reads it afresh."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), None)


def defaults() -> dict:
    return {
        "name": "",
        "colour": DEFAULT_COLOUR,
        "colour_dark": colours.darker(DEFAULT_COLOUR),
        "logo_url": "",
        "favicon_url": "",
        "favicon_type": "",
        "footer_links": [],
        "channels": [],
    }


def _image_url(image, spec: str) -> tuple[str, str]:
    """The file to link to and its type: SVG as uploaded, other images as a rendition."""
    if image is None:
        return "", ""
    if image.file.name.lower().endswith(".svg"):
        return image.file.url, "image/svg+xml"
    rendition = image.get_rendition(spec)
    return rendition.url, "image/png" if "png" in spec else ""


def _read(site: Site | None, language: str) -> dict:
    brand = defaults()
    if site is None:
        return brand
    # Not Brand.for_site, which creates the row on first use: reading stays a read.
    setting = Brand.objects.filter(site=site).select_related("logo", "favicon").first() or Brand()
    brand["name"] = setting.name
    if colours.HEX.match(setting.primary_colour or ""):
        brand["colour"] = setting.primary_colour.lower()
        brand["colour_dark"] = colours.darker(brand["colour"])
    try:
        brand["logo_url"], _type = _image_url(setting.logo, "height-80")
        brand["favicon_url"], brand["favicon_type"] = _image_url(
            setting.favicon, "fill-64x64|format-png"
        )
    except (OSError, ValueError):  # a missing or unreadable file: the page still shows
        logger.warning("brand image could not be read", exc_info=True)
    mine = Q(locale__language_code=language) & (Q(site=site) | Q(site__isnull=True))
    brand["footer_links"] = [
        {"label": link.label, "url": link.url} for link in FooterLink.objects.filter(mine)
    ]
    brand["channels"] = [
        {
            "kind": c.kind,
            "kind_label": c.get_kind_display(),
            "label": c.label,
            "value": c.value,
            "hours": c.hours,
            "href": c.href,
        }
        for c in ContactChannel.objects.filter(mine)
    ]
    return brand


def for_request(request) -> dict:
    """The brand of the request's site in the active language (cached)."""
    site = Site.find_for_request(request) if request is not None else None
    return for_site(site, get_language() or "en")


def for_site(site: Site | None, language: str) -> dict:
    """The brand of a site in a language (cached): for what has no request, e-mails."""
    # Every page asks: one round trip to the cache for the generation when it exists.
    generation = cache.get(GENERATION_KEY) or _generation()
    key = f"brand:{generation}:{site.pk if site else 0}:{language}"
    brand = cache.get(key)
    if brand is None:
        brand = _read(site, language)
        cache.set(key, brand, SECONDS)
        cache.set(LAST_KEY, brand, None)
    return finish(brand)


def finish(brand: dict) -> dict:
    """What templates use besides the stored values: the name in the reader's language when
    the shop set none, and a version of the colours for the stylesheet's address."""
    brand = dict(brand)
    brand["display_name"] = brand["name"] or _("Help Center")
    brand["css_version"] = hashlib.blake2b(
        f"{brand['colour']}{brand['colour_dark']}".encode(), digest_size=4
    ).hexdigest()
    return brand


def brand_without_database() -> dict:
    """For the 500 page: the last brand any page read, from the cache only, or the default."""
    try:
        brand = cache.get(LAST_KEY)
    except Exception:  # noqa: BLE001 - the cache may be what failed
        brand = None
    return finish(brand or defaults())


def stylesheet(brand: dict) -> str:
    return f":root{{--brand:{brand['colour']};--brand-dark:{brand['colour_dark']}}}\n"
