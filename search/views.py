from django.shortcuts import render
from django.utils.translation import get_language

from search import api


def search_page(request):
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    results = api.search(request.GET.get("q", ""), language=get_language(), page=page)
    return render(request, "search/search.html", {"results": results})
