"""The invitation e-mail, in the invitee's language, with the shop's name, a text and an
HTML part. Sending never raises: the caller says when it failed."""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site

logger = logging.getLogger(__name__)


def invitation_url(token: str) -> str:
    return settings.BASE_URL + reverse("team:accept", kwargs={"token": token})


def send_invitation(invitation, token: str) -> bool:
    from site_config import branding

    try:
        site = Site.objects.filter(is_default_site=True).first()
        with translation.override(invitation.language):
            context = {
                "invitation": invitation,
                "role": invitation.role_info,
                "inviter": _name(invitation.invited_by),
                "brand": branding.for_site(site, invitation.language),
                "url": invitation_url(token),
                "expires": timezone.localtime(invitation.expires_at),
                "language": invitation.language,
            }
            subject = " ".join(
                render_to_string("team/email/invitation_subject.txt", context).split()
            )
            text = render_to_string("team/email/invitation.txt", context)
            html = render_to_string("team/email/invitation.html", context)
        message = EmailMultiAlternatives(subject, text, None, [invitation.email])
        message.attach_alternative(html, "text/html")
        message.send()
        return True
    except Exception:
        logger.exception("invitation %s could not be e-mailed", invitation.pk)
        return False


def _name(user) -> str:
    if user is None:
        return ""
    profile = getattr(user, "forum_profile", None)  # (missing: AttributeError, so None)
    return getattr(profile, "display_name", "") or user.get_full_name() or user.email
