"""The public URL patterns, found by walking the resolver: what the CSRF and leak tests
check against, so that a new endpoint or feed is noticed."""

from django.urls import URLResolver, get_resolver

# Staff-only, behind sign-in, and kept by Django and Wagtail.
STAFF_ONLY_PREFIXES = ("admin/", "django-admin/")


def public_patterns(patterns=None, prefix=""):
    """(name, route, view) of every URL pattern outside the staff-only admins."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if route.startswith(STAFF_ONLY_PREFIXES):
                continue
            namespace = f"{pattern.namespace}:" if pattern.namespace else ""
            for name, sub_route, view in public_patterns(pattern.url_patterns, route):
                yield (f"{namespace}{name}" if name else None), sub_route, view
        else:
            yield pattern.name, route, pattern.callback
