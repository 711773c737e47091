"""schema.org JSON-LD for knowledge base pages (FAQPage, HowTo + VideoObject, Article,
BreadcrumbList). Search engines read it; the tests parse it and check required fields."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language

from kb.text import html_to_text


def _iso_duration(seconds: int) -> str:
    minutes, seconds = divmod(max(0, int(seconds)), 60)
    hours, minutes = divmod(minutes, 60)
    out = "PT"
    if hours:
        out += f"{hours}H"
    if minutes:
        out += f"{minutes}M"
    if seconds or out == "PT":
        out += f"{seconds}S"
    return out


def _text(value) -> str:
    return html_to_text(value)


def _publisher() -> dict:
    return {"@type": "Organization", "name": str(settings.WAGTAIL_SITE_NAME)}


def breadcrumb_list(trail, request) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": page.title,
                "item": page.get_full_url(request),
            }
            for position, page in enumerate(trail, start=1)
        ],
    }


def article(page, request) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title[:110],
        "description": page.intro,
        "inLanguage": get_language(),
        "url": page.get_full_url(request),
        "datePublished": (page.first_published_at or page.last_published_at).isoformat()
        if (page.first_published_at or page.last_published_at)
        else None,
        "dateModified": page.last_published_at.isoformat() if page.last_published_at else None,
        "author": _publisher(),
        "publisher": _publisher(),
        "mainEntityOfPage": page.get_full_url(request),
    }
    return {k: v for k, v in data.items() if v is not None}


def faq_page(page, request) -> dict:
    url = page.get_full_url(request)
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": url,
        "inLanguage": get_language(),
        "mainEntity": [
            {
                "@type": "Question",
                "name": item["question"],
                "url": f"{url}#{item['anchor']}",
                "acceptedAnswer": {"@type": "Answer", "text": _text(item["answer"])},
            }
            for item in page.questions()
        ],
    }


def video_object(page, request) -> dict | None:
    if not (page.video_url or page.video_file_id):
        return None
    data = {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": page.title,
        "description": page.intro,
        "uploadDate": (page.first_published_at or page.last_published_at).isoformat()
        if (page.first_published_at or page.last_published_at)
        else None,
        "duration": _iso_duration(page.video_seconds) if page.video_seconds else None,
        "transcript": _text(page.transcript),
        "inLanguage": get_language(),
    }
    if page.poster_id:
        rendition = page.poster.get_rendition("fill-1280x720")
        data["thumbnailUrl"] = [request.build_absolute_uri(rendition.url)]
    if page.external_video:
        data["embedUrl"] = page.external_video.player_url()
        data["url"] = page.external_video.watch_url()
    elif page.video_file_id:
        data["contentUrl"] = request.build_absolute_uri(
            reverse("kb:video_file", args=[page.video_file_id])
        )
    chapters = [block.value for block in page.chapters]
    if chapters:
        data["hasPart"] = [
            {
                "@type": "Clip",
                "name": chapter["title"],
                "startOffset": chapter["seconds"],
                "endOffset": chapters[i + 1]["seconds"]
                if i + 1 < len(chapters)
                else max(page.video_seconds, chapter["seconds"] + 1),
                "url": f"{page.get_full_url(request)}?t={chapter['seconds']}#video",
            }
            for i, chapter in enumerate(chapters)
        ]
    return {k: v for k, v in data.items() if v is not None}


def how_to(page, request, video: dict | None) -> dict:
    url = page.get_full_url(request)
    data = {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": page.title,
        "description": page.intro,
        "inLanguage": get_language(),
        "totalTime": _iso_duration(page.total_minutes * 60),
        "supply": [{"@type": "HowToSupply", "name": block.value} for block in page.you_need],
        "step": [
            {
                "@type": "HowToStep",
                "position": position,
                "name": block.value["title"],
                "text": _text(block.value["text"]),
                "url": f"{url}#step-{position}",
            }
            for position, block in enumerate(page.steps, start=1)
        ],
    }
    if video:
        data["video"] = {k: v for k, v in video.items() if k != "@context"}
    return data


def for_article(page, trail, request) -> list[dict]:
    """Every JSON-LD object an article page carries."""
    objects = [article(page, request), breadcrumb_list(trail, request)]
    if page.kind == "faq":
        objects.append(faq_page(page, request))
    elif page.kind == "video":
        video = video_object(page, request)
        objects.append(how_to(page, request, video))
        if video:
            objects.append(video)
    return objects
