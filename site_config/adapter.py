from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import get_language

from forum import services as forum_services
from site_config.tasks import send_email


class AccountAdapter(DefaultAccountAdapter):
    """Creates the forum profile with the account, so every member has a public name, and
    sends the account e-mails through the task worker (``site_config.tasks``)."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """As allauth's ``send_mail`` (the same context and rendering), but sent by a task."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
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
