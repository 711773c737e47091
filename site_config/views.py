from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from site_config.middleware import remember_language


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
