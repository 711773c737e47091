"""Response headers Django's SecurityMiddleware does not set (Django 5.2 has no CSP)."""

from django.conf import settings

# The Wagtail and Django admins rely on inline scripts and styles we do not control; they
# are staff-only behind login, so they get the headers below but not the public CSP.
_ADMIN_PREFIXES = ("/admin/", "/django-admin/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(_ADMIN_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        return response
