"""Template tags for the site layout: the language switcher and hreflang alternates."""

from urllib.parse import quote, urljoin

from django import template
from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.translation import get_language
from wagtail.models import Page

register = template.Library()


def _translation_urls(page: Page, request) -> dict[str, str]:
    """URLs of the live translations of ``page`` by language code, in one query."""
    translations = (
        Page.objects.live()
        .public()
        # An alias shows another language's text: it is no translation to point people to.
        .filter(translation_key=page.translation_key, alias_of__isnull=True)
        .select_related("locale")
    )
    return {t.locale.language_code: t.get_url(request) for t in translations}


def _is_language_prefixed(request) -> bool:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    # i18n_patterns resolve only under a language prefix; plain routes (/accounts/) don't.
    prefix = f"/{get_language()}/"
    return request.path_info.startswith(prefix) and match is not None


@register.simple_tag(takes_context=True)
def language_versions(context) -> list[dict]:
    """For each language: where the switcher sends the visitor, and whether it is a real
    translation of the current page (only those become hreflang alternates)."""
    request = context.get("request")
    if request is None:
        return []
    current = get_language()
    page = context.get("page")
    # Views that are not Wagtail pages but exist in some languages only (forum threads)
    # pass their versions as ``language_alternates`` (code → URL).
    translations = context.get("language_alternates")
    fallbacks = context.get("language_fallbacks") or {}
    if translations is None and isinstance(page, Page):
        translations = _translation_urls(page, request)
    prefixed = translations is None and _is_language_prefixed(request)
    versions = []
    for code, name in settings.LANGUAGES:
        if translations is not None:
            url = translations.get(code)
            exact = url is not None
            # No translation yet: the visitor lands on that language's home, not a 404.
            url = url or fallbacks.get(code) or f"/{code}/"
        elif prefixed:
            url, exact = translate_url(request.get_full_path(), code), True
        else:
            # Unprefixed pages (accounts) take their language from the cookie we set.
            url, exact = request.get_full_path(), False
        versions.append(
            {
                "code": code,
                "name": name,
                "url": url,
                # The public address (as in canonical links and the sitemap), not whatever
                # host the request came in on behind the load balancer.
                "absolute_url": urljoin(f"{settings.BASE_URL}/", url.lstrip("/")),
                "exact": exact,
                "current": code == current,
                "switch_url": f"{reverse('switch_language', args=[code])}?next={quote(url)}",
            }
        )
    return versions


@register.filter
def exact_versions(versions: list[dict]) -> list[dict]:
    """Only the languages the current page really exists in (hreflang alternates)."""
    return [v for v in versions if v["exact"]]
