from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.encoding import force_str
from django.utils.html import urlize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from forum import services as forum_services
from site_config.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """Creates the forum profile with the account, so every member has a public name, and
    sends the account e-mails through the task worker (``site_config.tasks``): the site's
    own words and name (templates/account/email), in the language of the page that caused
    them, as plain text with an HTML part made from it."""

    def format_email_subject(self, subject: str) -> str:
        return f"{settings.WAGTAIL_SITE_NAME}: {force_str(subject)}"

    def render_mail(self, template_prefix: str, email: str, context: dict, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if not getattr(message, "alternatives", None):
            message = _with_html(message)
        return message

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """As allauth's ``send_mail`` (the same context and rendering), but sent by a task."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {
                "request": request,
                "email": email,
                "current_site": get_current_site(request),
                "site_name": settings.WAGTAIL_SITE_NAME,
                "site_url": settings.BASE_URL + "/",
            }
            | context,
        )
        alternatives = getattr(message, "alternatives", [])
        html = next((body for body, kind in alternatives if kind == "text/html"), "")
        send_email.enqueue(
            subject=message.subject,
            body=message.body,
            html=html,
            from_email=message.from_email,
            to=list(message.to),
            headers=dict(message.extra_headers),
        )

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            forum_services.profile_create(
                user=user,
                display_name=form.cleaned_data["display_name"],
                # E-mails about answers go out in the language the member signed up in.
                language=get_language(),
            )
        return user


def _with_html(message):
    """The message with an HTML part made from its text: one paragraph per block of lines,
    addresses as links (the text is escaped first; the links are the only markup)."""
    paragraphs = [
        mark_safe(urlize(block, autoescape=True).replace("\n", "<br>"))  # noqa: S308 - escaped
        for block in message.body.split("\n\n")
        if block.strip()
    ]
    html = render_to_string(
        "account/email/message.html",
        {"paragraphs": paragraphs, "subject": message.subject, "language": get_language()},
    )
    rich = EmailMultiAlternatives(
        message.subject,
        message.body,
        message.from_email,
        message.to,
        headers=message.extra_headers,
    )
    rich.attach_alternative(html, "text/html")
    return rich
