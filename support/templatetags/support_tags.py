from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value) -> str:
    """A time span as people say it: "45 min", "3 h 20 min", "2 d 4 h"; "–" for none."""
    if value is None:
        return "–"
    minutes = max(0, round(value.total_seconds() / 60))
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}
    if hours:
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    return _("%(minutes)d min") % {"minutes": minutes}


@register.filter
def percent(share) -> str:
    """0.873 → "87 %"; "–" when there is nothing to divide."""
    return "–" if share is None else f"{round(share * 100)} %"
