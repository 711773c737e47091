"""The search page, the suggestions JSON and click-through recording."""

from django.conf import settings
from django.core import signing
from django.http import HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import get_language
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from search import analysis, api
from site_config import ratelimit
from site_config.ids import parse_id, parse_int

SEARCH_LIMIT = (60, 60)  # searches per visitor address per minute
SUGGEST_LIMIT = (120, 60)
_CLICK_SALT = "search.click"


def _allowed(request, scope: str, limits) -> bool:
    count, period = limits
    return ratelimit.hit(scope, ratelimit.client_ip(request), limit=count, period=period)


def _page_number(raw) -> int:
    return parse_int(raw, default=1, low=1, high=api.MAX_PAGE)


def search_page(request):
    language = get_language()
    requested = request.GET.get("lang", "")
    search_language = requested if requested in dict(settings.LANGUAGES) else language
    query = request.GET.get("q", "")
    limited = not _allowed(request, "search-page", SEARCH_LIMIT)
    if limited:
        results = api.Results(query=analysis.clean_query(query), language=search_language)
    else:
        results = api.search(
            query, search_language, filters=request.GET, page=_page_number(request.GET.get("page"))
        )
    click_token = ""
    if results.query and not limited:
        log_id = api.record_query(results)
        click_token = signing.dumps(log_id, salt=_CLICK_SALT) if log_id else ""
    context = {
        "results": results,
        "limited": limited,
        "click_token": click_token,
        "search_language": search_language,
        "languages": settings.LANGUAGES,
        "popular": [] if results.total else _popular(language),
    }
    status = 429 if limited else 200
    return TemplateResponse(request, "search/search.html", context, status=status)


def _popular(language: str):
    from kb.selectors import popular_articles

    return popular_articles(language)


@require_GET
def suggest(request):
    """Completions for the search box and the ask form: [{title, url, kind}]."""
    if not _allowed(request, "search-suggest", SUGGEST_LIMIT):
        return JsonResponse({"suggestions": []}, status=429)
    suggestions = api.suggest(request.GET.get("q", ""), get_language())
    return JsonResponse({"suggestions": suggestions})


# Browsers send <a ping> as a POST without our CSRF token; the signed token is what makes a
# click count, and all a request can do is mark one logged search's first click.
@csrf_exempt
@require_POST
def click(request):
    try:
        log_id = signing.loads(request.GET.get("t", ""), salt=_CLICK_SALT, max_age=3600)
    except signing.BadSignature:
        return HttpResponse(status=400)
    rank = parse_id(request.GET.get("r", ""))
    if rank is None:
        return HttpResponse(status=400)
    api.record_click(log_id, rank)
    return HttpResponse(status=204)
