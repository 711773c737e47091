from django.conf import settings
from django.db import transaction

from forum import permissions, selectors
from forum.models import Profile
from forum.validators import normalized, validate_display_name, validate_not_a_team_name


def _checked_name(user, display_name: str) -> str:
    """The name as stored (``validators.normalized``), after every rule: the team may use
    its role words; nobody may take a team member's name."""
    display_name = normalized(display_name)
    team = permissions.is_team(user)
    validate_display_name(display_name, allow_reserved=team)
    validate_not_a_team_name(display_name, selectors.team_display_names(exclude_user_id=user.pk))
    return display_name


@transaction.atomic
def profile_create(*, user, display_name: str, language: str = "") -> Profile:
    """Create the member's profile (at sign-up). Does not check permission."""
    defaults = {"display_name": _checked_name(user, display_name)}
    if language in dict(settings.LANGUAGES):
        defaults["language"] = language
    profile, _ = Profile.objects.get_or_create(user=user, defaults=defaults)
    return profile


@transaction.atomic
def profile_update(*, profile: Profile, display_name: str, language: str = "") -> Profile:
    """Change the public display name (and the language of the member's e-mails). The
    caller checks ``permissions.can_edit_profile``. A name kept as it was is not checked
    again (rules added since must not lock a member out of their other settings)."""
    if normalized(display_name) != profile.display_name:
        profile.display_name = _checked_name(profile.user, display_name)
    if language in dict(settings.LANGUAGES):
        profile.language = language
    profile.save(update_fields=["display_name", "language", "updated_at"])
    return profile
