from urllib.parse import urlencode

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def search_url(results, **changes) -> str:
    """This search's address with some parameters changed (facets, pages); empty drops one."""
    filters = results.filters
    params = {
        "q": results.query,
        "lang": results.language,
        "type": filters.get("kind", ""),
        "topic": filters.get("topic", ""),
        "solved": {True: "yes", False: "no"}.get(filters.get("solved"), ""),
        "page": results.page if results.page > 1 else "",
    }
    params.update(changes)
    return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


@register.filter
def kind_label(kind: str) -> str:
    return {
        "faq": _("FAQ"),
        "video": _("Video guide"),
        "policy": _("Policy"),
        "thread": _("Community"),
    }.get(kind, kind)


@register.filter(name="get")
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
