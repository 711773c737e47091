from django.utils.functional import SimpleLazyObject

from site_config import branding


def brand(request):
    """``brand`` in every template: read only when a template uses it (cached)."""
    return {"brand": SimpleLazyObject(lambda: branding.for_request(request))}
