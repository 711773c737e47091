"""Response headers Django's SecurityMiddleware does not set (Django 5.2 has no CSP), the
language cookie, and text input without control characters."""

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import get_language

from site_config.text import without_control_characters

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


class CleanInputMiddleware:
    """Every text field of every form (ours, allauth's, the admins') arrives without control
    characters (``site_config.text``): the query string, and a form's fields once CSRF
    has read them (it reads a form POST before any view it protects, so this changes
    nothing about when a body is parsed; views exempt from CSRF are left alone, and
    uploaded files are not text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if cleaned := _cleaned(request.GET):
            request.GET = cleaned
        form = request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
        # A view exempt from CSRF may read the body itself: its form is not parsed here.
        exempt = getattr(view_func, "csrf_exempt", False)
        if request.method == "POST" and form and not exempt and (cleaned := _cleaned(request.POST)):
            request.POST = cleaned


def _cleaned(data: QueryDict) -> QueryDict | None:
    """A copy of ``data`` without control characters, or None when it has none."""
    changed = False
    copy = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        clean_key = without_control_characters(key)
        clean_values = [without_control_characters(v) for v in values]
        changed |= clean_key != key or clean_values != values
        copy.setlist(clean_key, clean_values)
    if not changed:
        return None
    # Immutable, as Django's own request data, in the request's own encoding.
    return QueryDict(copy.urlencode(), encoding=data.encoding)
