from allauth.account.adapter import DefaultAccountAdapter
from django.utils.translation import get_language

from forum import services as forum_services


class AccountAdapter(DefaultAccountAdapter):
    """Creates the forum profile with the account, so every member has a public name."""

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
