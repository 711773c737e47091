import logging

from django.conf import settings
from django.contrib import messages
from django.http import (
    Http404,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from site_config.middleware import remember_language

logger = logging.getLogger(__name__)


@require_GET
@never_cache
def switch_language(request, language: str):
    """Remember the visitor's language and send them to the page in that language.

    Needed for pages without a language prefix (``/accounts/``), whose language comes only
    from the cookie; on prefixed pages ``RememberLanguageMiddleware`` would set it anyway.

    A plain link rather than Django's POST-only ``set_language``: the switcher then needs no
    CSRF token, so public pages stay cacheable, and it works without JavaScript. The only
    thing a forged link can do is change the language cookie, which the URL prefix overrides
    on every public page anyway.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404("Unknown language")
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = f"/{language}/"
    response = HttpResponseRedirect(target)
    remember_language(response, language)
    return response


# Guesses at a page's or a document's password, per visitor address.
PASSWORD_ATTEMPTS = (10, 600)


def _password_guarded(wagtail_view, scope: str):
    """Wagtail's password forms for protected pages and documents count no attempts: a
    password could be guessed at leisure. Each address gets ``PASSWORD_ATTEMPTS``."""
    from django.http import HttpResponse
    from django.utils.translation import gettext as _

    from site_config import ratelimit

    def view(request, *args, **kwargs):
        limit, period = PASSWORD_ATTEMPTS
        if request.method == "POST" and not ratelimit.hit(
            scope, ratelimit.client_ip(request), limit=limit, period=period
        ):
            message = _("Too many password attempts. Please try again in a few minutes.")
            return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        return wagtail_view(request, *args, **kwargs)

    return view


def page_password(request, *args, **kwargs):
    from wagtail.views import authenticate_with_password

    return _password_guarded(authenticate_with_password, "page-password")(request, *args, **kwargs)


def document_password(request, *args, **kwargs):
    from wagtail.documents.views.serve import authenticate_with_password

    return _password_guarded(authenticate_with_password, "document-password")(
        request, *args, **kwargs
    )


def favicon(request):
    """The site's icon, for clients that ask at the conventional address: the shop's own
    when staff set one (Settings → Brand), else the default."""
    from django.templatetags.static import static

    from site_config import branding

    url = branding.for_request(request)["favicon_url"] or static("favicon.svg")
    return HttpResponseRedirect(url)


def brand_stylesheet(request):
    """The brand's colours as CSS custom properties: a stylesheet of its own, since the
    content security policy allows no inline style. Its address carries a version of the
    colours, so it is kept for a year and a change of colour is a new address."""
    from django.http import HttpResponse

    from site_config import branding

    response = HttpResponse(
        branding.stylesheet(branding.for_request(request)), content_type="text/css"
    )
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def server_error(request):
    """The 500 page: the brand as the last page read it (cache only, no database: it may be
    what failed), in the three languages, with nothing from the request."""
    from django.http import HttpResponseServerError

    from site_config import branding

    try:
        html = loader.render_to_string("500.html", {"brand": branding.brand_without_database()})
    except Exception:  # noqa: BLE001 - the last resort must answer
        html = "<h1>Server error</h1>"
    return HttpResponseServerError(html)


def page_not_found(request, exception):
    """The 404 page with a search box and the most read articles of the visitor's language
    (without them when the database cannot answer)."""
    from django.http import HttpResponseNotFound
    from django.utils.translation import get_language

    popular = []
    try:
        from kb.selectors import popular_articles

        popular = popular_articles(get_language() or "en")
    except Exception:  # noqa: BLE001 - a missing page must not become a server error
        logger.warning("popular articles for the 404 page failed", exc_info=True)
    return HttpResponseNotFound(
        loader.render_to_string("404.html", {"popular": popular}, request=request)
    )


@never_cache
def admin_login(request):
    """Where the Wagtail admin sends whoever it refuses (WAGTAILADMIN_LOGIN_URL). Visitors
    who are not signed in go on to the one sign-in form (allauth's, rate limited), and
    come back. Someone signed in without access to the admin (a member, a new editor
    before an administrator gave them a group) was sent to that form too, which sends a
    signed-in visitor straight back: an endless loop. They get a page that says so."""
    if not request.user.is_authenticated:
        login = redirect("account_login")
        if query := request.META.get("QUERY_STRING", ""):
            login["Location"] += f"?{query}"
        return login
    # The admin queued "You do not have permission..." for the next page: this page says
    # it in its own words, so the message is used up here and not shown.
    list(messages.get_messages(request))
    return render(request, "admin_no_access.html", {"messages": []}, status=403)


def bad_request(request, exception):
    """The 400 page. Django's own is wrapped in ``requires_csrf_token``, which reads the form
    body again: a body Django refused (a form not in UTF-8) then fails a second time, and
    the visitor gets a 500 instead of a 400. This one reads nothing from the request (a
    query string of too many fields fails again when read)."""
    return HttpResponseBadRequest(
        loader.render_to_string("400.html", {"LANGUAGE_CODE": get_language()})
    )


def not_found(request, **kwargs):
    """Shadows a library route whose address ours refused (see urls)."""
    raise Http404
