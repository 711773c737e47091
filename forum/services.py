"""Every state change in the forum. Keyword-only, typed, one transaction each."""

from django.db import transaction

from forum.models import Profile
from forum.validators import validate_display_name


@transaction.atomic
def profile_create(*, user, display_name: str) -> Profile:
    """Create the member's profile (at sign-up). Does not check permission; staff accounts
    may carry the team's reserved names."""
    display_name = " ".join(display_name.split())
    validate_display_name(display_name, allow_reserved=user.is_staff)
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"display_name": display_name})
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, display_name: str) -> Profile:
    """Change the public display name. The caller checks ``permissions.can_edit_profile``."""
    display_name = " ".join(display_name.split())
    validate_display_name(display_name)
    profile.display_name = display_name
    profile.save(update_fields=["display_name", "updated_at"])
    return profile
