import json

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

# The characters that could end a <script> element or start markup inside it.
_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@register.filter
def plain_text(html) -> str:
    """Stored HTML (rich text, a post's rendered body) as the words a reader sees, for
    places that take text only (a meta description, an excerpt): tags gone, character
    references read, and escaped once by the template like any text. Django's
    ``striptags`` keeps the references, which the template then escapes a second time."""
    from kb.text import html_to_text

    return html_to_text(html)


@register.simple_tag
def jsonld(objects) -> str:
    """One <script type="application/ld+json"> per object, safe for any text inside."""
    scripts = [
        '<script type="application/ld+json">'
        + json.dumps(obj, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
        + "</script>"
        for obj in objects
    ]
    return mark_safe("\n".join(scripts))  # noqa: S308 - escaped above


@register.filter
def clock(seconds) -> str:
    """90 → "1:30", 3725 → "1:02:05"."""
    try:
        seconds = max(0, int(seconds))
    except (TypeError, ValueError):
        return ""
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.simple_tag
def sparkline(daily, width=120, height=28) -> str:
    """A tiny inline chart of the last days: bar height = votes, green share = helpful."""
    if not daily:
        return ""
    most = max((votes for _day, votes, _yes in daily), default=0) or 1
    step = width / len(daily)
    bars = []
    for i, (day, votes, yes) in enumerate(daily):
        if not votes:
            continue
        h = max(2.0, height * votes / most)
        yes_h = h * yes / votes
        x = i * step
        bars.append(
            f'<rect x="{x:.1f}" y="{height - h:.1f}" width="{step * 0.8:.1f}"'
            f' height="{h - yes_h:.1f}" fill="#c0392b">'
            f"<title>{day:%Y-%m-%d}: {yes}/{votes}</title></rect>"
            f'<rect x="{x:.1f}" y="{height - yes_h:.1f}" width="{step * 0.8:.1f}"'
            f' height="{yes_h:.1f}" fill="#1d6b35"></rect>'
        )
    return mark_safe(  # noqa: S308 - numbers and dates only
        f'<svg class="sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="votes per day, helpful in green">{"".join(bars)}</svg>'
    )


@register.filter
def percent(value) -> str:
    return "–" if value is None else f"{value * 100:.0f}%"


@register.filter
def top_reason(row) -> str:
    """The reason readers gave most often for "not helpful", with its count."""
    from kb.models import ArticleFeedback

    value, count = max(row.reasons.items(), key=lambda item: item[1], default=("", 0))
    if not count:
        return "–"
    return f"{ArticleFeedback.Reason(value).label} ({count})"
