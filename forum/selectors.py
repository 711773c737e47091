"""Reads for the forum, with the joins views would otherwise forget."""

from django.utils.translation import gettext as _

from forum.models import Profile


def profile_for_user(user) -> Profile:
    """The user's profile; an unsaved placeholder for accounts made outside sign-up
    (``createsuperuser``, the Django admin) until they choose a name."""
    try:
        return Profile.objects.select_related("user").get(user=user)
    except Profile.DoesNotExist:
        return Profile(user=user, display_name=_("Member %(id)s") % {"id": user.pk})
