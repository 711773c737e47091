from django.conf import settings
from django.db import transaction

from forum.models import Profile
from forum.validators import validate_display_name


@transaction.atomic
def profile_create(*, user, display_name: str, language: str = "") -> Profile:
    """Create the member's profile (at sign-up). Does not check permission; staff accounts
    may carry the team's reserved names."""
    display_name = " ".join(display_name.split())
    validate_display_name(display_name, allow_reserved=user.is_staff)
    defaults = {"display_name": display_name}
    if language in dict(settings.LANGUAGES):
        defaults["language"] = language
    profile, _ = Profile.objects.get_or_create(user=user, defaults=defaults)
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, display_name: str, language: str = "") -> Profile:
    """Change the public display name (and the language of the member's e-mails). The
    caller checks ``permissions.can_edit_profile``."""
    display_name = " ".join(display_name.split())
    validate_display_name(display_name)
    profile.display_name = display_name
    if language in dict(settings.LANGUAGES):
        profile.language = language
    profile.save(update_fields=["display_name", "language", "updated_at"])
    return profile
