"""Response headers Django's SecurityMiddleware does not set (Django 5.2 has no CSP)."""

from django.conf import settings
from django.utils.translation import get_language

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


class RememberLanguageMiddleware:
    """Remember the language of the last language-prefixed page the visitor read.

    Pages without a prefix in their address (``/accounts/...``) take their language from
    this cookie, so a visitor who clicks "Sign up" on ``/de/`` gets the German form. The
    cookie is only written when it changes, so most responses carry no ``Set-Cookie``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        response = self.get_response(request)
        prefix = request.path_info.split("/", 2)[1] if request.path_info.count("/") >= 2 else ""
        if (
            prefix in self.codes
            and prefix == get_language()
            and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != prefix
            and response.status_code < 400
        ):
            remember_language(response, prefix)
        return response


def remember_language(response, language: str) -> None:
    """The language cookie that unprefixed pages (``/accounts/``) follow."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        httponly=True,
    )
