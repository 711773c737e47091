"""The team hears once when a request's first answer is nearly due (within
SUPPORT_DUE_WARNING_MINUTES) or overdue: an e-mail to whoever the request is assigned to, or
to every agent when nobody has it, each in their own interface language.

``warn_due`` (``manage.py support_due_warnings``, every minute in deploy/) marks each such
request (``due_warned_at``, a "warned" event) in its own transaction and queues the e-mails
(``send_due_warning``) for after the commit: a request is warned once, however often
the command runs and even when two run at once; an e-mail that fails is logged, not sent
again. The e-mail's task is here, beside what queues it: ``support.tasks`` runs ``warn_due``
on the scheduler's behalf, so this module cannot import it back."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task
from wagtail.models import Site

from support import permissions
from support.models import Request, RequestEvent
from support.selectors import hours_for

logger = logging.getLogger(__name__)


def due_for_warning(*, now: datetime | None = None, minutes: int | None = None):
    """Confirmed requests waiting for their first answer (new or open), due within
    ``minutes`` or overdue, and not warned yet; the soonest due first."""
    now = now or timezone.now()
    if minutes is None:
        minutes = settings.SUPPORT_DUE_WARNING_MINUTES
    return Request.objects.filter(
        confirmed_at__isnull=False,
        first_response_at__isnull=True,
        status__in=(Request.Status.NEW, Request.Status.OPEN),
        due_warned_at__isnull=True,
        merged_into__isnull=True,
        anonymised_at__isnull=True,
        first_response_due__lte=now + timedelta(minutes=minutes),
    ).order_by("first_response_due", "pk")


def warn_due(*, now: datetime | None = None, minutes: int | None = None) -> int:
    """Warn about every request that needs it; returns how many were warned."""
    ids = list(due_for_warning(now=now, minutes=minutes).values_list("pk", flat=True))
    return sum(_warn(pk, now=now, minutes=minutes) for pk in ids)


@transaction.atomic
def _warn(pk: int, *, now, minutes) -> bool:
    # Asked again under the row's lock: answered, or warned by another run, meanwhile.
    found = (
        due_for_warning(now=now, minutes=minutes)
        .select_for_update(of=("self",))
        .select_related("assignee")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        return False
    recipients = recipients_for(found)
    found.due_warned_at = timezone.now()
    found.save(update_fields=["due_warned_at"])
    if len(recipients) == 1 and recipients[0].pk == found.assignee_id:
        detail = found.assignee.email
    else:
        detail = translation.gettext("the whole team (%(count)d)") % {"count": len(recipients)}
    RequestEvent.objects.create(
        request=found, action=RequestEvent.Action.WARNED, detail=detail[:200]
    )
    user_ids = [user.pk for user in recipients]
    transaction.on_commit(lambda: send_due_warning.enqueue(found.pk, user_ids), robust=True)
    return True


def recipients_for(request_obj: Request) -> list:
    """The assignee while they are on the team; else every agent with an address."""
    agents = (
        get_user_model()
        .objects.filter(permissions.agents_q())
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    if request_obj.assignee_id is not None:
        assignee = list(agents.filter(pk=request_obj.assignee_id))
        if assignee:
            return assignee
    return list(agents)


def agent_language(user) -> str:
    """The language of the admin as the agent chose it (Account → Preferred language), else
    of their forum e-mails (as forum notifications choose), else the site's default."""
    codes = {code for code, _name in settings.LANGUAGES}
    admin_profile = getattr(user, "wagtail_userprofile", None)
    forum_profile = getattr(user, "forum_profile", None)
    for language in (
        getattr(admin_profile, "preferred_language", ""),
        getattr(forum_profile, "language", ""),
    ):
        if language in codes:
            return language
    return settings.LANGUAGE_CODE


@task()
def send_due_warning(request_id: int, user_ids: list[int]) -> int:
    """The warning e-mail (text and HTML) to each of ``user_ids``, as a task. Never raises;
    returns how many went out."""
    request_obj = Request.objects.select_related("assignee").filter(pk=request_id).first()
    if request_obj is None:
        return 0
    users = (
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .select_related("wagtail_userprofile", "forum_profile")
    )
    # The team's clock, as the promise to the customer was made.
    zone = hours_for(Site.objects.filter(is_default_site=True).first()).clock().zone
    url = settings.BASE_URL + reverse("support_request", args=[request_obj.pk])
    sent = 0
    for user in users:
        try:
            _send(request_obj, user, zone=zone, url=url)
        except Exception:
            logger.exception(
                "due-time warning for request %s to user %s failed", request_id, user.pk
            )
        else:
            sent += 1
    return sent


def _send(request_obj: Request, user, *, zone, url: str) -> None:
    language = agent_language(user)
    with translation.override(language), timezone.override(zone):
        context = {
            "request": request_obj,
            "overdue": request_obj.first_response_due <= timezone.now(),
            "assigned_to_them": request_obj.assignee_id == user.pk,
            "url": url,
            "language": language,
        }
        prefix = "support/email/due_warning"
        subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
        text = render_to_string(f"{prefix}.txt", context)
        html = render_to_string(f"{prefix}.html", context)
    message = EmailMultiAlternatives(subject, text, None, [user.email])
    message.attach_alternative(html, "text/html")
    message.send()
