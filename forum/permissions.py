"""Who may do what in the forum: the one place that decides.

Every function takes the acting user (possibly anonymous) and returns a bool; views and
services ask here and nowhere else.
"""

from allauth.account.models import EmailAddress


def has_confirmed_email(user) -> bool:
    """The user has at least one e-mail address they proved they own."""
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def can_post(user) -> bool:
    """Ask a question or reply: signed in, active, and e-mail confirmed."""
    return bool(user.is_authenticated and user.is_active and has_confirmed_email(user))


def can_edit_profile(user, profile) -> bool:
    """Members edit their own profile only."""
    return bool(user.is_authenticated and user.is_active and profile.user_id == user.pk)
